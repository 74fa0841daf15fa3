// Package stacks composes authstack's constructs into deployable stacks:
// AuthStack is one environment's complete Cognito authentication stack, built
// from a validated config.Config.
package stacks

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	events "github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	secretsmanager "github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/constructs/api"
	"github.com/authstack/authstack/constructs/appclient"
	"github.com/authstack/authstack/constructs/dashboard"
	"github.com/authstack/authstack/constructs/groups"
	"github.com/authstack/authstack/constructs/hosteddomain"
	"github.com/authstack/authstack/constructs/identitypool"
	"github.com/authstack/authstack/constructs/resourceserver"
	"github.com/authstack/authstack/constructs/triggers"
	"github.com/authstack/authstack/constructs/userbackup"
	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/constructs/userpool"
	"github.com/authstack/authstack/customresources"
	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
)

// AuthStackProps configures an AuthStack.
type AuthStackProps struct {
	// StackProps are passed to the stack. Env, StackName, Description and
	// Tags are filled from Config where unset.
	awscdk.StackProps
	// Config is the environment's configuration. Required; it is validated.
	Config config.Config
	// PreSignUpHook and UserEventsHook are functions of your app that
	// authstack's pre sign-up and user-events functions invoke (see
	// triggers.PreSignUpOptions.Hook); they take the place of the config's
	// triggers.preSignUpHookArn / userEventsHookArn. Default: the config's.
	PreSignUpHook, UserEventsHook lambda.IFunction
	// Pipeline lets the steps of a CDK pipeline (package pipeline) act on
	// this stack through narrow roles. Default: nil (no such roles).
	Pipeline *PipelineTrust
}

// PipelineTrust names the pipeline roles that may assume an AuthStack's
// pipeline roles. Each of the stack's roles exists only when its principal
// is set, and trusts that one role (its account, on the condition
// aws:PrincipalArn equals it), so no one else in the pipeline account can
// use it.
type PipelineTrust struct {
	// SmokeTestPrincipal may assume STACK-smoke-test (the smoke journey's
	// administration of this pool: confirm and delete its throw-away user,
	// read the machine client). Default: "" (no such role).
	SmokeTestPrincipal string
	// PreDeployBackupPrincipal may assume STACK-pre-deploy-backup (start
	// the backup state machine and follow its execution). Default: "" (no
	// such role; none without a backup either).
	PreDeployBackupPrincipal string
}

// AuthStack is one environment's Cognito authentication stack. Each part is
// exposed so an app can extend it (add triggers to UserPool.Pool, grant
// UserEvents.GrantPublish to a function, attach policies to group roles).
type AuthStack struct {
	awscdk.Stack
	// Config the stack was built from.
	Config config.Config
	// UserPool is the user pool.
	UserPool *userpool.UserPool
	// AppClients are the public app clients, in config order.
	AppClients []*appclient.AppClient
	// ResourceServer is the OAuth2 resource server and machine client.
	ResourceServer *resourceserver.ResourceServer
	// Groups are the user-pool groups.
	Groups *groups.Groups
	// CertificateStack is the us-east-1 stack of the hosted UI's
	// certificate; nil unless Config.CertificateStack().
	CertificateStack *CertificateStack
	// Domains are the custom domains' zones and certificates; nil without
	// Config.CustomDomains.
	Domains *Domains
	// HostedDomain is the hosted UI domain.
	HostedDomain *hosteddomain.HostedDomain
	// IdentityPool is the identity pool with its storage bucket.
	IdentityPool *identitypool.IdentityPool
	// UserEvents is the user-events topic.
	UserEvents *userevents.UserEvents
	// Triggers are the user pool's Lambda triggers.
	Triggers *triggers.Triggers
	// Dashboard is the CloudWatch dashboard with the alarms.
	Dashboard *dashboard.Dashboard
	// Backup is the scheduled user-pool backup; nil unless Config.Backup.Enabled.
	Backup *userbackup.UserBackup
	// API is the REST API, its authorizer and the deny-list.
	API *api.API
	// Outputs are the stack's outputs by name (contract.Output*), for
	// pipeline steps that read them (envFromCfnOutputs).
	Outputs map[string]awscdk.CfnOutput
	// SmokeTestRole and PreDeployBackupRole are the pipeline's roles; nil
	// unless Pipeline names their principals (the backup one: and a backup).
	SmokeTestRole, PreDeployBackupRole iam.Role
}

