package userpool_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userpool"
)

// A pool on the Plus plan (threat protection enforced) with required MFA.
func ExampleNewUserPool() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Auth"), nil)
	pool := userpool.NewUserPool(stack, jsii.String("Users"), &userpool.UserPoolProps{
		FeaturePlan: cognito.FeaturePlan_PLUS,
		Mfa:         cognito.Mfa_REQUIRED,
	})
	awscdk.NewCfnOutput(stack, jsii.String("Issuer"), &awscdk.CfnOutputProps{Value: pool.IssuerUrl()})
}
