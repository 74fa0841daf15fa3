// Package triggers provides Triggers: the user pool's Lambda triggers,
// written in Go (functions/ and internal/), each a gofunction.GoFunction:
//
//   - pre sign-up: rejects malformed and disposable email addresses;
//   - pre authentication, post authentication, post confirmation: publish
//     user events to the user-events topic (docs/EVENTS.md);
//   - pre token generation (V2_0), when claim rules are given;
//   - custom message: branded HTML emails (when the pool sends through
//     SES) and SMS texts (when it sends SMS); not attached when it could
//     change nothing;
//   - user migration, when a legacy endpoint is given.
//
// Functions read the pool id from the event, never from their environment,
// so there is no pool <-> function dependency cycle. Cognito calls a trigger
// synchronously and gives it 5 seconds, which is every function's timeout.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
package triggers

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	dynamodb "github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	secretsmanager "github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/validate"
)

// TriggerTimeout is Cognito's limit for one trigger call, the timeout of every trigger.
var TriggerTimeout = awscdk.Duration_Seconds(jsii.Number(5))

// Migration configures the user migration trigger.
type Migration struct {
	// Endpoint is the legacy system's https:// base URL. Required.
	Endpoint string
	// Secret holds {"token": "..."}, the endpoint's bearer token. Required.
	Secret secretsmanager.ISecret
}

// TriggersProps configures Triggers.
type TriggersProps struct {
	// UserPool receives the triggers. Required.
	UserPool cognito.UserPool
	// UserEvents is the topic user events go to. Required.
	UserEvents *userevents.UserEvents
	// PublishUserEvents turns publishing on. Default: true.
	PublishUserEvents *bool
	// AppName and Environment brand the custom messages; AppName is required.
	AppName     string
	Environment string
	// Production hides the environment name in messages. Default: false.
	Production bool
	// EmailSendingAccount is how the pool sends email: with "DEVELOPER"
	// (SES) the custom message trigger brands emails; with
	// "COGNITO_DEFAULT" it may not return email fields at all (Cognito
	// answers InvalidLambdaResponseException). A value that contradicts the
	// pool's own EmailConfiguration is an error.
	// Default: read from UserPool's EmailConfiguration.
	EmailSendingAccount *string
	// SmsEnabled says the pool sends SMS, whose texts the custom message
	// trigger brands. Default: false.
	SmsEnabled *bool
	// DenyDomains and AllowDomains adjust the disposable-domain list. Default: none.
	DenyDomains, AllowDomains []string
	// TokenClaims are the pre token generation rules; empty rules attach no
	// pre token generation trigger. Default: none.
	TokenClaims claims.Rules
	// Migration turns on user migration. Default: none.
	Migration *Migration
	// LogLevel of every function. Default: lambda.ApplicationLogLevel_INFO.
	LogLevel lambda.ApplicationLogLevel
	// LogRetention of every function's log group. Default: three months.
	LogRetention logs.RetentionDays
	// MemorySize of every function in MB. Default: 256.
	MemorySize *float64
	// LogKey encrypts the functions' log groups; it must allow CloudWatch
	// Logs (kmskey.NewForLogs). Default: a new key.
	LogKey kms.IKey
	// Tracing of every function (AWS X-Ray). Default: lambda.Tracing_DISABLED.
	Tracing lambda.Tracing
}

// Named is a function with the name dashboards show.
type Named struct {
	Name     string
	Function *gofunction.GoFunction
}

// Triggers is an L3 construct: the trigger functions, attached to the pool.
type Triggers struct {
	constructs.Construct
	// LogKey encrypts every function's log group.
	LogKey kms.IKey
	// PreSignUp and UserEvents are always present; CustomMessage,
	// PreTokenGeneration and Migration may be nil.
	PreSignUp, UserEvents, CustomMessage, PreTokenGeneration, Migration *gofunction.GoFunction
	// EventIDs is the table in which the first attempt of a Cognito request
	// claims its user event's id, so Cognito's retries publish the same id.
	EventIDs dynamodb.Table
}