// NewAuthStack builds the stack for props.Config. It returns an error, and
// adds nothing to scope, when the config is invalid.
func NewAuthStack(scope constructs.Construct, id *string, props *AuthStackProps) (*AuthStack, error) {
	if props == nil {
		return nil, fmt.Errorf("stacks: AuthStackProps with a Config is required")
	}
	cfg := props.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("stacks: environment %q: %w", cfg.Environment, err)
	}
	if err := props.Pipeline.Validate(); err != nil {
		return nil, err
	}
	sp := props.StackProps
	if sp.Env == nil {
		sp.Env = &awscdk.Environment{Region: jsii.String(cfg.Region)}
		if cfg.Account != "" {
			sp.Env.Account = jsii.String(cfg.Account)
		}
	}
	if sp.StackName == nil {
		sp.StackName = jsii.String(cfg.StackName())
	}
	if sp.Description == nil {
		sp.Description = jsii.String(fmt.Sprintf("authstack: Cognito authentication for %s (%s)", cfg.AppName, cfg.Environment))
	}
	s := &AuthStack{Config: cfg}
	if cfg.CertificateStack() {
		s.CertificateStack = newCertificateStack(scope, *id, *sp.StackName, sp.Env.Account, cfg)
	}
	awscdk.NewStack_Override(s, scope, id, &sp)
	for _, k := range slices.Sorted(maps.Keys(cfg.Tags)) {
		awscdk.Tags_Of(s).Add(jsii.String(k), jsii.String(cfg.Tags[k]), nil)
		if s.CertificateStack != nil {
			awscdk.Tags_Of(s.CertificateStack).Add(jsii.String(k), jsii.String(cfg.Tags[k]), nil)
		}
	}

	// One key for every log group of the stack (functions and API access logs).
	logKey := kmskey.NewForLogs(s, "LogKey", "the log groups of "+cfg.StackName())
	if cfg.CustomDomains {
		pp := &customresources.ProviderProps{
			LogKey: logKey, LogRetention: retention(cfg.LogRetentionDays), LogLevel: lambda.ApplicationLogLevel(cfg.LogLevel),
		}
		if cfg.Tracing {
			pp.Tracing = lambda.Tracing_ACTIVE
		}
		customresources.NewProvider(s, pp)
		s.Domains = s.addDomains(cfg, s.CertificateStack)
	}
	s.UserEvents = userevents.NewUserEvents(s, jsii.String("UserEvents"), nil)
	s.UserPool = userpool.NewUserPool(s, jsii.String("UserPool"), userPoolProps(cfg))
	pool := s.UserPool.Pool
	hd := &hosteddomain.HostedDomainProps{UserPool: pool, ManagedLoginVersion: cognito.ManagedLoginVersion_NEWER_MANAGED_LOGIN}
	if cfg.HostedUIVersion() == 1 {
		hd.ManagedLoginVersion = cognito.ManagedLoginVersion_CLASSIC_HOSTED_UI
	}
	if d := s.Domains; d != nil {
		hd.CustomDomain = &hosteddomain.CustomDomainOptions{
			DomainName: jsii.String(cfg.AuthDomainName), Certificate: d.HostedUICertificate, HostedZone: d.AuthZone,
		}
	} else {
		hd.DomainPrefix = jsii.String(cfg.DomainPrefix())
	}
	s.HostedDomain = hosteddomain.NewHostedDomain(s, jsii.String("HostedDomain"), hd)
	if d := s.Domains; d != nil {
		// The certificates of this stack are requested after Cognito's
		// precondition is checked: a missing A record fails at once.
		for _, c := range []acm.ICertificate{d.HostedUICertificate, d.APICertificate} {
			if cert, ok := c.(acm.Certificate); ok && strings.HasPrefix(*cert.Node().Path(), *s.Node().Path()+"/") {
				cert.Node().AddDependency(s.HostedDomain.ParentARecord)
			}
		}
	}
	clients := make([]cognito.IUserPoolClient, 0, len(cfg.AppClients))
	for _, ac := range cfg.AppClients {
		c := appclient.NewAppClient(s, jsii.String(pascal(ac.Name)+"Client"), &appclient.AppClientProps{
			UserPool:              pool,
			ClientName:            jsii.String(cfg.StackName() + "-" + ac.Name),
			CallbackUrls:          jsii.Strings(ac.CallbackURLs...),
			LogoutUrls:            stringsOrNil(ac.LogoutURLs),
			AllowUserPasswordAuth: jsii.Bool(ac.AllowUserPasswordAuth),
			AccessTokenValidity:   awscdk.Duration_Minutes(jsii.Number(cfg.Tokens.AccessTokenValidityMinutes)),
			IdTokenValidity:       awscdk.Duration_Minutes(jsii.Number(cfg.Tokens.IDTokenValidityMinutes)),
			RefreshTokenValidity:  awscdk.Duration_Days(jsii.Number(cfg.Tokens.RefreshTokenValidityDays)),
		})
		s.AppClients = append(s.AppClients, c)
		clients = append(clients, c.Client)
	}
	s.HostedDomain.BrandClients(clients...)
	scopes := make([]resourceserver.Scope, len(cfg.ResourceServer.Scopes))
	for i, sc := range cfg.ResourceServer.Scopes {
		scopes[i] = resourceserver.Scope{Name: sc.Name, Description: sc.Description}
	}
	s.ResourceServer = resourceserver.NewResourceServer(s, jsii.String("ResourceServer"), &resourceserver.ResourceServerProps{
		UserPool:                   pool,
		Identifier:                 jsii.String(cfg.ResourceServerIdentifier()),
		Scopes:                     scopes,
		MachineClientScopes:        cfg.MachineClientScopes(),
		MachineClientName:          jsii.String(cfg.StackName() + "-machine"),
		MachineAccessTokenValidity: awscdk.Duration_Minutes(jsii.Number(cfg.Tokens.MachineAccessTokenValidityMinutes)),
	})
	groupRoles := slices.ContainsFunc(cfg.Groups, func(g config.Group) bool { return g.IAMRole })
	s.IdentityPool = identitypool.NewIdentityPool(s, jsii.String("IdentityPool"), &identitypool.IdentityPoolProps{
		UserPool:                    pool,
		Clients:                     clients,
		AllowGuests:                 jsii.Bool(cfg.IdentityPool.AllowGuests),
		UseTokenRoles:               jsii.Bool(groupRoles),
		AccessLogsExpiration:        awscdk.Duration_Days(jsii.Number(cfg.LogRetentionDays)),
		NoncurrentVersionExpiration: awscdk.Duration_Days(jsii.Number(cfg.IdentityPool.NoncurrentVersionExpirationDays)),
	})
	specs := make([]groups.Group, len(cfg.Groups))
	for i, g := range cfg.Groups {
		specs[i] = groups.Group{Name: g.Name, Description: g.Description, Precedence: jsii.Number(g.Precedence), CreateRole: g.IAMRole}
	}
	s.Groups = groups.NewGroups(s, jsii.String("Groups"), &groups.GroupsProps{
		UserPool: pool, Groups: specs, RolePrincipal: s.IdentityPool.AuthenticatedPrincipal(),
	})
	tp := triggersProps(s, cfg, props)
	tp.LogKey = logKey
	s.Triggers = triggers.NewTriggers(s, jsii.String("Triggers"), tp)
	clientIDs := []*string{s.ResourceServer.MachineClient.UserPoolClientId()}
	for _, c := range s.AppClients {
		clientIDs = append(clientIDs, c.UserPoolClientId())
	}
	s.API = api.NewAPI(s, jsii.String("Api"), &api.APIProps{
		Issuer: s.UserPool.IssuerUrl(), ClientIds: clientIDs, UserPool: pool, HostedUiBaseUrl: s.HostedDomain.BaseUrl(),
		Rules: cfg.APIRules(), AdminGroup: jsii.String(cfg.API.AdminGroup), UpstreamUrl: optional(cfg.API.UpstreamURL),
		// Deny-list items must outlive every token they deny: the refresh token is the longest.
		DenyListTtl:               awscdk.Duration_Days(jsii.Number(cfg.Tokens.RefreshTokenValidityDays)),
		AuthorizerCacheTtl:        awscdk.Duration_Seconds(jsii.Number(cfg.API.AuthorizerCacheSeconds)),
		ThrottlingRateLimit:       jsii.Number(cfg.API.ThrottlingRateLimit),
		ThrottlingBurstLimit:      jsii.Number(cfg.API.ThrottlingBurstLimit),
		Waf:                       jsii.Bool(cfg.API.WAF),
		LogLevel:                  lambda.ApplicationLogLevel(cfg.LogLevel),
		LogRetention:              retention(cfg.LogRetentionDays),
		LogKey:                    logKey,
		Tracing:                   cfg.Tracing,
		CustomDomain:              apiDomain(cfg, s.Domains),
		DisableExecuteApiEndpoint: jsii.Bool(cfg.ExecuteAPIEndpointDisabled()),
	})
	var fns []dashboard.Function
	for _, f := range s.Triggers.Functions() {
		fns = append(fns, dashboard.Function{Name: f.Name, Function: f.Function.Function})
	}
	fns = append(fns, dashboard.Function{Name: "API authorizer", Function: s.API.Authorizer.Function},
		dashboard.Function{Name: "API handler", Function: s.API.Handler.Function})
	s.Dashboard = dashboard.NewDashboard(s, jsii.String("Dashboard"), &dashboard.DashboardProps{
		StackName: jsii.String(cfg.StackName()), Functions: fns, AlarmEmails: cfg.Monitoring.AlarmEmails,
		DashboardName: jsii.String(cfg.StackName()),
	})
	if cfg.Backup.Enabled {
		b := cfg.Backup
		s.Backup = userbackup.NewUserBackup(s, jsii.String("Backup"), &userbackup.UserBackupProps{
			UserPool: pool, StackName: jsii.String(cfg.StackName()), Schedule: events.Schedule_Expression(jsii.String(b.Schedule)),
			RetentionDays: jsii.Number(b.RetentionDays), MaxAgeHours: jsii.Number(b.MaxAgeHours), QuotaShare: jsii.Number(b.QuotaShare),
			ServerAccessLogsBucket: s.IdentityPool.AccessLogsBucket,
			LogKey:                 logKey, LogRetention: retention(cfg.LogRetentionDays), LogLevel: lambda.ApplicationLogLevel(cfg.LogLevel), Tracing: cfg.Tracing,
		})
		s.Dashboard.AddAlarms("User-pool backup", s.Backup.FailedAlarm, s.Backup.AgeAlarm)
	}
	s.addOutputs()
	if props.Pipeline != nil {
		s.addPipelineRoles(*props.Pipeline)
	}
	return s, nil
}

