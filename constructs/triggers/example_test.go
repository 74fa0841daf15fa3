package triggers_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/constructs/triggers"
	"github.com/authstack/authstack/constructs/userevents"
)

// Triggers with an extra denied domain and a tenant claim in every token.
func ExampleNewTriggers() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	triggers.NewTriggers(stack, jsii.String("Triggers"), &triggers.TriggersProps{
		UserPool:   cognito.NewUserPool(stack, jsii.String("Users"), nil),
		UserEvents: userevents.NewUserEvents(stack, jsii.String("Events"), nil),
		AppName:    jsii.String("Shop"),
		PreSignUp:  &triggers.PreSignUpOptions{DenyDomains: []string{"throwaway.example"}},
		PreTokenGeneration: &triggers.PreTokenGenerationOptions{
			Rules: claims.Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}},
		},
	})
}

// Your own post-confirmation logic runs after authstack publishes the user
// event: a hook, invoked with the trigger's event.
func ExampleUserEventsOptions_hook() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	welcome := lambda.Function_FromFunctionArn(stack, jsii.String("Welcome"),
		jsii.String("arn:aws:lambda:eu-west-1:111111111111:function:send-welcome-gift"))
	triggers.NewTriggers(stack, jsii.String("Triggers"), &triggers.TriggersProps{
		UserPool:          cognito.NewUserPool(stack, jsii.String("Users"), nil),
		UserEvents:        userevents.NewUserEvents(stack, jsii.String("Events"), nil),
		UserEventsTrigger: &triggers.UserEventsOptions{Hook: welcome},
	})
}
