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
// Each trigger slot can be turned off, filled with your own function, or
// (pre sign-up and the user-events operations, where authstack's logic
// should stay) extended with a hook: your function, invoked by authstack's
// after its own work with the same event, whose answer is Cognito's and
// whose error refuses the request with its message. A hook shares the
// trigger's 5 seconds: give it a timeout of at most 3 seconds, and no
// retries of its own. Your own function instead of authstack's gives you
// the whole budget but drops authstack's checks, events or messages.
//
// Functions read the pool id from the event, never from their environment,
// so there is no pool <-> function dependency cycle. Cognito calls a trigger
// synchronously and gives it 5 seconds, which is every function's timeout.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
package triggers

import (
	"encoding/json"
	"errors"
	"fmt"

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
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/validate"
)

// TriggerTimeout is Cognito's limit for one trigger call, the timeout of
// every trigger function authstack creates.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
var TriggerTimeout = awscdk.Duration_Seconds(jsii.Number(5))

// PreSignUpOptions configure the pre sign-up trigger. The zero value is
// authstack's function: malformed and disposable email addresses refused.
type PreSignUpOptions struct {
	// Disabled attaches no pre sign-up trigger. Default: false.
	Disabled bool
	// Function is attached instead of authstack's (whose checks then do not
	// run). Default: none.
	Function lambda.IFunction
	// Hook is invoked by authstack's function after an address is accepted,
	// with the pre sign-up event; its answer is Cognito's (it may set
	// autoConfirmUser), its error refuses the sign-up with its message.
	// Default: none.
	Hook lambda.IFunction
	// DenyDomains and AllowDomains adjust the disposable-domain list: extra
	// domains (and subdomains) refused, and domains never refused. Default: none.
	DenyDomains, AllowDomains []string
}

// UserEventsOptions configure the user-events function, attached to pre
// authentication, post authentication and post confirmation. The zero value
// is authstack's function publishing to the user-events topic.
type UserEventsOptions struct {
	// Disabled attaches nothing to the three operations. Default: false.
	Disabled bool
	// Function is attached to the three operations instead of authstack's
	// (no user events then). Default: none.
	Function lambda.IFunction
	// Hook is invoked by authstack's function after it published the event,
	// with the trigger's event; its error fails the request with its message
	// (a pre authentication hook refuses the sign-in). Default: none.
	Hook lambda.IFunction
	// Publish turns publishing on; off, the function still counts metrics
	// (and calls the hook). Default: true.
	Publish *bool
	// PreAuthentication, PostAuthentication and PostConfirmation are your
	// own functions for one operation each, attached instead of authstack's
	// user-events function for that operation only (no user events for
	// it). Default: none.
	PreAuthentication, PostAuthentication, PostConfirmation lambda.IFunction
}

// CustomMessageOptions configure the custom message trigger. The zero value
// is authstack's branded messages, attached when they can change something
// (the pool sends email through SES, or sends SMS).
type CustomMessageOptions struct {
	// Disabled attaches no custom message trigger. Default: false.
	Disabled bool
	// Function is attached instead of authstack's. Default: none.
	Function lambda.IFunction
}

// PreTokenGenerationOptions configure the pre token generation trigger
// (event version 2, ID and access token customization; the Essentials or
// Plus feature plan). The zero value attaches nothing.
type PreTokenGenerationOptions struct {
	// Rules are the claims, roles and scopes authstack's function adds.
	// Default: none.
	Rules claims.Rules
	// Function is attached instead of authstack's (Rules must then be
	// empty); it receives version 2 events. Default: none.
	Function lambda.IFunction
}

// MigrationOptions configure the user migration trigger. The zero value
// attaches nothing.
type MigrationOptions struct {
	// Endpoint is the legacy system's https:// base URL authstack's function
	// calls. Required unless Function is set.
	Endpoint *string
	// Secret holds {"token": "..."}, the endpoint's bearer token. Required
	// unless Function is set.
	Secret secretsmanager.ISecret
	// Function is attached instead of authstack's. Default: none.
	Function lambda.IFunction
}