// NewTriggers builds the functions and attaches them to the pool. It panics
// with a message naming the prop when props are invalid.
func NewTriggers(scope constructs.Construct, id *string, props *TriggersProps) *Triggers {
	if err := props.validate(); err != nil {
		panic(fmt.Errorf("triggers %s: %w", *id, err))
	}
	t := &Triggers{}
	constructs.NewConstruct_Override(t, scope, id)
	t.LogKey = props.LogKey
	if t.LogKey == nil {
		t.LogKey = kmskey.NewForLogs(t, "LogKey", "the log groups of the triggers of "+*t.Node().Path())
	}
	stack := awscdk.Stack_Of(t).StackName()
	// env is a function's environment: its literal variables, and the
	// deploy-time ones given as tokens (each named by the contract).
	newFn := func(cid, entry, description string, env contract.Env, deployed map[string]*string) *gofunction.GoFunction {
		vars := map[string]*string{contract.EnvStack: stack}
		for k, v := range env.Vars {
			vars[k] = jsii.String(v)
		}
		for k, v := range deployed {
			vars[k] = v
		}
		return gofunction.NewGoFunction(t, jsii.String(cid), &gofunction.GoFunctionProps{
			Entry: entry, Description: jsii.String(description), Environment: &vars,
			Timeout: TriggerTimeout, MemorySize: props.MemorySize,
			LogLevel: props.LogLevel, LogRetention: props.LogRetention, LogKey: t.LogKey, Tracing: props.Tracing,
		})
	}
	pool := props.UserPool

	t.PreSignUp = newFn("PreSignUp", "functions/presignup", "Cognito pre sign-up: rejects malformed and disposable email addresses",
		contract.PreSignUpEnv(props.DenyDomains, props.AllowDomains), nil)
	pool.AddTrigger(cognito.UserPoolOperation_PRE_SIGN_UP(), t.PreSignUp.Function, cognito.LambdaVersion_V1_0)

	t.EventIDs = dynamodb.NewTable(t, jsii.String("EventIds"), &dynamodb.TableProps{
		PartitionKey:        &dynamodb.Attribute{Name: jsii.String(contract.EventIDKey), Type: dynamodb.AttributeType_STRING},
		BillingMode:         dynamodb.BillingMode_PAY_PER_REQUEST,
		TimeToLiveAttribute: jsii.String(contract.EventIDExpiresAt),
		Encryption:          dynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey:       props.UserEvents.Key,
		// Items live 30 seconds: nothing to keep or restore.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	nag.Suppress(t.EventIDs, "AwsSolutions-DDB3",
		"The table holds only the event id of each Cognito request for 30 seconds (retries share it); there is nothing to restore to a point in time.")
	publish := props.PublishUserEvents == nil || *props.PublishUserEvents
	t.UserEvents = newFn("UserEvents", "functions/userevents", "Cognito pre/post authentication and post confirmation: publishes user events",
		contract.UserEventsEnv(publish), map[string]*string{
			contract.EnvUserEventsTopicARN: props.UserEvents.TopicArn(),
			contract.EnvEventIDTable:       t.EventIDs.TableName(),
		})
	props.UserEvents.GrantPublish(t.UserEvents.Role)
	t.UserEvents.Role.AddToPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Actions: jsii.Strings("dynamodb:PutItem", "dynamodb:GetItem"), Resources: &[]*string{t.EventIDs.TableArn()},
	}))
	// The table's key: what DynamoDB needs of a caller's key permissions.
	// Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
	props.UserEvents.Key.Grant(t.UserEvents.Role, *jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")...)
	for _, op := range []cognito.UserPoolOperation{
		cognito.UserPoolOperation_PRE_AUTHENTICATION(), cognito.UserPoolOperation_POST_AUTHENTICATION(), cognito.UserPoolOperation_POST_CONFIRMATION(),
	} {
		pool.AddTrigger(op, t.UserEvents.Function, cognito.LambdaVersion_V1_0)
	}

	if account := props.emailSendingAccount(); account == contract.EmailDeveloper || (props.SmsEnabled != nil && *props.SmsEnabled) {
		t.CustomMessage = newFn("CustomMessage", "functions/custommessage", "Cognito custom message: branded emails (through SES) and SMS",
			contract.CustomMessageEnv(props.AppName, props.Environment, props.Production, account), nil)
		pool.AddTrigger(cognito.UserPoolOperation_CUSTOM_MESSAGE(), t.CustomMessage.Function, cognito.LambdaVersion_V1_0)
	}

	if !props.TokenClaims.Empty() {
		rules, _ := json.Marshal(props.TokenClaims)
		t.PreTokenGeneration = newFn("PreTokenGeneration", "functions/pretokengen", "Cognito pre token generation (V2_0): claims and scopes",
			contract.PreTokenGenerationEnv(string(rules)), nil)
		pool.AddTrigger(cognito.UserPoolOperation_PRE_TOKEN_GENERATION_CONFIG(), t.PreTokenGeneration.Function, cognito.LambdaVersion_V2_0)
	}
	if m := props.Migration; m != nil {
		t.Migration = newFn("Migration", "functions/migration", "Cognito user migration from the legacy endpoint",
			contract.MigrationEnv(m.Endpoint), map[string]*string{contract.EnvMigrationSecretARN: m.Secret.SecretArn()})
		m.Secret.GrantRead(t.Migration.Role, nil)
		pool.AddTrigger(cognito.UserPoolOperation_USER_MIGRATION(), t.Migration.Function, cognito.LambdaVersion_V1_0)
	}
	return t
}

