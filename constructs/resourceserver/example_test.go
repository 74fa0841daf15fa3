package resourceserver_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/resourceserver"
)

// A resource server whose scope a browser client may also request.
func ExampleResourceServer_OAuthScope() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	api := resourceserver.NewResourceServer(stack, jsii.String("Api"), &resourceserver.ResourceServerProps{
		UserPool:   pool,
		Identifier: jsii.String("api.example.com"),
		Scopes:     []resourceserver.Scope{{Name: "orders.read", Description: "Read orders"}},
	})
	pool.AddClient(jsii.String("Web"), &cognito.UserPoolClientOptions{
		OAuth: &cognito.OAuthSettings{Scopes: &[]cognito.OAuthScope{cognito.OAuthScope_OPENID(), api.OAuthScope("orders.read")}},
	})
}