// TriggersProps configures Triggers: one field per trigger slot, as
// cognito.UserPoolTriggers has one per operation, and the options every
// function authstack creates shares.
type TriggersProps struct {
	// UserPool receives the triggers. Required.
	UserPool cognito.UserPool
	// UserEvents is the topic user events go to. Required unless
	// UserEventsTrigger is Disabled or has a Function.
	UserEvents *userevents.UserEvents
	// AppName and Environment brand the custom messages; AppName is
	// required when authstack's custom message function is attached.
	AppName     *string
	Environment *string
	// Production hides the environment name in messages. Default: false.
	Production *bool
	// EmailSendingAccount is how the pool sends email: with "DEVELOPER"
	// (SES) the custom message trigger brands emails; with
	// "COGNITO_DEFAULT" it may not return email fields at all (Cognito
	// answers InvalidLambdaResponseException). A value that contradicts the
	// pool's own EmailConfiguration is an error.
	// Default: read from UserPool's EmailConfiguration.
	EmailSendingAccount *string
	// SmsEnabled says the pool sends SMS, whose texts the custom message
	// trigger brands. Default: read from UserPool (an SmsConfiguration).
	SmsEnabled *bool

	// PreSignUp configures the pre sign-up slot. Default: authstack's function.
	PreSignUp *PreSignUpOptions
	// UserEventsTrigger configures pre authentication, post authentication
	// and post confirmation. Default: authstack's user-events function.
	UserEventsTrigger *UserEventsOptions
	// CustomMessage configures the custom message slot. Default:
	// authstack's function when it can change something.
	CustomMessage *CustomMessageOptions
	// PreTokenGeneration configures the pre token generation slot. Default: none.
	PreTokenGeneration *PreTokenGenerationOptions
	// Migration configures the user migration slot. Default: none.
	Migration *MigrationOptions

	// LogLevel of every function authstack creates. Default: lambda.ApplicationLogLevel_INFO.
	LogLevel lambda.ApplicationLogLevel
	// LogRetention of their log groups. Default: three months.
	LogRetention logs.RetentionDays
	// MemorySize of each in MB, 128 to 10240. Default: 256.
	MemorySize *float64
	// LogKey encrypts their log groups; it must allow CloudWatch Logs
	// (logkey.NewLogKey). Default: a new key.
	LogKey kms.IKey
	// Tracing of each (AWS X-Ray). Default: lambda.Tracing_DISABLED.
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
	// The functions authstack created; nil where a slot is off or filled
	// with your own function.
	PreSignUp, UserEvents, CustomMessage, PreTokenGeneration, Migration *gofunction.GoFunction
	// EventIDs is the table in which the first attempt of a Cognito request
	// claims its user event's id, so Cognito's retries publish the same id
	// (nil without authstack's user-events function).
	EventIDs dynamodb.Table
}

