package dashboard_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/dashboard"
)

// A dashboard watching one function, alarms mailed to the on-call address.
func ExampleNewDashboard() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	fn := lambda.Function_FromFunctionName(stack, jsii.String("Fn"), jsii.String("pre-sign-up"))
	dashboard.NewDashboard(stack, jsii.String("Dashboard"), &dashboard.DashboardProps{
		StackName:   jsii.String("shop-prod"),
		Functions:   []dashboard.Function{{Name: "Pre sign-up", Function: fn}},
		AlarmEmails: []string{"oncall@example.com"},
	})
}
