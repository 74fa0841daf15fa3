package config

import (
	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/rules"
)

// Config is the complete, validated configuration of one environment: one
// CloudFormation stack named "<appName>-<environment>".
//
// Field names in YAML/JSON files are the yaml tags below. Fields not set in a
// file take the value from the file's "defaults" section, then from Base().
type Config struct {
	// AppName names the application; stacks and resources are named from it.
	// 1-32 characters: a-z, 0-9, hyphens, starting with a letter. Required.
	AppName string `yaml:"appName" json:"appName"`
	// Environment is the environment's name, taken from its key under
	// "environments" (development, test, production, ...). Set by the loader.
	Environment string `yaml:"-" json:"environment"`
	// Account is the 12-digit AWS account to deploy to.
	// Default: "" (environment-agnostic stack; the CLI's credentials decide).
	Account string `yaml:"account" json:"account,omitempty"`
	// Region is the AWS region of the stack. Default: "eu-west-1" (the reference's region).
	Region string `yaml:"region" json:"region"`
	// CustomDomains serves the hosted UI (managed login) on AuthDomainName
	// and the API on APIDomainName, with their certificates and Route 53
	// alias records (see Domains). false keeps the Cognito prefix domain
	// (HostedUI.DomainPrefix) and the API's execute-api URL; the three
	// domain fields are then optional. Default: true.
	CustomDomains bool `yaml:"customDomains" json:"customDomains"`
	// ParentHostedZoneName is the Route 53 public hosted zone, in the
	// stack's account, that delegates the zones authstack creates for
	// AuthDomainName and APIDomainName (an NS record each). Cognito also
	// requires an A record for the parent domain of AuthDomainName
	// (auth.example.com needs one for example.com). Required with
	// CustomDomains.
	ParentHostedZoneName string `yaml:"parentHostedZoneName" json:"parentHostedZoneName"`
	// AuthDomainName is the hosted UI's custom domain, inside
	// ParentHostedZoneName (auth.example.com). Required with CustomDomains.
	AuthDomainName string `yaml:"authDomainName" json:"authDomainName"`
	// APIDomainName is the API's custom domain, inside ParentHostedZoneName
	// (api.example.com). It is also the default resource-server identifier.
	// Required with CustomDomains, or without resourceServer.identifier.
	APIDomainName string `yaml:"apiDomainName" json:"apiDomainName"`
	// Domains chooses the hosted zone and the certificates of the custom domains.
	Domains Domains `yaml:"domains" json:"domains"`
	// LogLevel is the application log level of the functions: TRACE, DEBUG,
	// INFO, WARN, ERROR or FATAL (Lambda's ApplicationLogLevel). Default: "INFO".
	LogLevel string `yaml:"logLevel" json:"logLevel"`
	// PublishUserEvents turns publishing of user events (sign-up, sign-in, ...)
	// to the user-events topic on or off. Default: true.
	PublishUserEvents bool `yaml:"publishUserEvents" json:"publishUserEvents"`
	// LogRetentionDays is the retention of every log group, one of CloudWatch
	// Logs' allowed values (1, 3, 5, 7, 14, 30, 60, 90, ... 3653). Default: 90.
	LogRetentionDays int `yaml:"logRetentionDays" json:"logRetentionDays"`
	// Tracing turns on AWS X-Ray for the API stage and every function
	// (X-Ray bills per trace recorded). Default: false.
	Tracing bool `yaml:"tracing" json:"tracing"`
	// Tags are applied to every resource of the stack. Keys 1-128 characters,
	// values up to 256, no "aws:" prefix. Default: none.
	Tags map[string]string `yaml:"tags" json:"tags,omitempty"`

	// UserPool configures the user pool itself.
	UserPool UserPool `yaml:"userPool" json:"userPool"`
	// Tokens sets token lifetimes for every app client.
	Tokens Tokens `yaml:"tokens" json:"tokens"`
	// HostedUI configures the hosted UI (managed login) domain.
	HostedUI HostedUI `yaml:"hostedUi" json:"hostedUi"`
	// AppClients are the public (no secret) app clients: reference android and
	// iOS, plus web. At least one is required.
	AppClients []AppClient `yaml:"appClients" json:"appClients"`
	// ResourceServer is the OAuth2 resource server and its machine client.
	ResourceServer ResourceServer `yaml:"resourceServer" json:"resourceServer"`
	// Groups are the user-pool groups. Default: none.
	Groups []Group `yaml:"groups" json:"groups,omitempty"`
	// IdentityPool configures the identity pool (AWS credentials for users).
	IdentityPool IdentityPool `yaml:"identityPool" json:"identityPool"`
	// Production marks a production environment: emails do not show the
	// environment name. Default: false.
	Production bool `yaml:"production" json:"production"`
	// Triggers configures the user pool's Lambda triggers.
	Triggers Triggers `yaml:"triggers" json:"triggers"`
	// Monitoring configures the dashboard and alarms.
	Monitoring Monitoring `yaml:"monitoring" json:"monitoring"`
	// Backup configures the scheduled user-pool backup.
	Backup Backup `yaml:"backup" json:"backup"`
	// API configures the REST API and its authorizer.
	API API `yaml:"api" json:"api"`
}