// Validate checks that the principals are IAM role ARNs; a nil trust is valid.
func (t *PipelineTrust) Validate() error {
	if t == nil {
		return nil
	}
	for _, f := range []struct{ field, arn string }{{"SmokeTestPrincipal", t.SmokeTestPrincipal}, {"PreDeployBackupPrincipal", t.PreDeployBackupPrincipal}} {
		if f.arn != "" && !roleARN.MatchString(f.arn) {
			return fmt.Errorf("stacks: PipelineTrust.%s %q: want an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)", f.field, f.arn)
		}
	}
	return nil
}

var roleARN = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)

// Names of the roles a pipeline assumes in an AuthStack's account.
func SmokeTestRoleName(stackName string) string       { return stackName + "-smoke-test" }
func PreDeployBackupRoleName(stackName string) string { return stackName + "-pre-deploy-backup" }

// addPipelineRoles adds the roles the pipeline's steps assume: what
// `authctl smoke` does as an administrator, and starting (then watching)
// a backup before a deployment.
func (s *AuthStack) addPipelineRoles(trust PipelineTrust) {
	name := *s.StackName()
	principal := func(arn string) iam.IPrincipal {
		account := strings.Split(arn, ":")[4]
		return iam.NewAccountPrincipal(jsii.String(account)).WithConditions(&map[string]interface{}{
			"ArnEquals": map[string]interface{}{"aws:PrincipalArn": arn}})
	}
	if trust.SmokeTestPrincipal != "" {
		s.SmokeTestRole = iam.NewRole(s, jsii.String("PipelineSmokeTestRole"), &iam.RoleProps{
			RoleName: jsii.String(SmokeTestRoleName(name)), AssumedBy: principal(trust.SmokeTestPrincipal), MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(1)),
			Description: jsii.String("The deployment pipeline's smoke journey (authctl smoke) against " + name),
		})
		s.SmokeTestRole.AddToPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
			Actions:   jsii.Strings("cognito-idp:AdminConfirmSignUp", "cognito-idp:AdminDeleteUser", "cognito-idp:DescribeUserPoolClient", "cognito-idp:DescribeUserPool"),
			Resources: jsii.Strings(*s.UserPool.UserPoolArn()),
		}))
	}
	if trust.PreDeployBackupPrincipal == "" || s.Backup == nil {
		return
	}
	s.PreDeployBackupRole = iam.NewRole(s, jsii.String("PipelinePreDeployBackupRole"), &iam.RoleProps{
		RoleName: jsii.String(PreDeployBackupRoleName(name)), AssumedBy: principal(trust.PreDeployBackupPrincipal), MaxSessionDuration: awscdk.Duration_Hours(jsii.Number(3)),
		Description: jsii.String("The deployment pipeline's backup of " + name + "'s user pool before it deploys"),
	})
	s.Backup.StateMachine.GrantStartExecution(s.PreDeployBackupRole)
	s.PreDeployBackupRole.AddToPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Actions: jsii.Strings("states:DescribeExecution"),
		// An execution's ARN: execution:STATE_MACHINE_NAME:EXECUTION_NAME.
		Resources: jsii.Strings(*awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("arn:"), s.Partition(), jsii.String(":states:"), s.Region(), jsii.String(":"), s.Account(),
			jsii.String(":execution:"), s.Backup.StateMachine.StateMachineName(), jsii.String(":*")})),
	}))
	s.PreDeployBackupRole.AddToPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Actions: jsii.Strings("cloudformation:DescribeStacks"), Resources: jsii.Strings(*s.StackId()),
	}))
	nag.Suppress(s.PreDeployBackupRole, "AwsSolutions-IAM5", "Executions of the backup state machine only: their names are chosen at start, so the ARN ends in a wildcard.",
		"/^Resource::arn:.*:execution:.*:\\*$/")
}