// Functions lists the trigger functions that exist, with display names.
func (t *Triggers) Functions() []Named {
	var out []Named
	for _, n := range []Named{
		{"Pre sign-up", t.PreSignUp}, {"User events", t.UserEvents}, {"Custom message", t.CustomMessage},
		{"Pre token generation", t.PreTokenGeneration}, {"User migration", t.Migration},
	} {
		if n.Function != nil {
			out = append(out, n)
		}
	}
	return out
}

func (p *TriggersProps) validate() error {
	if p == nil || p.UserPool == nil {
		return fmt.Errorf("UserPool is required")
	}
	if p.UserEvents == nil {
		return fmt.Errorf("UserEvents is required")
	}
	if p.AppName == "" {
		return fmt.Errorf("AppName is required (it brands the custom messages)")
	}
	for _, list := range []struct {
		name    string
		domains []string
	}{{"DenyDomains", p.DenyDomains}, {"AllowDomains", p.AllowDomains}} {
		for i, d := range list.domains {
			if err := validate.DomainName(d); err != nil {
				return fmt.Errorf("%s[%d]: %w", list.name, i, err)
			}
		}
	}
	if err := p.TokenClaims.Validate(); err != nil {
		return fmt.Errorf("TokenClaims: %w", err)
	}
	if a := p.emailSendingAccount(); a != contract.EmailCognitoDefault && a != contract.EmailDeveloper {
		return fmt.Errorf("EmailSendingAccount: %q must be %s or %s", a, contract.EmailCognitoDefault, contract.EmailDeveloper)
	} else if pool := poolSendingAccount(p.UserPool); p.EmailSendingAccount != nil && a != pool {
		return fmt.Errorf("EmailSendingAccount: %q, but the user pool sends with %s (leave it unset to follow the pool)", a, pool)
	}
	if n := len(p.AppName) + len(p.Environment); n > contract.MaxBrandLength {
		return fmt.Errorf("AppName and Environment: %d characters together; at most %d keep every SMS text within Cognito's 140", n, contract.MaxBrandLength)
	}
	// Lambda's 4 KB environment budget, checked as config.Validate checks it.
	rules, _ := json.Marshal(p.TokenClaims)
	for _, f := range []struct {
		name string
		env  contract.Env
	}{
		{"pre sign-up", contract.PreSignUpEnv(p.DenyDomains, p.AllowDomains)},
		{"pre token generation", contract.PreTokenGenerationEnv(string(rules))},
		{"custom message", contract.CustomMessageEnv(p.AppName, p.Environment, p.Production, p.emailSendingAccount())},
		{"user migration", contract.MigrationEnv(migrationEndpoint(p.Migration))},
	} {
		if err := f.env.Check(f.name); err != nil {
			return err
		}
	}
	if m := p.Migration; m != nil {
		if !strings.HasPrefix(m.Endpoint, "https://") {
			return fmt.Errorf("Migration.Endpoint: %q must be an https:// URL", m.Endpoint)
		}
		if m.Secret == nil {
			return fmt.Errorf("Migration.Secret is required")
		}
	}
	if p.MemorySize != nil && (*p.MemorySize < 128 || *p.MemorySize > 10240) {
		return fmt.Errorf("MemorySize: %v must be between 128 and 10240", *p.MemorySize)
	}
	return nil
}

// emailSendingAccount is the prop, else what the user pool's template says.
func (p *TriggersProps) emailSendingAccount() string {
	if p.EmailSendingAccount == nil {
		return poolSendingAccount(p.UserPool)
	}
	return *p.EmailSendingAccount
}

// poolSendingAccount reads EmailConfiguration.EmailSendingAccount from the
// pool's template: DEVELOPER when it sends through SES, else COGNITO_DEFAULT.
func poolSendingAccount(pool cognito.UserPool) string {
	cfn, ok := pool.Node().DefaultChild().(cognito.CfnUserPool)
	if !ok || cfn.EmailConfiguration() == nil {
		return contract.EmailCognitoDefault
	}
	if ec, ok := awscdk.Stack_Of(pool).Resolve(cfn.EmailConfiguration()).(map[string]interface{}); ok && ec["emailSendingAccount"] == contract.EmailDeveloper {
		return contract.EmailDeveloper
	}
	return contract.EmailCognitoDefault
}

func migrationEndpoint(m *Migration) string {
	if m == nil {
		return ""
	}
	return m.Endpoint
}