// Domains chooses where the custom domains' records go and which
// certificates serve them. Every field is optional: by default authstack
// creates a hosted zone for each domain, delegated from
// ParentHostedZoneName, and DNS-validated certificates in them.
type Domains struct {
	// HostedZoneID is an existing public hosted zone of the account (its id,
	// like Z0123456789ABCDEFGHIJ) that holds both domains' records and
	// certificate validation records; no zone is created or delegated.
	// Default: "" (create the two zones).
	HostedZoneID string `yaml:"hostedZoneId" json:"hostedZoneId,omitempty"`
	// HostedZoneName is the name of the HostedZoneID zone; both domains
	// must be inside it. Default: ParentHostedZoneName.
	HostedZoneName string `yaml:"hostedZoneName" json:"hostedZoneName,omitempty"`
	// HostedUICertificateARN is an ACM certificate in us-east-1 (the region
	// Cognito's CloudFront distribution reads it from, whatever the stack's
	// region) that covers AuthDomainName. Default: "" (a DNS-validated
	// certificate is created: in this stack when Region is us-east-1, else in
	// the certificate stack "<stack>-certificates" in us-east-1).
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
	HostedUICertificateARN string `yaml:"hostedUiCertificateArn" json:"hostedUiCertificateArn,omitempty"`
	// APICertificateARN is an ACM certificate in Region (a regional API
	// endpoint) that covers APIDomainName. Default: "" (a DNS-validated
	// certificate is created in this stack).
	// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-regional-api-custom-domain-create.html
	APICertificateARN string `yaml:"apiCertificateArn" json:"apiCertificateArn,omitempty"`
}

// API configures the REST API, its Lambda authorizer and the deny-list.
type API struct {
	// AdminGroup is the group whose members may read any user (GET
	// /users/{id}). It must be one of Groups. Required.
	AdminGroup string `yaml:"adminGroup" json:"adminGroup"`
	// UpstreamURL is the https:// target of ANY /proxy/{proxy+}. Default:
	// "" (no proxy route).
	UpstreamURL string `yaml:"upstreamUrl" json:"upstreamUrl,omitempty"`
	// Rules replace the default access rules (see DefaultRules). Default: DefaultRules.
	Rules []rules.Rule `yaml:"rules" json:"rules,omitempty"`
	// ThrottlingRateLimit is the stage's steady-state requests per second. Default: 50.
	ThrottlingRateLimit float64 `yaml:"throttlingRateLimit" json:"throttlingRateLimit"`
	// ThrottlingBurstLimit is the stage's burst. Default: 100.
	ThrottlingBurstLimit int `yaml:"throttlingBurstLimit" json:"throttlingBurstLimit"`
	// WAF attaches an AWS WAF web ACL with AWS managed rule groups. Default: false.
	WAF bool `yaml:"waf" json:"waf"`
	// AuthorizerCacheSeconds is API Gateway's authorizer cache TTL, 0-3600.
	// 0 means every request is authorized afresh, so a logout takes effect
	// at once; with a TTL, a logged-out token keeps working for up to that
	// long. Default: 0.
	AuthorizerCacheSeconds int `yaml:"authorizerCacheSeconds" json:"authorizerCacheSeconds"`
	// DisableExecuteAPIEndpoint turns off the API's default
	// https://API_ID.execute-api.REGION.amazonaws.com endpoint, so clients
	// reach it only through APIDomainName. Needs CustomDomains.
	// Default: true with CustomDomains, else false.
	DisableExecuteAPIEndpoint *bool `yaml:"disableExecuteApiEndpoint" json:"disableExecuteApiEndpoint,omitempty"`
}