func (s *AuthStack) addOutputs() {
	s.Outputs = map[string]awscdk.CfnOutput{}
	out := func(name, description string, value *string) {
		s.Outputs[name] = awscdk.NewCfnOutput(s, jsii.String(name), &awscdk.CfnOutputProps{Value: value, Description: jsii.String(description)})
	}
	out(contract.OutputUserPoolID, "Cognito user pool id (REGION_xxxxxxxxx)", s.UserPool.UserPoolId())
	out(contract.OutputUserPoolARN, "Cognito user pool ARN", s.UserPool.UserPoolArn())
	out(contract.OutputIssuerURL, "OIDC issuer of the pool's tokens, exactly the iss claim (https://cognito-idp.REGION.amazonaws.com/POOL_ID)", s.UserPool.IssuerUrl())
	out(contract.OutputJWKSURL, "JSON Web Key Set that verifies the pool's tokens (IssuerUrl/.well-known/jwks.json)", s.UserPool.JwksUrl())
	out(contract.OutputHostedUIBaseURL, "Hosted UI and OAuth2 endpoints base URL (https://, no trailing slash)", s.HostedDomain.BaseUrl())
	for i, c := range s.AppClients {
		name := pascal(s.Config.AppClients[i].Name)
		out(contract.OutputClientID(name), "App client id of the "+s.Config.AppClients[i].Name+" client", c.UserPoolClientId())
		out(contract.OutputSignInURL(name), "Hosted UI sign-in URL of the "+s.Config.AppClients[i].Name+" client", s.HostedDomain.SignInUrl(c.Client, c.CallbackUrl))
	}
	out(contract.OutputResourceServerIdentifier, "OAuth2 resource server identifier (scope prefix)", jsii.String(s.Config.ResourceServerIdentifier()))
	out(contract.OutputMachineClientID, "Client-credentials app client id (its secret stays in Cognito)", s.ResourceServer.MachineClient.UserPoolClientId())
	out(contract.OutputIdentityPoolID, "Cognito identity pool id", s.IdentityPool.IdentityPoolId())
	out(contract.OutputStorageBucketName, "Per-identity storage bucket", s.IdentityPool.Bucket.BucketName())
	out(contract.OutputUserEventsTopicARN, "SNS topic of user events", s.UserEvents.TopicArn())
	out(contract.OutputAlarmTopicARN, "SNS topic the alarms notify", s.Dashboard.AlarmTopic.TopicArn())
	out(contract.OutputAPIURL, "REST API invoke URL of the stage (https://, trailing slash)", s.API.Url())
	out(contract.OutputDenyListTableName, "DynamoDB deny-list of signed-out sessions and users", s.API.DenyList.TableName())
	out(contract.OutputDashboardName, "CloudWatch dashboard", s.Dashboard.Dashboard.DashboardName())
	if s.Backup != nil {
		out(contract.OutputBackupBucketName, "S3 bucket of the user-pool backups (backups/POOL_ID/START_TIME/)", s.Backup.Bucket.BucketName())
		out(contract.OutputBackupStateMachineARN, "State machine that backs up the user pool (start an execution for a backup now)", s.Backup.StateMachine.StateMachineArn())
	}
}

