package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	subs "github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	sqs "github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

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
	"github.com/authstack/authstack/rules"
)

// OrdersAPI is the identifier of the shop's resource server.
const OrdersAPI = "https://api.shop.example.com/orders"

// NewShopAuth is the shop's authentication stack.
func NewShopAuth(scope constructs.Construct, id string, props *awscdk.StackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), props)
	logKey := logkey.NewLogKey(stack, jsii.String("LogKey"), nil)

	pool := userpool.NewUserPool(stack, jsii.String("Users"), &userpool.UserPoolProps{
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
	// Managed login (the default) serves its pages to clients with a style.
	domain.BrandClients(web.Client)
	// A daily backup of every user, group and membership, alarmed when late
	// (its alarms go on the dashboard below).
	backups := userbackup.NewUserBackup(stack, jsii.String("Backup"), &userbackup.UserBackupProps{UserPool: pool.Pool, StackName: jsii.String(id)})
	orders := resourceserver.NewResourceServer(stack, jsii.String("OrdersApi"), &resourceserver.ResourceServerProps{
		UserPool:   pool.Pool,
		Identifier: jsii.String(OrdersAPI),
		Scopes:     []resourceserver.Scope{{Name: "orders.read", Description: "Read orders"}, {Name: "orders.write", Description: "Create orders"}},
		// The fulfilment service only reads.
		MachineClientScopes: []string{"orders.read"},
	})

	// User events, delivered to a queue of the shop's.
	events := userevents.NewUserEvents(stack, jsii.String("UserEvents"), nil)
	dlq := sqs.NewQueue(stack, jsii.String("WelcomeDeadLetters"), &sqs.QueueProps{
		Encryption: sqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
	})
	cdknag.NagSuppressions_AddResourceSuppressions(dlq, &[]*cdknag.NagPackSuppression{{
		Id: jsii.String("AwsSolutions-SQS3"), Reason: jsii.String("This queue is the dead-letter queue of the welcome queue."),
	}}, nil)
	welcome := sqs.NewQueue(stack, jsii.String("Welcome"), &sqs.QueueProps{
		Encryption: sqs.QueueEncryption_SQS_MANAGED, EnforceSSL: jsii.Bool(true),
		DeadLetterQueue: &sqs.DeadLetterQueue{Queue: dlq, MaxReceiveCount: jsii.Number(5)},
	})
	events.Topic.AddSubscription(subs.NewSqsSubscription(welcome, nil))

	// authstack's triggers, with the shop's own pre sign-up rules as a hook.
	gate := gofunction.NewGoFunction(stack, jsii.String("SignUpGate"), &gofunction.GoFunctionProps{
		Entry:           jsii.String("example.com/shop/functions/signupgate"),
		FunctionOptions: lambda.FunctionOptions{Description: jsii.String("Shop's pre sign-up rules (a hook of authstack's pre sign-up)")},
		LogKey:          logKey,
	})
	trig := triggers.NewTriggers(stack, jsii.String("Triggers"), &triggers.TriggersProps{
		UserPool:   pool.Pool,
		UserEvents: events,
		PreSignUp:  &triggers.PreSignUpOptions{Hook: gate.Function},
		LogKey:     logKey,
	})

	// AWS credentials for signed-in users (no guests, no storage), and staff
	// with a role of their own.
	ids := identitypool.NewIdentityPool(stack, jsii.String("Identities"), &identitypool.IdentityPoolProps{
		UserPool: pool.Pool, Clients: []cognito.IUserPoolClient{web.Client}, AllowGuests: jsii.Bool(false), Storage: jsii.Bool(false),
	})
	groups.NewGroups(stack, jsii.String("Groups"), &groups.GroupsProps{
		UserPool: pool.Pool, Groups: []groups.Group{{Name: "staff", Precedence: jsii.Number(1), CreateRole: true}},
		RolePrincipal: ids.AuthenticatedPrincipal(),
	})

	// The API, with a route of the shop's own behind authstack's authorizer.
	shopAPI := api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
		Issuer:          pool.IssuerUrl(),
		ClientIds:       []*string{web.Client.UserPoolClientId(), orders.MachineClient.UserPoolClientId()},
		UserPool:        pool.Pool,
		HostedUiBaseUrl: domain.BaseUrl(),
		AdminGroup:      jsii.String("staff"),
		Rules:           rules.Defaults("staff", OrdersAPI+"/orders.read", false),
		LogKey:          logKey,
	})
	ordersFn := gofunction.NewGoFunction(stack, jsii.String("Orders"), &gofunction.GoFunctionProps{
		Entry:           jsii.String("example.com/shop/functions/orders"),
		FunctionOptions: lambda.FunctionOptions{Description: jsii.String("GET /orders of the shop")},
		LogKey:          logKey,
	})
	shopAPI.AddRoute(rules.Rule{Method: "GET", Path: "/orders", TokenUse: rules.UseAny}, apigw.NewLambdaIntegration(ordersFn.Function, nil))

	fns := []dashboard.Function{}
	for _, f := range trig.Functions() {
		fns = append(fns, dashboard.Function{Name: f.Name, Function: f.Function.Function})
	}
	fns = append(fns, dashboard.Function{Name: "Sign-up gate", Function: gate.Function}, dashboard.Function{Name: "Orders", Function: ordersFn.Function},
		dashboard.Function{Name: "API authorizer", Function: shopAPI.Authorizer.Function})
	dash := dashboard.NewDashboard(stack, jsii.String("Dashboard"), &dashboard.DashboardProps{StackName: jsii.String(id), Functions: fns})
	dash.AddAlarms("User-pool backup", backups.FailedAlarm, backups.AgeAlarm)

	for name, value := range map[string]*string{
		"UserPoolId":      pool.UserPoolId(),
		"IssuerUrl":       pool.IssuerUrl(),
		"WebClientId":     web.Client.UserPoolClientId(),
		"WebSignInUrl":    domain.SignInUrl(web.Client, web.CallbackUrl),
		"FulfilmentId":    orders.MachineClient.UserPoolClientId(),
		"UserEventsArn":   events.TopicArn(),
		"ApiUrl":          shopAPI.Url(),
		"WelcomeQueueUrl": welcome.QueueUrl(),
	} {
		awscdk.NewCfnOutput(stack, jsii.String(name), &awscdk.CfnOutputProps{Value: value})
	}
	return stack
}