// Triggers configures the Lambda triggers.
type Triggers struct {
	// DenyDomains are extra disposable email domains (and their subdomains)
	// the pre sign-up trigger rejects. Default: none.
	DenyDomains []string `yaml:"denyDomains" json:"denyDomains,omitempty"`
	// AllowDomains are domains (and subdomains) never rejected as disposable,
	// whatever the list says. Default: none.
	AllowDomains []string `yaml:"allowDomains" json:"allowDomains,omitempty"`
	// TokenClaims declares pre token generation (claims from attributes,
	// roles from groups, extra access-token scopes). Needs the ESSENTIALS or
	// PLUS feature plan. Default: none (no pre token generation trigger).
	TokenClaims claims.Rules `yaml:"tokenClaims" json:"tokenClaims"`
	// Migration enables just-in-time user migration from a legacy endpoint.
	Migration Migration `yaml:"migration" json:"migration"`
	// MemoryMB is the memory of each trigger function, 128-10240 MB.
	// Default: 256 (see docs/BENCHMARKS.md).
	MemoryMB int `yaml:"memoryMb" json:"memoryMb"`
	// PreSignUpHookARN is your Lambda function that authstack's pre sign-up
	// function invokes after an address is accepted (its answer is
	// Cognito's; its error refuses the sign-up). Give it a timeout of at most
	// 3 seconds. Default: none.
	PreSignUpHookARN string `yaml:"preSignUpHookArn" json:"preSignUpHookArn,omitempty"`
	// UserEventsHookARN is your Lambda function that authstack's user-events
	// function invokes after publishing, on pre authentication, post
	// authentication and post confirmation (its error fails the request).
	// Default: none.
	UserEventsHookARN string `yaml:"userEventsHookArn" json:"userEventsHookArn,omitempty"`
}

// Migration configures the user migration trigger.
type Migration struct {
	// Enabled turns the trigger on. Default: false.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Endpoint is the legacy system's https:// base URL. Required when enabled.
	Endpoint string `yaml:"endpoint" json:"endpoint,omitempty"`
	// SecretARN is the Secrets Manager secret holding {"token": "..."}, the
	// bearer token for the endpoint. Required when enabled.
	SecretARN string `yaml:"secretArn" json:"secretArn,omitempty"`
}

// Backup configures the scheduled export of the user pool (every user,
// group, membership and the pool's configuration) to the stack's backup
// bucket (constructs/userbackup, docs/BACKUP.md).
type Backup struct {
	// Enabled turns the scheduled backup on. Default: true.
	Enabled bool `yaml:"enabled" json:"enabled"`
	// Schedule is an EventBridge schedule expression: rate(N unit) or
	// cron(...). Default: "rate(1 day)".
	// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
	Schedule string `yaml:"schedule" json:"schedule"`
	// RetentionDays is how long a backup is kept, at least 1. Default: 35.
	RetentionDays int `yaml:"retentionDays" json:"retentionDays"`
	// MaxAgeHours: an alarm fires when no backup completed in this many
	// hours, 1-168. Default: 36.
	MaxAgeHours int `yaml:"maxAgeHours" json:"maxAgeHours"`
	// QuotaShare is the share of Cognito's list quota (30 requests per
	// second, shared in the account and Region) the backup uses, (0, 1].
	// Default: 0.8.
	QuotaShare float64 `yaml:"quotaShare" json:"quotaShare"`
}

