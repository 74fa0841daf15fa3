// Package validate holds the syntax rules that both the config loader and the
// constructs apply to user input, so a value is judged the same way whether it
// comes from a config file or from Go code.
//
// Every function returns nil or an error whose text explains what is wrong with
// the value; callers prefix the field name.
package validate

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// MaxRedirectURLs is the number of callback (or logout) URLs Cognito accepts on
// one app client. Source:
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-CallbackURLs
const MaxRedirectURLs = 100

// RedirectURL checks a callback or logout URL against Cognito's rules for app
// clients: an absolute URI of at most 1024 characters without a fragment;
// https, or http only for localhost (testing), or a custom scheme for native
// apps (myapp://callback).
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
func RedirectURL(raw string) error {
	if raw == "" {
		return fmt.Errorf("must not be empty")
	}
	if len(raw) > 1024 {
		return fmt.Errorf("%q is %d characters long; Cognito allows at most 1024", abbreviate(raw), len(raw))
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a valid URL: %v", raw, err)
	}
	if u.Scheme == "" {
		return fmt.Errorf("%q is not an absolute URL (no scheme)", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("%q has a fragment (#...), which Cognito rejects", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Hostname() == "" {
			return fmt.Errorf("%q has no host", raw)
		}
	case "http":
		if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" && h != "::1" {
			return fmt.Errorf("%q uses http; Cognito allows http only for localhost, use https", raw)
		}
	case "javascript", "data", "file", "ftp", "ws", "wss":
		return fmt.Errorf("%q uses the %q scheme, which is not a valid redirect target", raw, u.Scheme)
	default:
		// A native app's custom scheme, e.g. app://auth/callback.
		if !customScheme.MatchString(u.Scheme) {
			return fmt.Errorf("%q has an invalid scheme %q", raw, u.Scheme)
		}
	}
	return nil
}

var customScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*$`)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// DomainName checks a fully qualified DNS name in lower case, without a
// trailing dot (auth.example.com): labels of 1-63 characters of a-z, 0-9 and
// inner hyphens, at most 253 characters in all, at least two labels.
func DomainName(name string) error {
	if name == "" {
		return fmt.Errorf("must not be empty")
	}
	if len(name) > 253 {
		return fmt.Errorf("%q is longer than 253 characters", abbreviate(name))
	}
	if name != strings.ToLower(name) {
		return fmt.Errorf("%q must be lower case", name)
	}
	labels := strings.Split(name, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q is not a fully qualified domain name", name)
	}
	for _, l := range labels {
		if !dnsLabel.MatchString(l) {
			return fmt.Errorf("%q has an invalid label %q", name, l)
		}
	}
	return nil
}

// InZone reports an error unless name is zone itself or a subdomain of it.
func InZone(name, zone string) error {
	if name == zone || strings.HasSuffix(name, "."+zone) {
		return nil
	}
	return fmt.Errorf("%q is not inside the hosted zone %q", name, zone)
}

var domainPrefix = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// CognitoDomainPrefix checks a hosted UI prefix domain: 1-63 characters of
// lower-case letters, digits and inner hyphens, without the reserved words
// aws, amazon or cognito.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-assign-domain-prefix.html
func CognitoDomainPrefix(p string) error {
	if !domainPrefix.MatchString(p) {
		return fmt.Errorf("%q must be 1-63 characters of a-z, 0-9 and inner hyphens", p)
	}
	for _, w := range []string{"aws", "amazon", "cognito"} {
		if strings.Contains(p, w) {
			return fmt.Errorf("%q contains the reserved word %q", p, w)
		}
	}
	return nil
}

var scopeName = regexp.MustCompile(`^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]{1,256}$`)

// ScopeName checks a resource-server scope name against Cognito's pattern
// (printable ASCII without space, '"', '/' or '\').
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html
func ScopeName(s string) error {
	if !scopeName.MatchString(s) {
		return fmt.Errorf("%q must be 1-256 printable ASCII characters without space, '\"', '/' or '\\'", s)
	}
	return nil
}

var groupName = regexp.MustCompile(`^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$`)

// GroupName checks a user-pool group name: 1-128 letters, marks, symbols,
// numbers or punctuation (no spaces).
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
func GroupName(s string) error {
	if !groupName.MatchString(s) {
		return fmt.Errorf("%q must be 1-128 characters without spaces", s)
	}
	return nil
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// Token lifetime limits of Cognito app clients, in minutes. Source:
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html#CognitoUserPools-CreateUserPoolClient-request-AccessTokenValidity
const (
	MinTokenMinutes        = 5
	MaxTokenMinutes        = 24 * 60
	MinRefreshTokenMinutes = 60
	MaxRefreshTokenMinutes = 3650 * 24 * 60
)

// TokenMinutes checks an access- or ID-token lifetime: 5 minutes to 1 day.
func TokenMinutes(m float64) error {
	if m < MinTokenMinutes || m > MaxTokenMinutes {
		return fmt.Errorf("%s minutes is outside Cognito's range of %d minutes to 1 day (%d minutes)", num(m), MinTokenMinutes, MaxTokenMinutes)
	}
	return nil
}

// RefreshTokenMinutes checks a refresh-token lifetime: 60 minutes to 10 years.
func RefreshTokenMinutes(m float64) error {
	if m < MinRefreshTokenMinutes || m > MaxRefreshTokenMinutes {
		return fmt.Errorf("%s minutes is outside Cognito's range of 60 minutes to 10 years (%d minutes)", num(m), MaxRefreshTokenMinutes)
	}
	return nil
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

var (
	resourceServerID   = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]{1,256}$`)
	resourceServerName = regexp.MustCompile(`^[\w\s+=,.@-]{1,256}$`)
	notNameChar        = regexp.MustCompile(`[^\w\s+=,.@-]+`)
)

