package userevents_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userevents"
)

// A publisher role granted sns:Publish and the key permissions it needs.
func ExampleUserEvents_GrantPublish() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	events := userevents.NewUserEvents(stack, jsii.String("UserEvents"), nil)
	publisher := iam.NewRole(stack, jsii.String("Publisher"), &iam.RoleProps{
		AssumedBy: iam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	events.GrantPublish(publisher)
}