// Monitoring configures the dashboard and alarms.
type Monitoring struct {
	// AlarmEmails are subscribed to the operations topic that alarms notify.
	// Default: none (subscribe your own endpoints to the topic).
	AlarmEmails []string `yaml:"alarmEmails" json:"alarmEmails,omitempty"`
}

// UserPool configures the Cognito user pool.
type UserPool struct {
	// FeaturePlan is the Cognito feature plan: LITE, ESSENTIALS or PLUS.
	// PLUS turns on threat protection in full-function (enforced) mode.
	// Default: "ESSENTIALS". Source:
	// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-sign-in-feature-plans.html
	FeaturePlan string `yaml:"featurePlan" json:"featurePlan"`
	// MFA is the MFA mode: OFF, OPTIONAL or REQUIRED. TOTP is always offered
	// when MFA is not OFF; SMS too when SMS is true. Default: "OPTIONAL".
	MFA string `yaml:"mfa" json:"mfa"`
	// SMS turns on SMS messages (SMS MFA, phone verification); it creates the
	// SNS role Cognito assumes, with an external id. Default: false.
	SMS bool `yaml:"sms" json:"sms"`
	// Password is the password policy.
	Password Password `yaml:"password" json:"password"`
	// Attributes are the standard attributes of the schema, by OIDC name
	// (email, name, phone_number, given_name, ...). email is the username and
	// must be present and required. Changing required or adding attributes
	// later replaces the pool, so list only what you use.
	// Default: name, email (required), phone_number (the reference's schema).
	Attributes []Attribute `yaml:"attributes" json:"attributes"`
	// CustomAttributes are "custom:" attributes. Default: none.
	CustomAttributes []CustomAttribute `yaml:"customAttributes" json:"customAttributes,omitempty"`
	// Email is how the pool sends email. Default: Cognito's own sender
	// (COGNITO_DEFAULT): Cognito's default texts, a daily quota below
	// production volume, and no branded emails (see Email).
	Email Email `yaml:"email" json:"email"`
}

// Email configures how the user pool sends email.
//
// Without SES, Cognito sends from no-reply@verificationemail.com with its own
// default texts, and only a limited number of emails a day for the account
// (the Cognito quotas page lists it; not enough for production sign-ups).
// The custom message trigger can then brand SMS texts only: Cognito uses a
// trigger's email subject and body only when the pool sends through SES
// (EmailSendingAccount DEVELOPER).
//
// With SES, Cognito sends through your verified SES identity (from your
// address, with your configuration set) and the custom message trigger
// brands every email (HTML) and SMS text.
//
// Sources: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-email.html,
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
type Email struct {
	// SES sends email through Amazon SES. Default: none (Cognito's sender).
	SES *SES `yaml:"ses" json:"ses,omitempty"`
}

// SES is an Amazon SES identity the user pool sends from. The identity (the
// FromAddress, or VerifiedDomain) must be verified in SES, in SESRegion, and
// out of the SES sandbox for mail to reach unverified recipients.
type SES struct {
	// FromAddress is the sender's address. Required.
	FromAddress string `yaml:"fromAddress" json:"fromAddress"`
	// FromName is the sender's display name. Default: none.
	FromName string `yaml:"fromName" json:"fromName,omitempty"`
	// ReplyTo is the Reply-To address. Default: none.
	ReplyTo string `yaml:"replyTo" json:"replyTo,omitempty"`
	// ConfigurationSet is the SES configuration set (event publishing,
	// dedicated IPs). Default: none.
	ConfigurationSet string `yaml:"configurationSet" json:"configurationSet,omitempty"`
	// Region is the SES region. Default: the stack's region.
	Region string `yaml:"region" json:"region,omitempty"`
	// VerifiedDomain is the verified SES domain identity FromAddress belongs
	// to, when the domain rather than the address is verified. Default: none
	// (the address itself is the identity).
	VerifiedDomain string `yaml:"verifiedDomain" json:"verifiedDomain,omitempty"`
}

