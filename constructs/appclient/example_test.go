package appclient_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/appclient"
)

// A mobile client with a custom-scheme callback and 10-minute access tokens.
func ExampleNewAppClient() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	appclient.NewAppClient(stack, jsii.String("Ios"), &appclient.AppClientProps{
		UserPool:            pool,
		CallbackUrls:        jsii.Strings("myapp://auth/callback"),
		LogoutUrls:          jsii.Strings("myapp://auth/logout"),
		AccessTokenValidity: awscdk.Duration_Minutes(jsii.Number(10)),
	})
}
