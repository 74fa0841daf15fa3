package api_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/api"
	"github.com/authstack/authstack/constructs/userpool"
	"github.com/authstack/authstack/rules"
)

// An API where only members of "support" may read other users, behind WAF.
func ExampleNewAPI() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_example"))
	api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
		Issuer:     userpool.IssuerUrl(pool.UserPoolId()),
		ClientIds:  []*string{jsii.String("1example23456789abcdefghij")},
		UserPool:   pool,
		AdminGroup: jsii.String("support"),
		Rules: []rules.Rule{
			{Method: "GET", Path: "/user", TokenUse: rules.UseAny},
			{Method: "GET", Path: "/users/{id}", Groups: []string{"support"}, Owner: "id"},
			{Method: "POST", Path: "/auth/logout"},
		},
		Waf: jsii.Bool(true),
	})
}

// A route of your own behind the stack's authorizer: only callers whose
// token carries the orders.read scope may list orders.
func ExampleAPI_AddRoute() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Shop"), nil)
	pool := cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_example"))
	a := api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
		Issuer:     userpool.IssuerUrl(pool.UserPoolId()),
		ClientIds:  []*string{jsii.String("1example23456789abcdefghij")},
		UserPool:   pool,
		AdminGroup: jsii.String("support"),
		Rules:      rules.Defaults("support", "https://api.shop.example.com/orders/client", false),
	})
	orders := lambda.Function_FromFunctionArn(stack, jsii.String("Orders"),
		jsii.String("arn:aws:lambda:eu-west-1:111111111111:function:list-orders"))
	a.AddRoute(rules.Rule{Method: "GET", Path: "/orders", Scopes: []string{"https://api.shop.example.com/orders/orders.read"}},
		apigw.NewLambdaIntegration(orders, nil))
}