// apiDomain is the API's custom domain, or nil.
func apiDomain(cfg config.Config, d *Domains) *api.CustomDomainOptions {
	if d == nil {
		return nil
	}
	return &api.CustomDomainOptions{DomainName: jsii.String(cfg.APIDomainName), Certificate: d.APICertificate, HostedZone: d.APIZone}
}

// triggersProps maps the config's trigger settings to TriggersProps.
func triggersProps(s *AuthStack, cfg config.Config, sp *AuthStackProps) *triggers.TriggersProps {
	t := cfg.Triggers
	hook := func(id, arn string) lambda.IFunction {
		switch {
		case id == "PreSignUpHook" && sp.PreSignUpHook != nil:
			return sp.PreSignUpHook
		case id == "UserEventsHook" && sp.UserEventsHook != nil:
			return sp.UserEventsHook
		case arn == "":
			return nil
		}
		return lambda.Function_FromFunctionArn(s, jsii.String(id), jsii.String(arn))
	}
	props := &triggers.TriggersProps{
		UserPool:            s.UserPool.Pool,
		UserEvents:          s.UserEvents,
		AppName:             jsii.String(cfg.AppName),
		Environment:         jsii.String(cfg.Environment),
		Production:          jsii.Bool(cfg.Production),
		EmailSendingAccount: jsii.String(s.UserPool.EmailSendingAccount()),
		SmsEnabled:          jsii.Bool(cfg.UserPool.SMS),
		PreSignUp: &triggers.PreSignUpOptions{
			DenyDomains: t.DenyDomains, AllowDomains: t.AllowDomains, Hook: hook("PreSignUpHook", t.PreSignUpHookARN),
		},
		UserEventsTrigger: &triggers.UserEventsOptions{
			Publish: jsii.Bool(cfg.PublishUserEvents), Hook: hook("UserEventsHook", t.UserEventsHookARN),
		},
		PreTokenGeneration: &triggers.PreTokenGenerationOptions{Rules: t.TokenClaims},
		LogLevel:           lambda.ApplicationLogLevel(cfg.LogLevel),
		LogRetention:       retention(cfg.LogRetentionDays),
		MemorySize:         jsii.Number(t.MemoryMB),
	}
	if cfg.Tracing {
		props.Tracing = lambda.Tracing_ACTIVE
	}
	if t.Migration.Enabled {
		props.Migration = &triggers.MigrationOptions{
			Endpoint: jsii.String(t.Migration.Endpoint),
			Secret:   secretsmanager.Secret_FromSecretCompleteArn(s, jsii.String("LegacyUserSecret"), jsii.String(t.Migration.SecretARN)),
		}
	}
	return props
}

