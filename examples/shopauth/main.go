// Command shopauth is a user's own CDK app that composes authstack's
// constructs one by one, in a Go module of its own (example.com/shop, with
// a replace directive to this checkout): the proof, on every CI run, that the
// constructs work outside authstack's module. It uses every public construct:
//
//   - a user pool with a tenant attribute, a web client and the hosted UI;
//   - an orders resource server whose machine client may only read;
//   - the user-events topic, with a queue of the shop's subscribed to it;
//   - authstack's triggers, with the shop's own pre sign-up hook
//     (functions/signupgate, a Go function of this module);
//   - an identity pool without storage, and a staff group with a role;
//   - the API, with the shop's own route GET /orders behind authstack's
//     authorizer (functions/orders);
//   - a dashboard, one log key for every function.
//
// Synthesize it from this directory (`make example` does):
//
//	cdk synth --app 'go run ./shopauth'
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

func main() {
	app := awscdk.NewApp(nil)
	NewShopAuth(app, "ShopAuth", &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-central-1")}})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	app.Synth(nil)
}
