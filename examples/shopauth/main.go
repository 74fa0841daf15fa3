// Command shopauth is an example of a user's own CDK app that imports
// authstack's constructs one by one, instead of the ready-made AuthStack:
// a user pool with a tenant attribute and required MFA, a web client, the
// hosted UI, an API resource server with read and write scopes, and the
// encrypted user-events topic. It is synthesized by `make test`:
//
//	cdk synth --app 'go run ./examples/shopauth'
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/authstack/authstack/constructs/appclient"
	"github.com/authstack/authstack/constructs/hosteddomain"
	"github.com/authstack/authstack/constructs/resourceserver"
	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/constructs/userpool"
)

func main() {
	app := awscdk.NewApp(nil)
	newShopAuth(app, "ShopAuth", &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-central-1")}})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	app.Synth(nil)
}

func newShopAuth(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)

	pool := userpool.NewUserPool(stack, jsii.String("Users"), &userpool.UserPoolProps{
		Mfa: cognito.Mfa_REQUIRED,
		CustomAttributes: &map[string]cognito.ICustomAttribute{
			"tenant_id": cognito.NewStringAttribute(&cognito.StringAttributeProps{MaxLen: jsii.Number(64), Mutable: jsii.Bool(false)}),
		},
	})
	web := appclient.NewAppClient(stack, jsii.String("Web"), &appclient.AppClientProps{
		UserPool:     pool.Pool,
		ClientName:   jsii.String("shop-web"),
		CallbackUrls: jsii.Strings("https://shop.example.com/auth/callback"),
		LogoutUrls:   jsii.Strings("https://shop.example.com/"),
	})
	domain := hosteddomain.NewHostedDomain(stack, jsii.String("Login"), &hosteddomain.HostedDomainProps{
		UserPool: pool.Pool, DomainPrefix: jsii.String("shop-example-login"),
	})
	api := resourceserver.NewResourceServer(stack, jsii.String("OrdersApi"), &resourceserver.ResourceServerProps{
		UserPool:   pool.Pool,
		Identifier: jsii.String("https://api.shop.example.com/orders"),
		Scopes:     []resourceserver.Scope{{Name: "orders.read", Description: "Read orders"}, {Name: "orders.write", Description: "Create orders"}},
		// The fulfilment service only reads.
		MachineClientScopes: []string{"orders.read"},
	})
	events := userevents.NewUserEvents(stack, jsii.String("UserEvents"), nil)

	for name, value := range map[string]*string{
		"UserPoolId":    pool.UserPoolId(),
		"IssuerUrl":     pool.IssuerUrl(),
		"WebClientId":   web.UserPoolClientId(),
		"WebSignInUrl":  domain.SignInUrl(web.Client, web.CallbackUrl),
		"FulfilmentId":  api.MachineClient.UserPoolClientId(),
		"UserEventsArn": events.TopicArn(),
	} {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: value})
	}
	return stack
}