// retention maps a validated number of days to CloudWatch's enum, whose
// members are in the order of config.LogRetentionValues.
func retention(days int) logs.RetentionDays {
	all := []logs.RetentionDays{
		logs.RetentionDays_ONE_DAY, logs.RetentionDays_THREE_DAYS, logs.RetentionDays_FIVE_DAYS, logs.RetentionDays_ONE_WEEK,
		logs.RetentionDays_TWO_WEEKS, logs.RetentionDays_ONE_MONTH, logs.RetentionDays_TWO_MONTHS, logs.RetentionDays_THREE_MONTHS,
		logs.RetentionDays_FOUR_MONTHS, logs.RetentionDays_FIVE_MONTHS, logs.RetentionDays_SIX_MONTHS, logs.RetentionDays_ONE_YEAR,
		logs.RetentionDays_THIRTEEN_MONTHS, logs.RetentionDays_EIGHTEEN_MONTHS, logs.RetentionDays_TWO_YEARS, logs.RetentionDays_THREE_YEARS,
		logs.RetentionDays_FIVE_YEARS, logs.RetentionDays_SIX_YEARS, logs.RetentionDays_SEVEN_YEARS, logs.RetentionDays_EIGHT_YEARS,
		logs.RetentionDays_NINE_YEARS, logs.RetentionDays_TEN_YEARS,
	}
	i := slices.Index(config.LogRetentionValues, days)
	if i < 0 {
		panic(fmt.Sprintf("stacks: log retention %d days was not validated", days))
	}
	return all[i]
}