// NewTriggers builds the functions and attaches them, or yours, to the
// pool. It panics with a message naming the prop when props are invalid
// (nothing is added then).
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
	root, err := module.Root()
	if err != nil {
		panic(err)
	}
	// newFn builds one of authstack's functions with its environment: its
	// literal variables, and the deploy-time ones given as tokens (each
	// named by the contract).
	newFn := func(cid, name, description string, env contract.Env, deployed map[string]*string) *gofunction.GoFunction {
		vars := map[string]*string{contract.EnvStack: stack}
		if _, ok := env.Deployed[contract.EnvHookFunction]; ok {
			vars[contract.EnvHookFunction] = hookOf(props, name).FunctionArn()
		}
		for k, v := range env.Vars {
			vars[k] = jsii.String(v)
		}
		for k, v := range deployed {
			vars[k] = v
		}
		return gofunction.NewGoFunction(t, jsii.String(cid), &gofunction.GoFunctionProps{
			FunctionOptions: lambda.FunctionOptions{
				Description: jsii.String(description), Environment: &vars, Timeout: TriggerTimeout, MemorySize: orNumber(props.MemorySize, 256),
				ApplicationLogLevelV2: props.LogLevel, Tracing: props.Tracing,
			},
			Entry: jsii.String(module.Function(name)), ModuleDir: jsii.String(root),
			LogRetention: props.LogRetention, LogKey: t.LogKey,
		})
	}
	// hooked gives fn's role the right to invoke the hook (its ARN is in
	// the environment, contract.EnvHookFunction).
	hooked := func(fn *gofunction.GoFunction, hook lambda.IFunction) {
		if hook != nil {
			// An identity policy alone, so imported hooks work too
			// (IFunction.GrantInvoke would edit an imported function's policy).
			fn.Role.AddToPrincipalPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
				Actions: jsii.Strings("lambda:InvokeFunction"), Resources: &[]*string{hook.FunctionArn()},
			}))
		}
	}
	envs := props.functions().Envs()
	pool := props.UserPool
	attach := func(op cognito.UserPoolOperation, fn lambda.IFunction, version cognito.LambdaVersion) {
		pool.AddTrigger(op, fn, version)
	}

	psu := props.preSignUp()
	switch {
	case psu.Disabled:
	case psu.Function != nil:
		attach(cognito.UserPoolOperation_PRE_SIGN_UP(), psu.Function, cognito.LambdaVersion_V1_0)
	default:
		t.PreSignUp = newFn("PreSignUp", "presignup", "Cognito pre sign-up: rejects malformed and disposable email addresses",
			envs["pre sign-up"], nil)
		hooked(t.PreSignUp, psu.Hook)
		attach(cognito.UserPoolOperation_PRE_SIGN_UP(), t.PreSignUp.Function, cognito.LambdaVersion_V1_0)
	}

	ue := props.userEvents()
	userEventOps := []struct {
		op  cognito.UserPoolOperation
		own lambda.IFunction
	}{
		{cognito.UserPoolOperation_PRE_AUTHENTICATION(), ue.PreAuthentication},
		{cognito.UserPoolOperation_POST_AUTHENTICATION(), ue.PostAuthentication},
		{cognito.UserPoolOperation_POST_CONFIRMATION(), ue.PostConfirmation},
	}
	switch {
	case ue.Disabled:
	case ue.Function != nil:
		for _, o := range userEventOps {
			attach(o.op, ue.Function, cognito.LambdaVersion_V1_0)
		}
	default:
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
		t.UserEvents = newFn("UserEvents", "userevents", "Cognito pre/post authentication and post confirmation: publishes user events",
			envs["user events"], map[string]*string{
				contract.EnvUserEventsTopicARN: props.UserEvents.TopicArn(),
				contract.EnvEventIDTable:       t.EventIDs.TableName(),
			})
		props.UserEvents.GrantPublish(t.UserEvents.Role)
		t.UserEvents.Role.AddToPrincipalPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions: jsii.Strings("dynamodb:PutItem", "dynamodb:GetItem"), Resources: &[]*string{t.EventIDs.TableArn()},
		}))
		// The table's key: what DynamoDB needs of a caller's key permissions.
		// Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
		props.UserEvents.Key.Grant(t.UserEvents.Role, *jsii.Strings("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey")...)
		hooked(t.UserEvents, ue.Hook)
		for _, o := range userEventOps {
			fn := lambda.IFunction(t.UserEvents.Function)
			if o.own != nil {
				fn = o.own
			}
			attach(o.op, fn, cognito.LambdaVersion_V1_0)
		}
	}

	cm := props.customMessage()
	account := props.emailSendingAccount()
	switch {
	case cm.Disabled:
	case cm.Function != nil:
		attach(cognito.UserPoolOperation_CUSTOM_MESSAGE(), cm.Function, cognito.LambdaVersion_V1_0)
	case account == contract.EmailDeveloper || props.smsEnabled():
		t.CustomMessage = newFn("CustomMessage", "custommessage", "Cognito custom message: branded emails (through SES) and SMS",
			envs["custom message"], nil)
		attach(cognito.UserPoolOperation_CUSTOM_MESSAGE(), t.CustomMessage.Function, cognito.LambdaVersion_V1_0)
	}

	if ptg := props.PreTokenGeneration; ptg != nil {
		switch {
		case ptg.Function != nil:
			attach(cognito.UserPoolOperation_PRE_TOKEN_GENERATION_CONFIG(), ptg.Function, cognito.LambdaVersion_V2_0)
		case !ptg.Rules.Empty():
			t.PreTokenGeneration = newFn("PreTokenGeneration", "pretokengen", "Cognito pre token generation (V2_0): claims and scopes",
				envs["pre token generation"], nil)
			attach(cognito.UserPoolOperation_PRE_TOKEN_GENERATION_CONFIG(), t.PreTokenGeneration.Function, cognito.LambdaVersion_V2_0)
		}
	}
	if m := props.Migration; m != nil {
		switch {
		case m.Function != nil:
			attach(cognito.UserPoolOperation_USER_MIGRATION(), m.Function, cognito.LambdaVersion_V1_0)
		default:
			t.Migration = newFn("Migration", "migration", "Cognito user migration from the legacy endpoint",
				envs["user migration"], map[string]*string{contract.EnvMigrationSecretARN: m.Secret.SecretArn()})
			m.Secret.GrantRead(t.Migration.Role, nil)
			attach(cognito.UserPoolOperation_USER_MIGRATION(), t.Migration.Function, cognito.LambdaVersion_V1_0)
		}
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

func (p *TriggersProps) preSignUp() PreSignUpOptions {
	if p.PreSignUp == nil {
		return PreSignUpOptions{}
	}
	return *p.PreSignUp
}

func (p *TriggersProps) userEvents() UserEventsOptions {
	if p.UserEventsTrigger == nil {
		return UserEventsOptions{}
	}
	return *p.UserEventsTrigger
}

func (p *TriggersProps) customMessage() CustomMessageOptions {
	if p.CustomMessage == nil {
		return CustomMessageOptions{}
	}
	return *p.CustomMessage
}

// customMessageFunction reports whether authstack's custom message function
// is attached.
func (p *TriggersProps) customMessageFunction() bool {
	cm := p.customMessage()
	return !cm.Disabled && cm.Function == nil && (p.emailSendingAccount() == contract.EmailDeveloper || p.smsEnabled())
}

// Functions describes the functions authstack creates for props, so
// config validation can check their environments as this construct builds
// them (contract.TriggerFunctions.Envs).
func (p *TriggersProps) functions() contract.TriggerFunctions {
	psu, ue := p.preSignUp(), p.userEvents()
	f := contract.TriggerFunctions{
		PreSignUp: !psu.Disabled && psu.Function == nil, DenyDomains: psu.DenyDomains, AllowDomains: psu.AllowDomains, PreSignUpHook: psu.Hook != nil,
		UserEvents: !ue.Disabled && ue.Function == nil, Publish: ue.Publish == nil || *ue.Publish, UserEventsHook: ue.Hook != nil,
		CustomMessage: p.customMessageFunction(), AppName: str(p.AppName), Environment: str(p.Environment), Production: boolean(p.Production),
		SendingAccount: p.emailSendingAccount(),
	}
	if ptg := p.PreTokenGeneration; ptg != nil && ptg.Function == nil && !ptg.Rules.Empty() {
		rules, _ := json.Marshal(ptg.Rules)
		f.Claims = string(rules)
	}
	if m := p.Migration; m != nil && m.Function == nil {
		f.Migration, f.MigrationEndpoint = true, str(m.Endpoint)
	}
	return f
}

func (p *TriggersProps) validate() error {
	if p == nil || p.UserPool == nil {
		return fmt.Errorf("UserPool is required")
	}
	psu, ue, cm := p.preSignUp(), p.userEvents(), p.customMessage()
	if psu.Disabled && (psu.Function != nil || psu.Hook != nil) || psu.Function != nil && psu.Hook != nil {
		return fmt.Errorf("PreSignUp: set one of Disabled, Function or Hook")
	}
	if (psu.Disabled || psu.Function != nil) && (len(psu.DenyDomains) > 0 || len(psu.AllowDomains) > 0) {
		return fmt.Errorf("PreSignUp: DenyDomains and AllowDomains configure authstack's function, which is not attached")
	}
	for _, list := range []struct {
		name    string
		domains []string
	}{{"PreSignUp.DenyDomains", psu.DenyDomains}, {"PreSignUp.AllowDomains", psu.AllowDomains}} {
		for i, d := range list.domains {
			if err := validate.DomainName(d); err != nil {
				return fmt.Errorf("%s[%d]: %w", list.name, i, err)
			}
		}
	}
	if ue.Disabled && (ue.Function != nil || ue.Hook != nil) || ue.Function != nil && ue.Hook != nil {
		return fmt.Errorf("UserEventsTrigger: set one of Disabled, Function or Hook")
	}
	if (ue.Disabled || ue.Function != nil) && (ue.PreAuthentication != nil || ue.PostAuthentication != nil || ue.PostConfirmation != nil) {
		return fmt.Errorf("UserEventsTrigger: PreAuthentication, PostAuthentication and PostConfirmation replace authstack's function for one operation; with Disabled or Function there is none")
	}
	if !ue.Disabled && ue.Function == nil && p.UserEvents == nil {
		return fmt.Errorf("UserEvents (the topic) is required for authstack's user-events function")
	}
	if cm.Disabled && cm.Function != nil {
		return fmt.Errorf("CustomMessage: set one of Disabled or Function")
	}
	if a := p.emailSendingAccount(); a != contract.EmailCognitoDefault && a != contract.EmailDeveloper {
		return fmt.Errorf("EmailSendingAccount: %q must be %s or %s", a, contract.EmailCognitoDefault, contract.EmailDeveloper)
	} else if pool := poolSendingAccount(p.UserPool); p.EmailSendingAccount != nil && a != pool {
		return fmt.Errorf("EmailSendingAccount: %q, but the user pool sends with %s (leave it unset to follow the pool)", a, pool)
	}
	if p.customMessageFunction() {
		if str(p.AppName) == "" {
			return fmt.Errorf("AppName is required: it brands authstack's custom messages")
		}
		if err := contract.CheckBrand(str(p.AppName), str(p.Environment)); err != nil {
			return fmt.Errorf("AppName and Environment: %w", err)
		}
	}
	if ptg := p.PreTokenGeneration; ptg != nil && (ptg.Function != nil || !ptg.Rules.Empty()) && poolFeaturePlan(p.UserPool) == "LITE" {
		// Version 2 events (access token customization) need Essentials or Plus.
		// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
		return fmt.Errorf("PreTokenGeneration: the user pool's feature plan is LITE; pre token generation V2_0 needs ESSENTIALS or PLUS")
	}
	if ptg := p.PreTokenGeneration; ptg != nil {
		if ptg.Function != nil && !ptg.Rules.Empty() {
			return fmt.Errorf("PreTokenGeneration: Rules configure authstack's function; with your own Function, leave them empty")
		}
		if err := ptg.Rules.Validate(); err != nil {
			return fmt.Errorf("PreTokenGeneration.Rules: %w", err)
		}
	}
	if m := p.Migration; m != nil && m.Function == nil {
		if err := validate.HTTPSURL(str(m.Endpoint)); err != nil {
			return fmt.Errorf("Migration.Endpoint: %w", err)
		}
		if m.Secret == nil {
			return fmt.Errorf("Migration.Secret is required for authstack's migration function")
		}
	}
	if cdkutil.LiteralNumber(p.MemorySize) {
		if err := validate.LambdaMemory(*p.MemorySize); err != nil {
			return fmt.Errorf("MemorySize: %w", err)
		}
	}
	// Lambda's 4 KB environment budget, checked as config.Validate checks it.
	return errors.Join(contract.CheckAll(p.functions().Envs())...)
}

// emailSendingAccount is the prop, else what the user pool's template says.
func (p *TriggersProps) emailSendingAccount() string {
	if p.EmailSendingAccount == nil {
		return poolSendingAccount(p.UserPool)
	}
	return *p.EmailSendingAccount
}

// smsEnabled is SmsEnabled, else whether the pool has an SmsConfiguration.
func (p *TriggersProps) smsEnabled() bool {
	if p.SmsEnabled != nil {
		return *p.SmsEnabled
	}
	cfn, ok := p.UserPool.Node().DefaultChild().(cognito.CfnUserPool)
	return ok && cfn.SmsConfiguration() != nil
}

// poolFeaturePlan reads the pool's UserPoolTier ("" when unset: Cognito's
// default for new pools, ESSENTIALS).
func poolFeaturePlan(pool cognito.UserPool) string {
	cfn, ok := pool.Node().DefaultChild().(cognito.CfnUserPool)
	if !ok || cfn.UserPoolTier() == nil {
		return ""
	}
	return *cfn.UserPoolTier()
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

// hookOf is the hook of authstack's function name.
func hookOf(p *TriggersProps, name string) lambda.IFunction {
	if name == "presignup" {
		return p.preSignUp().Hook
	}
	return p.userEvents().Hook
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func boolean(b *bool) bool { return b != nil && *b }

func orNumber(v *float64, def float64) *float64 {
	if v == nil {
		return &def
	}
	return v
}
