package triggers_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/constructs/triggers"
	"github.com/authstack/authstack/constructs/userevents"
)

// Triggers with an extra denied domain and a tenant claim in every token.
func ExampleNewTriggers() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	triggers.NewTriggers(stack, jsii.String("Triggers"), &triggers.TriggersProps{
		UserPool:    cognito.NewUserPool(stack, jsii.String("Users"), nil),
		UserEvents:  userevents.NewUserEvents(stack, jsii.String("Events"), nil),
		AppName:     "Shop",
		Environment: "test",
		DenyDomains: []string{"throwaway.example"},
		TokenClaims: claims.Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}},
	})
}