// userPoolProps maps the config's user-pool section to UserPoolProps.
func userPoolProps(cfg config.Config) *userpool.UserPoolProps {
	up := cfg.UserPool
	std := &cognito.StandardAttributes{}
	for _, a := range up.Attributes {
		attr := &cognito.StandardAttribute{Required: jsii.Bool(a.Required), Mutable: jsii.Bool(a.Mutable == nil || *a.Mutable)}
		*standardAttributeField(std, a.Name) = attr
	}
	var custom map[string]cognito.ICustomAttribute
	for _, a := range up.CustomAttributes {
		if custom == nil {
			custom = map[string]cognito.ICustomAttribute{}
		}
		mutable := jsii.Bool(a.Mutable == nil || *a.Mutable)
		if a.Type == "Number" {
			custom[a.Name] = cognito.NewNumberAttribute(&cognito.NumberAttributeProps{Mutable: mutable})
			continue
		}
		sp := &cognito.StringAttributeProps{Mutable: mutable}
		if a.MinLength > 0 {
			sp.MinLen = jsii.Number(a.MinLength)
		}
		if a.MaxLength > 0 {
			sp.MaxLen = jsii.Number(a.MaxLength)
		}
		custom[a.Name] = cognito.NewStringAttribute(sp)
	}
	props := &userpool.UserPoolProps{
		UserPoolName:          jsii.String(cfg.StackName()),
		PasskeyRelyingPartyId: relyingParty(cfg),
		FeaturePlan:           cognito.FeaturePlan(up.FeaturePlan),
		Mfa:                   cognito.Mfa(up.MFA),
		EnableSms:             jsii.Bool(up.SMS),
		PasswordPolicy: &cognito.PasswordPolicy{
			MinLength:            jsii.Number(up.Password.MinLength),
			RequireSymbols:       jsii.Bool(up.Password.RequireSymbols),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(up.Password.TemporaryPasswordValidityDays)),
		},
		StandardAttributes: std,
	}
	if up.SMS {
		props.SmsRoleExternalId = jsii.String(cfg.StackName() + "-cognito-sms")
	}
	if ses := up.Email.SES; ses != nil {
		props.SES = &cognito.UserPoolSESOptions{
			FromEmail:            jsii.String(ses.FromAddress),
			FromName:             optional(ses.FromName),
			ReplyTo:              optional(ses.ReplyTo),
			ConfigurationSetName: optional(ses.ConfigurationSet),
			SesRegion:            optional(ses.Region),
			SesVerifiedDomain:    optional(ses.VerifiedDomain),
		}
	}
	if custom != nil {
		props.CustomAttributes = &custom
	}
	return props
}

