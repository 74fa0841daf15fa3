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
		UserPool: pool, Clients: []cognito.IUserPoolClient{client}, AllowGuests: jsii.Bool(false),
	})
	awscdk.NewCfnOutput(stack, jsii.String("Bucket"), &awscdk.CfnOutputProps{Value: ids.Bucket.BucketName()})
}

// An identity pool without storage, for app clients imported from another
// stack, and the storage as a construct of its own for the same roles.
func ExampleNewIdentityStorage() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.UserPool_FromUserPoolId(stack, jsii.String("Users"), jsii.String("eu-west-1_example"))
	client := cognito.UserPoolClient_FromUserPoolClientId(stack, jsii.String("App"), jsii.String("1example23456789abcdefghij"))
	ids := identitypool.NewIdentityPool(stack, jsii.String("Identities"), &identitypool.IdentityPoolProps{
		UserPool: pool, Clients: []cognito.IUserPoolClient{client}, Storage: jsii.Bool(false),
	})
	identitypool.NewIdentityStorage(stack, jsii.String("Files"), &identitypool.IdentityStorageProps{
		AuthenticatedRole: ids.Pool.AuthenticatedRole(),
		GuestRole:         ids.Pool.UnauthenticatedRole(),
	})
}