// EmailSendingAccount is the pool's EmailConfiguration.EmailSendingAccount:
// DEVELOPER with SES, else COGNITO_DEFAULT.
func (c Config) EmailSendingAccount() string {
	if c.UserPool.Email.SES != nil {
		return contract.EmailDeveloper
	}
	return contract.EmailCognitoDefault
}

// Password is the user pool's password policy. Upper case, lower case and
// digits are always required (the reference's policy); these fields can only
// make it stronger.
type Password struct {
	// MinLength is the minimum length, 8-99. Default: 8.
	MinLength int `yaml:"minLength" json:"minLength"`
	// RequireSymbols also requires a symbol. Default: true.
	RequireSymbols bool `yaml:"requireSymbols" json:"requireSymbols"`
	// TemporaryPasswordValidityDays is how long an admin-set temporary password
	// lasts, 1-365 days. Default: 7.
	TemporaryPasswordValidityDays int `yaml:"temporaryPasswordValidityDays" json:"temporaryPasswordValidityDays"`
}

// Attribute is a standard (OIDC) attribute of the schema.
type Attribute struct {
	// Name is the OIDC claim name: address, birthdate, email, family_name,
	// gender, given_name, locale, middle_name, name, nickname, phone_number,
	// picture, preferred_username, profile, updated_at, website, zoneinfo.
	Name string `yaml:"name" json:"name"`
	// Required makes the attribute mandatory at sign-up. Default: false.
	Required bool `yaml:"required" json:"required"`
	// Mutable lets the value change after sign-up. Default: true.
	Mutable *bool `yaml:"mutable" json:"mutable,omitempty"`
}

// CustomAttribute is a "custom:" attribute of the schema.
type CustomAttribute struct {
	// Name without the "custom:" prefix, 1-20 characters. Required.
	Name string `yaml:"name" json:"name"`
	// Type is String or Number. Default: "String".
	Type string `yaml:"type" json:"type"`
	// Mutable lets the value change after sign-up. Default: true.
	Mutable *bool `yaml:"mutable" json:"mutable,omitempty"`
	// MinLength and MaxLength bound a String (0-2048). Default: 0 and 2048.
	MinLength int `yaml:"minLength" json:"minLength,omitempty"`
	MaxLength int `yaml:"maxLength" json:"maxLength,omitempty"`
}

// Tokens are the token lifetimes of the public app clients and the machine client.
// Source for the ranges: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html
type Tokens struct {
	// AccessTokenValidityMinutes is the access-token lifetime, 5-1440 minutes. Default: 15.
	AccessTokenValidityMinutes int `yaml:"accessTokenValidityMinutes" json:"accessTokenValidityMinutes"`
	// IDTokenValidityMinutes is the ID-token lifetime, 5-1440 minutes. Default: 15.
	IDTokenValidityMinutes int `yaml:"idTokenValidityMinutes" json:"idTokenValidityMinutes"`
	// RefreshTokenValidityDays is the refresh-token lifetime, 1-3650 days. Default: 30.
	RefreshTokenValidityDays int `yaml:"refreshTokenValidityDays" json:"refreshTokenValidityDays"`
	// MachineAccessTokenValidityMinutes is the machine client's access-token
	// lifetime, 5-1440 minutes. Default: 60.
	MachineAccessTokenValidityMinutes int `yaml:"machineAccessTokenValidityMinutes" json:"machineAccessTokenValidityMinutes"`
}

// HostedUI configures the hosted UI domain.
type HostedUI struct {
	// DomainPrefix is the Cognito prefix domain
	// (https://PREFIX.auth.REGION.amazoncognito.com); it must be unique in the
	// region. Default: "<appName>-<environment>".
	DomainPrefix string `yaml:"domainPrefix" json:"domainPrefix"`
	// ManagedLoginVersion is 2 for managed login (the newer pages, styled
	// per app client in the branding editor; authstack gives every app
	// client Cognito's default style) or 1 for the classic hosted UI, the
	// only one of the LITE feature plan. Default: 0, which is 2, or 1 with
	// featurePlan LITE.
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html
	ManagedLoginVersion int `yaml:"managedLoginVersion" json:"managedLoginVersion"`
}