// ResourceServerIdentifier checks a resource-server identifier: 1-256
// printable ASCII characters without space, '"' or '\' (a URL is fine).
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateResourceServer.html
func ResourceServerIdentifier(s string) error {
	if !resourceServerID.MatchString(s) {
		return fmt.Errorf("%q must be 1-256 printable ASCII characters without space, '\"' or '\\'", abbreviate(s))
	}
	return nil
}

// ResourceServerName checks a resource-server name: 1-256 characters of
// letters, digits, white space and + = , . @ - _ (same source).
func ResourceServerName(s string) error {
	if !resourceServerName.MatchString(s) {
		return fmt.Errorf("%q must be 1-256 characters of letters, digits, spaces and + = , . @ - _", abbreviate(s))
	}
	return nil
}

// ResourceServerNameFrom derives a valid resource-server name from an
// identifier: the URL scheme dropped, other disallowed characters turned into
// '-' (https://api.example.com/orders -> api.example.com-orders).
func ResourceServerNameFrom(identifier string) string {
	s := identifier
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	s = strings.Trim(notNameChar.ReplaceAllString(s, "-"), "-")
	if s == "" {
		return "resource-server"
	}
	return s
}

// HTTPSURL checks an endpoint authstack calls or proxies to: an absolute
// https:// URL with a host.
func HTTPSURL(s string) error {
	if u, err := url.Parse(s); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q must be an https:// URL", s)
	}
	return nil
}

// Lambda's memory range, in MB.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
const (
	MinLambdaMemoryMB = 128
	MaxLambdaMemoryMB = 10240
)

// LambdaMemory checks a function's memory size in MB.
func LambdaMemory(mb float64) error {
	if mb < MinLambdaMemoryMB || mb > MaxLambdaMemoryMB || mb != float64(int(mb)) {
		return fmt.Errorf("%v must be a whole number between %d and %d", mb, MinLambdaMemoryMB, MaxLambdaMemoryMB)
	}
	return nil
}

// MaxResourceServerScopes is the number of custom scopes Cognito allows on
// one resource server.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
const MaxResourceServerScopes = 100

// ScopeCount checks the number of scopes of a resource server: 1 to
// MaxResourceServerScopes.
func ScopeCount(n int) error {
	if n < 1 || n > MaxResourceServerScopes {
		return fmt.Errorf("%d scopes; Cognito allows 1 to %d per resource server", n, MaxResourceServerScopes)
	}
	return nil
}

// Password lengths: authstack's floor (the reference design's policy: 8
// characters with upper case, lower case and digits) and Cognito's ceiling.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
const (
	MinPasswordLength = 8
	MaxPasswordLength = 99
)

