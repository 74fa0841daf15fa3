package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// MaxEnvBytes is Lambda's limit on a function's environment variables, in
// aggregate: 4 KB, measured as the JSON object of every name and value (the
// InvalidParameterValueException says "exceeded the 4KB limit. String
// measured: {...}"). Not adjustable.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const MaxEnvBytes = 4096

// Longest values CloudFormation can fill in at deploy time (counted at
// their maximum, since synth cannot know them).
const (
	// MaxStackNameLen: a stack name has at most 128 characters.
	// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
	MaxStackNameLen = 128
	// MaxIssuerLen: https://cognito-idp.REGION.amazonaws.com.cn/POOL_ID with a
	// pool id of at most 55 characters (API_UserPoolType Id) and a region name
	// of at most 25.
	MaxIssuerLen = len("https://cognito-idp.") + 25 + len(".amazonaws.com.cn/") + 55
	// MaxClientIDLen: an app client id has at most 128 characters (API_UserPoolClientType).
	MaxClientIDLen = 128
	// MaxTableNameLen: a DynamoDB table name has at most 255 characters.
	MaxTableNameLen = 255
	// MaxTopicARNLen: an SNS topic name has at most 256 characters, plus its ARN prefix.
	MaxTopicARNLen = len("arn:aws-us-gov:sns:us-gov-west-1:123456789012:") + 256
	// MaxSecretARNLen: a Secrets Manager secret name has at most 512
	// characters, plus the ARN prefix and the 7-character random suffix.
	MaxSecretARNLen = len("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:") + 512 + 7
	// MaxHostedUIURLLen: https:// and a domain name of at most 253 characters.
	MaxHostedUIURLLen = len("https://") + 253
	// MaxFunctionARNLen: a function name has at most 64 characters, a
	// qualifier (version or alias) at most 128, plus the ARN prefix.
	// Source: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
	MaxFunctionARNLen = len("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:") + 64 + 1 + 128
)

// MaxBrandLength is the longest app name and environment name together
// that keeps every custom message SMS text within Cognito's 140 characters
// (the custommessage package's test proves its templates do).
const MaxBrandLength = 64

// CheckBrand checks that an app name and an environment name fit
// MaxBrandLength together.
func CheckBrand(appName, environment string) error {
	if n := len(appName) + len(environment); n > MaxBrandLength {
		return fmt.Errorf("%d characters together; at most %d keep every SMS text within Cognito's 140", n, MaxBrandLength)
	}
	return nil
}

// TriggerFunctions describes the trigger functions authstack creates, in
// plain values, so the triggers construct and config validation compute the
// same environments.
type TriggerFunctions struct {
	PreSignUp                 bool // authstack's pre sign-up function
	DenyDomains, AllowDomains []string
	PreSignUpHook             bool
	UserEvents                bool // authstack's user-events function
	Publish                   bool
	UserEventsHook            bool
	CustomMessage             bool // authstack's custom message function
	AppName, Environment      string
	Production                bool
	SendingAccount            string
	Claims                    string // token-claim rules as JSON; "" for no pre token generation function
	Migration                 bool   // authstack's migration function
	MigrationEndpoint         string
}

// Envs are the environments of the functions f describes, by function name.
func (f TriggerFunctions) Envs() map[string]Env {
	out := map[string]Env{}
	if f.PreSignUp {
		out["pre sign-up"] = PreSignUpEnv(f.DenyDomains, f.AllowDomains, f.PreSignUpHook)
	}
	if f.UserEvents {
		out["user events"] = UserEventsEnv(f.Publish, f.UserEventsHook)
	}
	if f.CustomMessage {
		out["custom message"] = CustomMessageEnv(f.AppName, f.Environment, f.Production, f.SendingAccount)
	}
	if f.Claims != "" {
		out["pre token generation"] = PreTokenGenerationEnv(f.Claims)
	}
	if f.Migration {
		out["user migration"] = MigrationEnv(f.MigrationEndpoint)
	}
	return out
}