// AppClient is a public app client: no secret, authorization code grant with
// PKCE, SRP and refresh-token sign-in.
type AppClient struct {
	// Name identifies the client (android, ios, web); a-z, 0-9, hyphens. Required.
	Name string `yaml:"name" json:"name"`
	// CallbackURLs are the allowed redirect URIs after sign-in (1-100): https,
	// http://localhost, or a native app scheme (app://...). Required.
	CallbackURLs []string `yaml:"callbackUrls" json:"callbackUrls"`
	// LogoutURLs are the allowed redirect URIs after sign-out (0-100). Default: none.
	LogoutURLs []string `yaml:"logoutUrls" json:"logoutUrls,omitempty"`
	// AllowUserPasswordAuth enables USER_PASSWORD_AUTH (password sent to
	// Cognito instead of SRP); only for migration. Default: false.
	AllowUserPasswordAuth bool `yaml:"allowUserPasswordAuth" json:"allowUserPasswordAuth"`
}

// ResourceServer is the OAuth2 resource server and its client-credentials client.
type ResourceServer struct {
	// Identifier of the resource server; scopes are "<identifier>/<scope>".
	// Default: APIDomainName (the reference's choice).
	Identifier string `yaml:"identifier" json:"identifier"`
	// Scopes of the resource server. Default: one scope, "client".
	Scopes []Scope `yaml:"scopes" json:"scopes"`
	// MachineClientScopes are the scope names the machine client may request.
	// Default: every scope of the resource server.
	MachineClientScopes []string `yaml:"machineClientScopes" json:"machineClientScopes,omitempty"`
}

// Scope is an OAuth2 scope of the resource server.
type Scope struct {
	// Name without the identifier prefix. Required.
	Name string `yaml:"name" json:"name"`
	// Description shown to administrators. Default: the name.
	Description string `yaml:"description" json:"description"`
}

// Group is a user-pool group.
type Group struct {
	// Name of the group, 1-128 characters without spaces. Required.
	Name string `yaml:"name" json:"name"`
	// Description of the group. Default: none.
	Description string `yaml:"description" json:"description,omitempty"`
	// Precedence orders groups when a user is in several (lower wins), >= 0.
	// Default: 0.
	Precedence int `yaml:"precedence" json:"precedence"`
	// IAMRole creates an IAM role for the group that signed-in identity-pool
	// users in the group receive (through the token's cognito:preferred_role).
	// Default: false.
	IAMRole bool `yaml:"iamRole" json:"iamRole"`
}

// IdentityPool configures the identity pool.
type IdentityPool struct {
	// AllowGuests lets unauthenticated (guest) identities get credentials of
	// the guest role, which may only read public/* in the storage bucket.
	// Default: true (the reference's behaviour).
	AllowGuests bool `yaml:"allowGuests" json:"allowGuests"`
	// NoncurrentVersionExpirationDays is how long the storage bucket keeps
	// an object's replaced or deleted versions (the window to restore one),
	// at least 1. Default: 30.
	NoncurrentVersionExpirationDays int `yaml:"noncurrentVersionExpirationDays" json:"noncurrentVersionExpirationDays"`
}

// Base returns the built-in defaults every environment starts from, before a
// config file's "defaults" section and the environment's own section are applied.
func Base() Config {
	return Config{
		Region:            "eu-west-1",
		CustomDomains:     true,
		LogLevel:          "INFO",
		PublishUserEvents: true,
		LogRetentionDays:  90,
		Backup:            Backup{Enabled: true, Schedule: "rate(1 day)", RetentionDays: 35, MaxAgeHours: 36, QuotaShare: 0.8},
		UserPool: UserPool{
			FeaturePlan: "ESSENTIALS",
			MFA:         "OPTIONAL",
			Password:    Password{MinLength: 8, RequireSymbols: true, TemporaryPasswordValidityDays: 7},
			Attributes: []Attribute{
				{Name: "name"},
				{Name: "email", Required: true},
				{Name: "phone_number"},
			},
		},
		Tokens: Tokens{
			AccessTokenValidityMinutes:        15,
			IDTokenValidityMinutes:            15,
			RefreshTokenValidityDays:          30,
			MachineAccessTokenValidityMinutes: 60,
		},
		ResourceServer: ResourceServer{
			Scopes: []Scope{{Name: "client", Description: "Machine-to-machine access to the API"}},
		},
		IdentityPool: IdentityPool{AllowGuests: true, NoncurrentVersionExpirationDays: 30},
		Triggers:     Triggers{MemoryMB: 256},
		API:          API{ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100},
	}
}