// PasswordMinLength checks a pool's minimum password length.
func PasswordMinLength(n float64) error {
	if n < MinPasswordLength || n > MaxPasswordLength || n != float64(int(n)) {
		return fmt.Errorf("%v must be a whole number between %d and %d", n, MinPasswordLength, MaxPasswordLength)
	}
	return nil
}

// Stage throttling limits authstack accepts (API Gateway's account-level
// defaults are 10,000 requests per second and a burst of 5,000).
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html
const (
	MaxThrottlingRate  = 10000
	MaxThrottlingBurst = 5000
)

// ThrottlingRate checks a stage's steady-state rate, requests per second.
func ThrottlingRate(r float64) error {
	if r <= 0 || r > MaxThrottlingRate {
		return fmt.Errorf("%v must be greater than 0 and at most %d requests per second", r, MaxThrottlingRate)
	}
	return nil
}

// ThrottlingBurst checks a stage's burst, in requests.
func ThrottlingBurst(b float64) error {
	if b < 1 || b > MaxThrottlingBurst || b != float64(int(b)) {
		return fmt.Errorf("%v must be a whole number between 1 and %d", b, MaxThrottlingBurst)
	}
	return nil
}

// MaxGroupPrecedence is the largest precedence of a user-pool group (2^31-1).
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html
const MaxGroupPrecedence = 1<<31 - 1

// GroupPrecedence checks a group's precedence: a whole number, 0 to MaxGroupPrecedence.
func GroupPrecedence(p float64) error {
	if p < 0 || p > MaxGroupPrecedence || p != float64(int64(p)) {
		return fmt.Errorf("%v must be a whole number between 0 and %d", p, MaxGroupPrecedence)
	}
	return nil
}

// GroupConstructID is the construct id of a group in constructs/groups (a
// "/" is not allowed in ids), and GroupRoleID that of its role.
func GroupConstructID(name string) string { return strings.ReplaceAll(name, "/", "_") }

// GroupRoleID is the construct id of the role created for group name.
func GroupRoleID(name string) string { return GroupConstructID(name) + "Role" }

// GroupIDs checks that groups (with a created role where roles[i]) get
// distinct construct ids: "a/b" and "a_b" collide, and so do a group
// "staff" with a role and a group "staffRole".
func GroupIDs(names []string, roles []bool) error {
	owner := map[string]string{}
	for i, n := range names {
		ids := []string{GroupConstructID(n)}
		if i < len(roles) && roles[i] {
			ids = append(ids, GroupRoleID(n))
		}
		for _, id := range ids {
			if other, ok := owner[id]; ok && other != n {
				return fmt.Errorf("groups %q and %q both need the construct id %q; rename one", other, n, id)
			}
			owner[id] = n
		}
	}
	return nil
}

// SecretCompleteARN checks a Secrets Manager secret ARN with the six
// random characters Secrets Manager appends to the name (what
// secretsmanager.Secret_FromSecretCompleteArn requires).
// Source: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html
func SecretCompleteARN(arn string) error {
	if !secretCompleteARN.MatchString(arn) {
		return fmt.Errorf("%q is not a complete Secrets Manager secret ARN (arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX)", arn)
	}
	return nil
}

var secretCompleteARN = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$`)

// MaxAuthorizerCacheSeconds is API Gateway's longest authorizer cache.
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
const MaxAuthorizerCacheSeconds = 3600

// AuthorizerCacheSeconds checks an authorizer cache TTL: 0 to 3600 seconds.
func AuthorizerCacheSeconds(s float64) error {
	if s < 0 || s > MaxAuthorizerCacheSeconds {
		return fmt.Errorf("%v seconds; API Gateway caches 0 to %d", s, MaxAuthorizerCacheSeconds)
	}
	return nil
}

// MaxScopeDescriptionLength is the longest resource-server scope description.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ResourceServerScopeType.html
const MaxScopeDescriptionLength = 256

// ScopeDescription checks a scope's description: 1 to 256 characters.
func ScopeDescription(d string) error {
	if n := len([]rune(d)); n < 1 || n > MaxScopeDescriptionLength {
		return fmt.Errorf("is %d characters; Cognito allows 1 to %d", n, MaxScopeDescriptionLength)
	}
	return nil
}
