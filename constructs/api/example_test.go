package api_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/api"
	"github.com/authstack/authstack/internal/rules"
)

// An API where only members of "support" may read other users, behind WAF.
func ExampleNewAPI() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
		Issuer:     jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_example"),
		ClientIds:  []*string{jsii.String("1example23456789abcdefghij")},
		AdminGroup: "support",
		Rules: []rules.Rule{
			{Method: "GET", Path: "/user", TokenUse: rules.UseAny},
			{Method: "GET", Path: "/users/{id}", Groups: []string{"support"}, Owner: "id"},
			{Method: "POST", Path: "/auth/logout"},
		},
		WAF: jsii.Bool(true),
	})
}
