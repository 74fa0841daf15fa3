package identitypool_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/identitypool"
)

// Signed-in users only (no guests), with the storage bucket's name exported.
func ExampleNewIdentityPool() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	client := pool.AddClient(jsii.String("App"), nil)
	ids := identitypool.NewIdentityPool(stack, jsii.String("Identities"), &identitypool.IdentityPoolProps{
		UserPool: pool, Clients: []cognito.UserPoolClient{client}, AllowGuests: jsii.Bool(false),
	})
	awscdk.NewCfnOutput(stack, jsii.String("Bucket"), &awscdk.CfnOutputProps{Value: ids.Bucket.BucketName()})
}
