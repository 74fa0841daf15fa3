package api_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
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
		AdminGroup: "support",
		Rules: []rules.Rule{
			{Method: "GET", Path: "/user", TokenUse: rules.UseAny},
			{Method: "GET", Path: "/users/{id}", Groups: []string{"support"}, Owner: "id"},
			{Method: "POST", Path: "/auth/logout"},
		},
		WAF: jsii.Bool(true),
	})
}