// CheckAll checks every environment against Lambda's budget, one error per
// function that can overflow, in name order.
func CheckAll(envs map[string]Env) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(envs)) {
		if err := envs[name].Check(name); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Env is a function's environment as synth knows it: literal values, and
// values CloudFormation fills in at deploy time (tokens), by their longest
// length.
type Env struct {
	// Vars are the literal variables.
	Vars map[string]string
	// Deployed maps each deploy-time variable to the longest value it can take.
	Deployed map[string]int
}

// Names lists every variable of e, sorted.
func (e Env) Names() []string {
	names := slices.Collect(maps.Keys(e.Vars))
	for n := range e.Deployed {
		names = append(names, n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Size is the environment's size as Lambda measures it: the JSON object of
// every name and value, deploy-time values at their longest.
func (e Env) Size() int {
	all := map[string]string{}
	for n, v := range e.Vars {
		all[n] = v
	}
	for n, max := range e.Deployed {
		all[n] = strings.Repeat("x", max)
	}
	return jsonLen(all)
}

// jsonLen is the length of v in JSON without HTML escaping (json.Marshal
// would write <, > and & as six bytes each).
func jsonLen(v interface{}) int {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return buf.Len() - 1 // Encode adds a newline
}

// Check fails when the environment of function can exceed MaxEnvBytes,
// naming the largest variables.
func (e Env) Check(function string) error {
	size := e.Size()
	if size <= MaxEnvBytes {
		return nil
	}
	type item struct {
		name string
		size int
	}
	var items []item
	for n, v := range e.Vars {
		items = append(items, item{n, len(n) + jsonLen(v)})
	}
	for n, max := range e.Deployed {
		items = append(items, item{n, len(n) + max + 2})
	}
	slices.SortFunc(items, func(a, b item) int { return b.size - a.size })
	var largest []string
	for _, it := range items[:min(3, len(items))] {
		largest = append(largest, it.name+" "+strconv.Itoa(it.size)+" bytes")
	}
	return fmt.Errorf("the %s function's environment needs up to %d bytes; Lambda allows %d (4 KB) for all variables together (largest: %s)",
		function, size, MaxEnvBytes, strings.Join(largest, ", "))
}

func base(vars map[string]string) Env {
	return Env{Vars: vars, Deployed: map[string]int{EnvStack: MaxStackNameLen}}
}

// PreSignUpEnv is the pre sign-up function's environment; hook says a
// hook function is set.
func PreSignUpEnv(deny, allow []string, hook bool) Env {
	return withHook(base(map[string]string{EnvDenyDomains: strings.Join(deny, ","), EnvAllowDomains: strings.Join(allow, ",")}), hook)
}

// UserEventsEnv is the user-events function's environment; hook says a
// hook function is set.
func UserEventsEnv(publish, hook bool) Env {
	e := base(map[string]string{EnvPublishUserEvents: strconv.FormatBool(publish)})
	e.Deployed[EnvUserEventsTopicARN] = MaxTopicARNLen
	e.Deployed[EnvEventIDTable] = MaxTableNameLen
	return withHook(e, hook)
}

func withHook(e Env, hook bool) Env {
	if hook {
		e.Deployed[EnvHookFunction] = MaxFunctionARNLen
	}
	return e
}

// CustomMessageEnv is the custom message function's environment;
// sendingAccount is EmailCognitoDefault or EmailDeveloper.
func CustomMessageEnv(appName, environment string, production bool, sendingAccount string) Env {
	return base(map[string]string{
		EnvAppName: appName, EnvEnvironment: environment, EnvProduction: strconv.FormatBool(production),
		EnvEmailSendingAccount: sendingAccount,
	})
}

// PreTokenGenerationEnv is the pre token generation function's environment;
// claims is the JSON of the token-claim rules.
func PreTokenGenerationEnv(claims string) Env {
	return base(map[string]string{EnvClaims: claims})
}

// MigrationEnv is the user migration function's environment.
func MigrationEnv(endpoint string) Env {
	e := base(map[string]string{EnvMigrationEndpoint: endpoint})
	e.Deployed[EnvMigrationSecretARN] = MaxSecretARNLen
	return e
}

// verifierEnv is what both API functions need to verify tokens of clients
// app clients (each id filled in at deploy time).
func verifierEnv(vars map[string]string, clients int, jwksURL string) Env {
	e := base(vars)
	e.Deployed[EnvIssuer] = MaxIssuerLen
	e.Deployed[EnvClientIDs] = clients*(MaxClientIDLen+1) - 1
	e.Deployed[EnvDenyListTable] = MaxTableNameLen
	if jwksURL != "" {
		e.Vars[EnvJWKSURL] = jwksURL
	}
	return e
}

// AuthorizerEnv is the API authorizer's environment: rules is the JSON of
// the access rules; clients the number of accepted app clients; jwksURL a
// literal key set URL, or "" when there is none (a deploy-time one is added
// to Deployed by the caller).
func AuthorizerEnv(rules string, clients int, jwksURL string) Env {
	return verifierEnv(map[string]string{EnvRules: rules}, clients, jwksURL)
}

// APIHandlerEnv is the API handler's environment; hostedUI says whether
// the hosted UI's base URL (deploy-time) is set.
func APIHandlerEnv(adminGroup string, denyListTTLSeconds int, clients int, jwksURL string, hostedUI bool) Env {
	e := verifierEnv(map[string]string{EnvAdminGroup: adminGroup, EnvDenyListTTLSeconds: strconv.Itoa(denyListTTLSeconds)}, clients, jwksURL)
	if hostedUI {
		e.Deployed[EnvHostedUIURL] = MaxHostedUIURLLen
	}
	return e
}
