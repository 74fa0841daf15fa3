package stacks_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/constructs/api"
	"github.com/authstack/authstack/constructs/appclient"
	"github.com/authstack/authstack/constructs/dashboard"
	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/constructs/groups"
	"github.com/authstack/authstack/constructs/hosteddomain"
	"github.com/authstack/authstack/constructs/identitypool"
	"github.com/authstack/authstack/constructs/logkey"
	"github.com/authstack/authstack/constructs/resourceserver"
	"github.com/authstack/authstack/constructs/triggers"
	"github.com/authstack/authstack/constructs/userbackup"
	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/constructs/userpool"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/rules"
	"github.com/authstack/authstack/stacks"
)

// bareApp is an app as `cdk init` makes one: no context, so none of
// cdk.json's feature flags (awscdk.NewApp(nil), with an output directory
// of the test's own).
func bareApp(t *testing.T) awscdk.App {
	return awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
}

// Every construct, and the whole AuthStack, synthesizes in an app without
// authstack's feature flags: each sets explicitly what it needs.
func TestCorrectInAnyApp(t *testing.T) {
	root, err := module.Root()
	if err != nil {
		t.Fatal(err)
	}
	constructsOf := map[string]func(s awscdk.Stack){
		"userpool, appclient, resource server, groups, hosted domain": func(s awscdk.Stack) {
			pool := userpool.NewUserPool(s, jsii.String("Users"), nil)
			appclient.NewAppClient(s, jsii.String("Web"), &appclient.AppClientProps{UserPool: pool.Pool, CallbackUrls: jsii.Strings("https://app.example.com/cb")})
			resourceserver.NewResourceServer(s, jsii.String("Api"), &resourceserver.ResourceServerProps{
				UserPool: pool.Pool, Identifier: jsii.String("https://api.example.com"), Scopes: []resourceserver.Scope{{Name: "read", Description: "Read"}},
			})
			groups.NewGroups(s, jsii.String("Groups"), &groups.GroupsProps{UserPool: pool.Pool, Groups: []groups.Group{{Name: "admin", CreateRole: true}},
				RolePrincipal: iam.NewServicePrincipal(jsii.String("cognito-identity.amazonaws.com"), nil)})
			hosteddomain.NewHostedDomain(s, jsii.String("Login"), &hosteddomain.HostedDomainProps{UserPool: pool.Pool, DomainPrefix: jsii.String("any-app-example")})
		},
		"identity pool with storage, and storage alone": func(s awscdk.Stack) {
			pool := cognito.NewUserPool(s, jsii.String("Users"), nil)
			ids := identitypool.NewIdentityPool(s, jsii.String("Ids"), &identitypool.IdentityPoolProps{
				UserPool: pool, Clients: []cognito.IUserPoolClient{pool.AddClient(jsii.String("C"), nil)},
			})
			identitypool.NewIdentityStorage(s, jsii.String("Files"), &identitypool.IdentityStorageProps{AuthenticatedRole: ids.Pool.AuthenticatedRole()})
		},
		"triggers and user events": func(s awscdk.Stack) {
			triggers.NewTriggers(s, jsii.String("Triggers"), &triggers.TriggersProps{
				UserPool: cognito.NewUserPool(s, jsii.String("Users"), nil), UserEvents: userevents.NewUserEvents(s, jsii.String("Events"), nil),
			})
		},
		"API and dashboard": func(s awscdk.Stack) {
			pool := cognito.UserPool_FromUserPoolId(s, jsii.String("Users"), jsii.String("eu-west-1_example"))
			a := api.NewAPI(s, jsii.String("Api"), &api.APIProps{
				Issuer: userpool.IssuerUrl(pool.UserPoolId()), ClientIds: []*string{jsii.String("c1")}, UserPool: pool,
				AdminGroup: jsii.String("admin"), Rules: rules.Defaults("admin", "https://api.example.com/client", false),
			})
			dashboard.NewDashboard(s, jsii.String("Dash"), &dashboard.DashboardProps{
				StackName: jsii.String("any"), Functions: []dashboard.Function{{Name: "Authorizer", Function: a.Authorizer.Function}},
			})
		},
		"user-pool backup, custom domain and its custom resources": func(s awscdk.Stack) {
			pool := cognito.NewUserPool(s, jsii.String("Users"), nil)
			userbackup.NewUserBackup(s, jsii.String("Backup"), &userbackup.UserBackupProps{UserPool: pool})
			hosteddomain.NewHostedDomain(s, jsii.String("Login"), &hosteddomain.HostedDomainProps{UserPool: pool, CustomDomain: &hosteddomain.CustomDomainOptions{
				DomainName:  jsii.String("auth.example.com"),
				Certificate: acm.Certificate_FromCertificateArn(s, jsii.String("Cert"), jsii.String("arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555")),
			}})
		},
		"Go function and log key": func(s awscdk.Stack) {
			gofunction.NewGoFunction(s, jsii.String("Fn"), &gofunction.GoFunctionProps{
				Entry: jsii.String(module.Function("pretokengen")), ModuleDir: jsii.String(root),
				LogKey: logkey.NewLogKey(s, jsii.String("LogKey"), nil),
			})
		},
	}
	for name, build := range constructsOf {
		t.Run(name, func(t *testing.T) {
			app := bareApp(t)
			build(awscdk.NewStack(app, jsii.String("Any"), nil))
			if msg := cdktest.Panics(func() { app.Synth(nil) }); msg != "" {
				t.Fatalf("synth in a bare app: %s", msg)
			}
		})
	}
	t.Run("AuthStack", func(t *testing.T) {
		app := bareApp(t)
		if _, err := stacks.NewAuthStack(app, jsii.String("Any"), &stacks.AuthStackProps{Config: config.Reference()[0]}); err != nil {
			t.Fatal(err)
		}
		stacks.CheckAwsSolutions(app)
		if msg := cdktest.Panics(func() { app.Synth(nil) }); msg != "" {
			t.Fatalf("synth in a bare app: %s", msg)
		}
	})
}