// relyingParty is the custom domain of the hosted UI, or nil.
// relyingParty is the passkeys' relying party: the custom domain users
// sign in on, set explicitly so it never moves with the pool's domains
// (passkeys are bound to it: renaming authDomainName invalidates every
// registered passkey). Passkeys need ESSENTIALS or PLUS.
func relyingParty(cfg config.Config) *string {
	if !cfg.CustomDomains || cfg.UserPool.FeaturePlan == "LITE" {
		return nil
	}
	return jsii.String(cfg.AuthDomainName)
}

// standardAttributeField returns the StandardAttributes field of an OIDC
// attribute name (config.Validate guarantees the name is known).
func standardAttributeField(a *cognito.StandardAttributes, name string) **cognito.StandardAttribute {
	fields := map[string]**cognito.StandardAttribute{
		"address": &a.Address, "birthdate": &a.Birthdate, "email": &a.Email, "family_name": &a.FamilyName,
		"gender": &a.Gender, "given_name": &a.GivenName, "locale": &a.Locale, "middle_name": &a.MiddleName,
		"name": &a.Fullname, "nickname": &a.Nickname, "phone_number": &a.PhoneNumber, "picture": &a.ProfilePicture,
		"preferred_username": &a.PreferredUsername, "profile": &a.ProfilePage, "updated_at": &a.LastUpdateTime,
		"website": &a.Website, "zoneinfo": &a.Timezone,
	}
	f, ok := fields[name]
	if !ok {
		panic(fmt.Sprintf("stacks: unknown standard attribute %q", name))
	}
	return f
}

// pascal turns a client name like "web-admin" into "WebAdmin".
func pascal(name string) string { return contract.Pascal(name) }

// optional is nil for "", else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return jsii.String(s)
}

func stringsOrNil(s []string) *[]*string {
	if len(s) == 0 {
		return nil
	}
	return jsii.Strings(s...)
}

// AppClient returns the app client called name in the config (android, ios,
// web, ...), or nil.
func (s *AuthStack) AppClient(name string) *appclient.AppClient {
	for i, c := range s.Config.AppClients {
		if c.Name == name {
			return s.AppClients[i]
		}
	}
	return nil
}