// StackName is the CloudFormation stack name of the environment: "<appName>-<environment>".
func (c Config) StackName() string { return c.AppName + "-" + c.Environment }

// ResourceServerIdentifier is ResourceServer.Identifier, or APIDomainName when empty.
func (c Config) ResourceServerIdentifier() string {
	if c.ResourceServer.Identifier != "" {
		return c.ResourceServer.Identifier
	}
	return c.APIDomainName
}

// DomainPrefix is HostedUI.DomainPrefix, or "<appName>-<environment>" when empty.
func (c Config) DomainPrefix() string {
	if c.HostedUI.DomainPrefix != "" {
		return c.HostedUI.DomainPrefix
	}
	return c.AppName + "-" + c.Environment
}

// HostedUIVersion is HostedUI.ManagedLoginVersion, or its default: 2
// (managed login), 1 (the classic hosted UI) with the LITE feature plan.
func (c Config) HostedUIVersion() int {
	switch {
	case c.HostedUI.ManagedLoginVersion != 0:
		return c.HostedUI.ManagedLoginVersion
	case c.UserPool.FeaturePlan == "LITE":
		return 1
	}
	return 2
}

// HostedZoneName is the name of the zone that receives the custom domains'
// records when Domains.HostedZoneID names an existing zone:
// Domains.HostedZoneName, or ParentHostedZoneName when empty.
func (c Config) HostedZoneName() string {
	if c.Domains.HostedZoneName != "" {
		return c.Domains.HostedZoneName
	}
	return c.ParentHostedZoneName
}

// ExecuteAPIEndpointDisabled is API.DisableExecuteAPIEndpoint, or
// CustomDomains when unset.
func (c Config) ExecuteAPIEndpointDisabled() bool {
	if c.API.DisableExecuteAPIEndpoint != nil {
		return *c.API.DisableExecuteAPIEndpoint
	}
	return c.CustomDomains
}

// CertificateStack reports whether the environment needs the us-east-1
// certificate stack: custom domains, a hosted UI certificate to create, and
// a stack outside us-east-1.
func (c Config) CertificateStack() bool {
	return c.CustomDomains && c.Domains.HostedUICertificateARN == "" && c.Region != CertificateRegion
}

// CertificateRegion is where the hosted UI's certificate must be: CloudFront
// reads certificates from us-east-1 only.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
const CertificateRegion = "us-east-1"

// MachineClientScopes is ResourceServer.MachineClientScopes, or every scope name when empty.
func (c Config) MachineClientScopes() []string {
	if len(c.ResourceServer.MachineClientScopes) > 0 {
		return c.ResourceServer.MachineClientScopes
	}
	names := make([]string, len(c.ResourceServer.Scopes))
	for i, s := range c.ResourceServer.Scopes {
		names[i] = s.Name
	}
	return names
}

// APIRules returns API.Rules, or DefaultRules when none are configured.
func (c Config) APIRules() []rules.Rule {
	if len(c.API.Rules) > 0 {
		return c.API.Rules
	}
	return c.DefaultRules()
}

// DefaultRules are the API's access rules unless API.Rules replaces them
// (rules.Defaults, with API.AdminGroup, the resource server's client scope,
// and the proxy route when UpstreamURL is set).
func (c Config) DefaultRules() []rules.Rule {
	return rules.Defaults(c.API.AdminGroup, c.ResourceServerIdentifier()+"/client", c.API.UpstreamURL != "")
}
