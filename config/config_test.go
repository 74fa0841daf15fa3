package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authstack/authstack/rules"
)

// referenceFile is the shape of the reference design's parameter files.
type referenceFile struct {
	Parameters map[string]string `json:"Parameters"`
	Tags       map[string]string `json:"Tags"`
}

func TestReferenceReproducesTheReferenceParameterFiles(t *testing.T) {
	// GIVEN the reference design's parameter files
	files, err := filepath.Glob("testdata/reference/*.json")
	if err != nil || len(files) != 3 {
		t.Fatalf("want 3 reference files, got %v (%v)", files, err)
	}
	// WHEN the embedded configuration is loaded
	envs := Reference()
	if got, want := names(envs), "development,test,production"; got != want {
		t.Fatalf("environments = %s; want %s", got, want)
	}
	// THEN every parameter and tag is reproduced
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ref referenceFile
		if err := json.Unmarshal(data, &ref); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		p := ref.Parameters
		c, err := Select(envs, p["pEnvironment"])
		if err != nil {
			t.Fatal(err)
		}
		client := func(name string) AppClient {
			for _, ac := range c.AppClients {
				if ac.Name == name {
					return ac
				}
			}
			t.Fatalf("%s: no %s client", c.Environment, name)
			return AppClient{}
		}
		checks := []struct{ field, got, want string }{
			{"appName", c.AppName, p["pAppName"]},
			{"parentHostedZoneName", c.ParentHostedZoneName, p["pParentHostedZoneName"]},
			{"authDomainName", c.AuthDomainName, p["pAuthDomainName"]},
			{"apiDomainName", c.APIDomainName, p["pApiDomainName"]},
			// The reference's Android URLs are on its hosted UI domain, where
			// Cognito answers every path once the domain is live (an app link
			// there cannot be verified: Cognito serves no assetlinks.json), so
			// authstack moves them to the web domain, same paths under /auth/android.
			{"android callback", client("android").CallbackURLs[0], onWebDomain(p["pAndroidAppClientCallbackURL"], p["pAuthDomainName"], "/auth/android/callback")},
			{"android logout", client("android").LogoutURLs[0], onWebDomain(p["pAndroidAppClientLogoutURL"], p["pAuthDomainName"], "/auth/android/logout")},
			{"ios callback", client("ios").CallbackURLs[0], p["pIosAppClientCallbackURL"]},
			{"ios logout", client("ios").LogoutURLs[0], p["pIosAppClientLogoutURL"]},
			{"logLevel", c.LogLevel, p["pLogLevel"]},
			{"publishUserEvents", boolString(c.PublishUserEvents), p["pPublishUserEvents"]},
			{"group", c.Groups[0].Name, p["pAppName"] + "-" + p["pEnvironment"] + "-public-app-user"},
			{"admin group", c.API.AdminGroup, p["pAppName"] + "-" + p["pEnvironment"] + "-admin"},
			{"resource server", c.ResourceServerIdentifier(), p["pApiDomainName"]},
		}
		for _, ch := range checks {
			if ch.got != ch.want {
				t.Errorf("%s: %s = %q; want %q", c.Environment, ch.field, ch.got, ch.want)
			}
		}
		if len(c.Tags) != len(ref.Tags) {
			t.Errorf("%s: tags = %v; want %v", c.Environment, c.Tags, ref.Tags)
		}
		for k, v := range ref.Tags {
			if c.Tags[k] != v {
				t.Errorf("%s: tags[%q] = %q; want %q", c.Environment, k, c.Tags[k], v)
			}
		}
	}
}

func TestParseLayersBaseDefaultsAndEnvironment(t *testing.T) {
	// GIVEN a file whose defaults set a tag and token validity, and two environments
	doc := `
defaults:
  tags: {team: identity}
  tokens: {accessTokenValidityMinutes: 10}
environments:
  prod:
    appName: shop
    parentHostedZoneName: example.com
    authDomainName: auth.example.com
    apiDomainName: api.example.com
    appClients: [{name: web, callbackUrls: ["https://example.com/cb"]}]
    groups: [{name: admins}]
    api: {adminGroup: admins}
    tags: {environment: prod}
    tokens: {idTokenValidityMinutes: 20}
  dev:
    appName: shop
    parentHostedZoneName: dev.example.com
    authDomainName: auth.dev.example.com
    apiDomainName: api.dev.example.com
    appClients: [{name: web, callbackUrls: ["http://localhost:8080/cb"]}]
    groups: [{name: admins}]
    api: {adminGroup: admins}
`
	// WHEN it is parsed
	envs, err := Parse([]byte(doc), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// THEN document order is kept, maps merge, scalars overlay, Base fills the rest
	if got := names(envs); got != "prod,dev" {
		t.Fatalf("order = %s; want prod,dev", got)
	}
	prod := envs[0]
	if prod.Tags["team"] != "identity" || prod.Tags["environment"] != "prod" {
		t.Errorf("prod tags = %v; want team and environment merged", prod.Tags)
	}
	if _, ok := envs[1].Tags["environment"]; ok {
		t.Errorf("dev tags = %v; prod's tag leaked into dev", envs[1].Tags)
	}
	if prod.Tokens.AccessTokenValidityMinutes != 10 || prod.Tokens.IDTokenValidityMinutes != 20 || prod.Tokens.RefreshTokenValidityDays != 30 {
		t.Errorf("prod tokens = %+v; want access 10 (defaults), id 20 (env), refresh 30 (base)", prod.Tokens)
	}
	if envs[1].Tokens.IDTokenValidityMinutes != 15 {
		t.Errorf("dev id token = %d; want base 15", envs[1].Tokens.IDTokenValidityMinutes)
	}
	if prod.StackName() != "shop-prod" || prod.DomainPrefix() != "shop-prod" {
		t.Errorf("names = %s, %s", prod.StackName(), prod.DomainPrefix())
	}
	if got := strings.Join(prod.MachineClientScopes(), ","); got != "client" {
		t.Errorf("machine scopes = %s; want client", got)
	}
}

func TestParseJSON(t *testing.T) {
	doc := `{"environments": {"qa": {"appName": "shop", "parentHostedZoneName": "example.com",
	  "authDomainName": "auth.example.com", "apiDomainName": "api.example.com",
	  "appClients": [{"name": "web", "callbackUrls": ["https://example.com/cb"]}],
	  "groups": [{"name": "admins"}], "api": {"adminGroup": "admins"}}}}`
	envs, err := Parse([]byte(doc), "c.json")
	if err != nil {
		t.Fatal(err)
	}
	if envs[0].Environment != "qa" || envs[0].AppName != "shop" {
		t.Errorf("got %+v", envs[0])
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(path, referenceYAML, 0o600); err != nil {
		t.Fatal(err)
	}
	envs, err := LoadFile(path)
	if err != nil || len(envs) != 3 {
		t.Fatalf("LoadFile = %d envs, %v; want 3, nil", len(envs), err)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("LoadFile(missing) error = %v; want one naming the file", err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"unknown field", "environments:\n  dev:\n    appNmae: x\n", "field appNmae not found"},
		{"wrong type", "environments:\n  dev:\n    logRetentionDays: ninety\n", "ninety"},
		{"no environments", "defaults: {region: eu-west-1}\n", "at least one environment"},
		{"not yaml", "environments: [\n", "yaml"},
		{"environment field", "environments:\n  dev:\n    environment: prod\n", "field environment not found"},
		{"invalid env", "environments:\n  dev:\n    appName: \"\"\n", "environments.dev: appName: \"\""},
		{"same stack name", "environments:\n  c:\n" + validEnv("a-b") + "  b-c:\n" + validEnv("a"), `both give the stack name "a-b-c"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.doc), "bad.yaml")
			if err == nil {
				t.Fatalf("Parse = nil; want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("Parse error = %q; want it to name bad.yaml and contain %q", err, tc.want)
			}
		})
	}
}

func validEnv(app string) string {
	return "    appName: " + app + "\n    parentHostedZoneName: example.com\n    authDomainName: auth.example.com\n" +
		"    apiDomainName: api.example.com\n    appClients: [{name: web, callbackUrls: [\"https://example.com/cb\"]}]\n" +
		"    groups: [{name: admins}]\n    api: {adminGroup: admins}\n"
}

func TestSelect(t *testing.T) {
	envs := Reference()
	c, err := Select(envs, "test")
	if err != nil || c.Environment != "test" {
		t.Fatalf("Select(test) = %s, %v", c.Environment, err)
	}
	_, err = Select(envs, "staging")
	if err == nil || !strings.Contains(err.Error(), `unknown environment "staging"`) || !strings.Contains(err.Error(), "development, test, production") {
		t.Errorf("Select(staging) error = %v; want it to name the environment and the known ones", err)
	}
}

func TestValidateRejectsBadValues(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Config)
		want   string // substring naming the field and the value
	}{
		{"empty app name", func(c *Config) { c.AppName = "" }, `appName: ""`},
		{"app name upper", func(c *Config) { c.AppName = "Auth" }, `appName: "Auth"`},
		{"bad environment name", func(c *Config) { c.Environment = "Prod!" }, `environment: "Prod!"`},
		{"bad account", func(c *Config) { c.Account = "12345" }, `account: "12345"`},
		{"bad region", func(c *Config) { c.Region = "europe" }, `region: "europe"`},
		{"bad zone", func(c *Config) { c.ParentHostedZoneName = "not a zone" }, `parentHostedZoneName: "not a zone"`},
		{"auth domain outside zone", func(c *Config) { c.AuthDomainName = "auth.other.com" }, `authDomainName: "auth.other.com" is not inside`},
		{"bad api domain", func(c *Config) { c.APIDomainName = "API..x" }, `apiDomainName: "API..x"`},
		{"bad log level", func(c *Config) { c.LogLevel = "VERBOSE" }, `logLevel: "VERBOSE"`},
		{"bad retention", func(c *Config) { c.LogRetentionDays = 42 }, `logRetentionDays: 42`},
		{"noncurrent versions kept 0 days", func(c *Config) { c.IdentityPool.NoncurrentVersionExpirationDays = 0 }, `identityPool.noncurrentVersionExpirationDays: 0 must be at least 1`},
		{"aws tag", func(c *Config) { c.Tags = map[string]string{"aws:x": "y"} }, `tags: key "aws:x"`},
		{"long tag value", func(c *Config) { c.Tags = map[string]string{"k": strings.Repeat("v", 257)} }, `tags.k: value is 257`},
		{"feature plan", func(c *Config) { c.UserPool.FeaturePlan = "GOLD" }, `userPool.featurePlan: "GOLD"`},
		{"mfa", func(c *Config) { c.UserPool.MFA = "SOMETIMES" }, `userPool.mfa: "SOMETIMES"`},
		{"short password", func(c *Config) { c.UserPool.Password.MinLength = 6 }, `userPool.password.minLength: 6`},
		{"temp password", func(c *Config) { c.UserPool.Password.TemporaryPasswordValidityDays = 0 }, `temporaryPasswordValidityDays: 0`},
		{"unknown attribute", func(c *Config) { c.UserPool.Attributes = append(c.UserPool.Attributes, Attribute{Name: "shoe_size"}) }, `userPool.attributes[3].name: "shoe_size"`},
		{"duplicate attribute", func(c *Config) { c.UserPool.Attributes = append(c.UserPool.Attributes, Attribute{Name: "name"}) }, `"name" is listed twice`},
		{"email optional", func(c *Config) { c.UserPool.Attributes[1].Required = false }, `userPool.attributes[1].required: email`},
		{"no email", func(c *Config) { c.UserPool.Attributes = []Attribute{{Name: "name"}} }, `userPool.attributes: email`},
		{"custom attr name", func(c *Config) { c.UserPool.CustomAttributes = []CustomAttribute{{Name: "custom:tenant"}} }, `customAttributes[0].name: "custom:tenant"`},
		{"custom attr type", func(c *Config) { c.UserPool.CustomAttributes = []CustomAttribute{{Name: "tenant", Type: "Date"}} }, `customAttributes[0].type: "Date"`},
		{"custom attr lengths", func(c *Config) {
			c.UserPool.CustomAttributes = []CustomAttribute{{Name: "t", MinLength: 5, MaxLength: 2}}
		}, `customAttributes[0]: minLength 5`},
		{"access token short", func(c *Config) { c.Tokens.AccessTokenValidityMinutes = 4 }, `tokens.accessTokenValidityMinutes: 4 minutes`},
		{"id token long", func(c *Config) { c.Tokens.IDTokenValidityMinutes = 1441 }, `tokens.idTokenValidityMinutes: 1441 minutes`},
		{"machine token", func(c *Config) { c.Tokens.MachineAccessTokenValidityMinutes = 0 }, `tokens.machineAccessTokenValidityMinutes: 0`},
		{"refresh token", func(c *Config) { c.Tokens.RefreshTokenValidityDays = 3651 }, `tokens.refreshTokenValidityDays: 3651 days`},
		{"domain prefix", func(c *Config) {
			c.CustomDomains, c.HostedUI.DomainPrefix = false, "my-cognito"
		}, `hostedUi.domainPrefix: "my-cognito" contains the reserved word "cognito"`},
		{"domain prefix with custom domains", func(c *Config) { c.HostedUI.DomainPrefix = "mine" }, `hostedUi.domainPrefix: "mine" is set, but with customDomains`},
		{"managed login version", func(c *Config) { c.HostedUI.ManagedLoginVersion = 3 }, `hostedUi.managedLoginVersion: 3 must be 2 (managed login) or 1`},
		{"no auth domain", func(c *Config) { c.AuthDomainName = "" }, `authDomainName: required with customDomains (the hosted UI's domain); or set customDomains: false`},
		{"no parent zone", func(c *Config) { c.ParentHostedZoneName = "" }, `parentHostedZoneName: required with customDomains`},
		{"auth domain outside the zone", func(c *Config) { c.AuthDomainName = "auth.example.org" }, `authDomainName: "auth.example.org" is not inside the hosted zone "dev.website-test.info" (parentHostedZoneName)`},
		{"auth domain is the zone", func(c *Config) { c.AuthDomainName = c.ParentHostedZoneName }, `authDomainName: "dev.website-test.info" is the parent zone itself`},
		{"one domain for both", func(c *Config) { c.APIDomainName = c.AuthDomainName }, `apiDomainName: "auth.dev.website-test.info" is also authDomainName`},
		{"nested created zones", func(c *Config) { c.APIDomainName = "api." + c.AuthDomainName }, `apiDomainName: "api.auth.dev.website-test.info" and authDomainName "auth.dev.website-test.info" are nested`},
		{"zone id", func(c *Config) { c.Domains.HostedZoneID = "/hostedzone/Z123" }, `domains.hostedZoneId: "/hostedzone/Z123" is not a Route 53 hosted zone id`},
		{"zone name without id", func(c *Config) { c.Domains.HostedZoneName = "website-test.info" }, `domains.hostedZoneName: "website-test.info" is set without domains.hostedZoneId`},
		{"domain outside the existing zone", func(c *Config) {
			c.Domains.HostedZoneID, c.Domains.HostedZoneName = "Z0123456789ABC", "other.website-test.info"
		}, `authDomainName: "auth.dev.website-test.info" is not inside the hosted zone "other.website-test.info" (domains.hostedZoneName)`},
		{"hosted UI certificate region", func(c *Config) {
			c.Domains.HostedUICertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
		}, `domains.hostedUiCertificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000" is in eu-west-1; it must be in us-east-1`},
		{"API certificate region", func(c *Config) {
			c.Domains.APICertificateARN = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
		}, `domains.apiCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000" is in us-east-1; it must be in eu-west-1`},
		{"certificate of another account", func(c *Config) {
			c.Account = "111111111111"
			c.Domains.APICertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
		}, `belongs to account 123456789012, not the stack's account 111111111111`},
		{"certificate not an ARN", func(c *Config) { c.Domains.APICertificateARN = "my-cert" }, `domains.apiCertificateArn: "my-cert" is not an ACM certificate ARN`},
		{"domains without custom domains", func(c *Config) {
			c.CustomDomains = false
			c.Domains.APICertificateARN = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
		}, `domains: is set, but customDomains is false`},
		{"execute-api disabled without a domain", func(c *Config) {
			c.CustomDomains = false
			c.API.DisableExecuteAPIEndpoint = ptr(true)
		}, `api.disableExecuteApiEndpoint: true needs customDomains`},
		{"no resource server identifier", func(c *Config) { c.CustomDomains, c.APIDomainName = false, "" }, `resourceServer.identifier: required when apiDomainName is not set`},
		// Managed login's endpoints: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
		{"callback to managed login", func(c *Config) {
			c.AppClients[2].CallbackURLs = []string{"https://auth.dev.website-test.info/oauth2/authorize?x=1"}
		}, `appClients[2].callbackUrls[0]: "https://auth.dev.website-test.info/oauth2/authorize?x=1" is on authDomainName, where Cognito answers every path`},
		{"callback to the reference's Android path on the auth domain", func(c *Config) {
			c.AppClients[0].CallbackURLs = []string{"https://auth.dev.website-test.info/auth/callback"}
		}, `appClients[0].callbackUrls[0]: "https://auth.dev.website-test.info/auth/callback" is on authDomainName, where Cognito answers every path: the authorization code would never reach your app`},
		{"logout to managed login in another case", func(c *Config) {
			c.AppClients[2].LogoutURLs = []string{"https://AUTH.dev.website-test.info/Logout"}
		}, `appClients[2].logoutUrls[0]: "https://AUTH.dev.website-test.info/Logout" is on authDomainName, where Cognito answers every path; a logout URL there can only be its sign-in page`},
		{"callback to a missing API route", func(c *Config) {
			c.AppClients[2].CallbackURLs = []string{"https://api.dev.website-test.info/callback"}
		}, `"https://api.dev.website-test.info/callback" is on apiDomainName, but the API has no GET route for /callback`},
		{"callback under a created zone", func(c *Config) {
			c.AppClients[2].CallbackURLs = []string{"https://www.auth.dev.website-test.info/cb"}
		}, `"https://www.auth.dev.website-test.info/cb" is inside a zone authstack creates`},
		{"no clients", func(c *Config) { c.AppClients = nil }, `appClients: at least one`},
		{"duplicate client", func(c *Config) { c.AppClients[1].Name = "android" }, `appClients[1].name: "android" is listed twice`},
		{"no callback", func(c *Config) { c.AppClients[0].CallbackURLs = nil }, `appClients[0].callbackUrls: at least one`},
		{"http callback", func(c *Config) { c.AppClients[0].CallbackURLs = []string{"http://example.com/cb"} }, `appClients[0].callbackUrls[0]: "http://example.com/cb" uses http`},
		{"fragment logout", func(c *Config) { c.AppClients[2].LogoutURLs = []string{"https://x.com/#a"} }, `appClients[2].logoutUrls[0]: "https://x.com/#a" has a fragment`},
		{"too many callbacks", func(c *Config) {
			c.AppClients[0].CallbackURLs = make([]string, 101)
			for i := range c.AppClients[0].CallbackURLs {
				c.AppClients[0].CallbackURLs[i] = "https://example.com/cb"
			}
		}, `appClients[0].callbackUrls: 101 URLs`},
		{"resource server id", func(c *Config) { c.ResourceServer.Identifier = "has space" }, `resourceServer.identifier: "has space" must be 1-256 printable ASCII`},
		{"no scopes", func(c *Config) { c.ResourceServer.Scopes = nil }, `resourceServer.scopes: at least one`},
		{"bad scope", func(c *Config) { c.ResourceServer.Scopes = []Scope{{Name: "a/b"}} }, `resourceServer.scopes[0].name: "a/b"`},
		{"duplicate scope", func(c *Config) { c.ResourceServer.Scopes = []Scope{{Name: "a"}, {Name: "a"}} }, `resourceServer.scopes[1].name: "a" is listed twice`},
		{"machine scope unknown", func(c *Config) { c.ResourceServer.MachineClientScopes = []string{"admin"} }, `machineClientScopes[0]: "admin" is not a scope`},
		{"duplicate group", func(c *Config) { c.Groups = append(c.Groups, c.Groups[0]) }, `groups[2].name: duplicate group "authdev-development-public-app-user"`},
		{"group name space", func(c *Config) { c.Groups[0].Name = "two words" }, `groups[0].name: "two words"`},
		{"deny domain", func(c *Config) { c.Triggers.DenyDomains = []string{"Bad Domain"} }, `triggers.denyDomains[0]: "Bad Domain"`},
		{"allow domain", func(c *Config) { c.Triggers.AllowDomains = []string{"x"} }, `triggers.allowDomains[0]: "x" is not a fully qualified`},
		{"reserved claim", func(c *Config) { c.Triggers.TokenClaims.AttributeClaims = map[string]string{"sub": "custom:x"} }, `triggers.tokenClaims: claims: claim "sub" cannot be added`},
		{"claims on lite", func(c *Config) {
			c.UserPool.FeaturePlan = "LITE"
			c.Triggers.TokenClaims.RolesClaim = "roles"
		}, `triggers.tokenClaims: pre token generation for access tokens needs the ESSENTIALS or PLUS`},
		{"migration endpoint", func(c *Config) {
			c.Triggers.Migration = Migration{Enabled: true, Endpoint: "http://legacy", SecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy-AbCdEf"}
		}, `triggers.migration.endpoint: "http://legacy" must be an https:// URL`},
		{"migration secret", func(c *Config) {
			c.Triggers.Migration = Migration{Enabled: true, Endpoint: "https://legacy.example.com", SecretARN: "legacy"}
		}, `triggers.migration.secretArn: "legacy" is not a complete Secrets Manager secret ARN`},
		{"memory", func(c *Config) { c.Triggers.MemoryMB = 64 }, `triggers.memoryMb: 64 must be a whole number between 128 and 10240`},
		{"alarm email", func(c *Config) { c.Monitoring.AlarmEmails = []string{"ops at example"} }, `monitoring.alarmEmails[0]: "ops at example"`},
		{"admin group", func(c *Config) { c.API.AdminGroup = "nobody" }, `api.adminGroup: "nobody" is not one of the groups`},
		{"upstream", func(c *Config) { c.API.UpstreamURL = "http://backend" }, `api.upstreamUrl: "http://backend" must be an https:// URL`},
		{"bad rule", func(c *Config) { c.API.Rules = []rules.Rule{{Method: "FETCH", Path: "/x"}} }, `api.rules: rules[0] (FETCH /x): method "FETCH"`},
		{"throttling", func(c *Config) { c.API.ThrottlingRateLimit = 0 }, `api.throttlingRateLimit: 0`},
		{"burst", func(c *Config) { c.API.ThrottlingBurstLimit = 9999 }, `api.throttlingBurstLimit: 9999`},
		{"authorizer cache", func(c *Config) { c.API.AuthorizerCacheSeconds = 7200 }, `api.authorizerCacheSeconds: 7200`},
		{"group precedence", func(c *Config) { c.Groups[0].Precedence = -1 }, `groups[0].precedence: -1`},
		{"reserved claim in another case", func(c *Config) { c.Triggers.TokenClaims.AttributeClaims = map[string]string{"Sub": "custom:x"} }, `claim "Sub" cannot be added`},
		{"cognito-prefixed claim", func(c *Config) { c.Triggers.TokenClaims.RolesClaim = "cognito:roles" }, `claim "cognito:roles" cannot be added`},
		{"dev-prefixed claim", func(c *Config) { c.Triggers.TokenClaims.AttributeClaims = map[string]string{"dev:tier": "custom:tier"} }, `claim "dev:tier" cannot be added`},
		{"event_id claim", func(c *Config) { c.Triggers.TokenClaims.AttributeClaims = map[string]string{"event_id": "custom:x"} }, `claim "event_id" cannot be added`},
		{"scope with a blank", func(c *Config) { c.Triggers.TokenClaims.AccessTokenScopes = []string{"api/read write"} }, `accessTokenScopes[0] "api/read write" is not a scope`},
		{"machine token over a day", func(c *Config) { c.Tokens.MachineAccessTokenValidityMinutes = 1441 }, `tokens.machineAccessTokenValidityMinutes: 1441 minutes`},
		{"ses from address", func(c *Config) { c.UserPool.Email.SES = &SES{FromAddress: "no-reply at example.com"} }, `userPool.email.ses.fromAddress: "no-reply at example.com"`},
		{"ses reply-to", func(c *Config) { c.UserPool.Email.SES = &SES{FromAddress: "a@example.com", ReplyTo: "x"} }, `userPool.email.ses.replyTo: "x"`},
		{"ses region", func(c *Config) { c.UserPool.Email.SES = &SES{FromAddress: "a@example.com", Region: "europe"} }, `userPool.email.ses.region: "europe"`},
		{"ses domain mismatch", func(c *Config) {
			c.UserPool.Email.SES = &SES{FromAddress: "a@example.org", VerifiedDomain: "example.com"}
		}, `userPool.email.ses.fromAddress: "a@example.org" is not at the verified domain "example.com"`},
		{"ses subdomain of the verified domain", func(c *Config) {
			c.UserPool.Email.SES = &SES{FromAddress: "a@mail.example.com", VerifiedDomain: "example.com"}
		}, `userPool.email.ses.fromAddress: "a@mail.example.com" is not at the verified domain`},
		{"ses domain in another case", func(c *Config) {
			c.UserPool.Email.SES = &SES{FromAddress: "a@Example.com", VerifiedDomain: "example.com"}
		}, `userPool.email.ses.fromAddress: "a@Example.com" is not at the verified domain`},
		{"ses configuration set", func(c *Config) {
			c.UserPool.Email.SES = &SES{FromAddress: "a@example.com", ConfigurationSet: "has space"}
		}, `userPool.email.ses.configurationSet: "has space"`},
		{"ses from name", func(c *Config) { c.UserPool.Email.SES = &SES{FromAddress: "a@example.com", FromName: "Evil\r\nBcc: x"} }, `userPool.email.ses.fromName`},
		// Lambda's environment holds 4 KB for all variables together (names and values)
		{"deny domains over the environment budget", func(c *Config) {
			for i := 0; i < 200; i++ {
				c.Triggers.DenyDomains = append(c.Triggers.DenyDomains, fmt.Sprintf("disposable%04d.example", i))
			}
		}, `lambda environment: the pre sign-up function's environment needs up to`},
		{"rules over the environment budget", func(c *Config) {
			c.API.Rules = c.DefaultRules()
			for i := 0; i < 40; i++ {
				c.API.Rules = append(c.API.Rules, rules.Rule{Method: "GET", Path: fmt.Sprintf("/r%02d", i), Groups: []string{c.Groups[0].Name}})
			}
		}, `lambda environment: the API authorizer function's environment needs up to`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// GIVEN a valid environment
			c := Reference()[0]
			if err := c.Validate(); err != nil {
				t.Fatalf("reference environment invalid: %v", err)
			}
			// WHEN one field is made invalid
			tc.mutate(&c)
			// THEN validation fails naming the field and the value
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil; want error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %q; want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestValidateAcceptsWhatTheConstructsAccept(t *testing.T) {
	c := Reference()[0]
	c.Tokens.MachineAccessTokenValidityMinutes = 1440
	c.UserPool.Email.SES = &SES{FromAddress: "no-reply@example.com", FromName: "Example", ReplyTo: "help@example.com",
		ConfigurationSet: "auth-events", Region: "eu-west-1", VerifiedDomain: "example.com"}
	// Just under the budget: 150 domains of 22 characters.
	for i := 0; i < 150; i++ {
		c.Triggers.DenyDomains = append(c.Triggers.DenyDomains, fmt.Sprintf("disposable%04d.example", i))
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.EmailSendingAccount() != "DEVELOPER" || Reference()[0].EmailSendingAccount() != "COGNITO_DEFAULT" {
		t.Error("EmailSendingAccount does not follow userPool.email.ses")
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Reference()[0]
	c.AppName = ""
	c.LogLevel = "LOUD"
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "appName") || !strings.Contains(err.Error(), "logLevel") {
		t.Errorf("Validate() = %v; want both appName and logLevel reported", err)
	}
}

func names(envs []Config) string {
	var s []string
	for _, c := range envs {
		s = append(s, c.Environment)
	}
	return strings.Join(s, ",")
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func ptr[T any](v T) *T { return &v }

// onWebDomain is the reference URL u, on authDomain, moved to the web
// domain (www. instead of the auth label) with path.
func onWebDomain(u, authDomain, path string) string {
	_, parent, _ := strings.Cut(authDomain, ".")
	if !strings.HasPrefix(u, "https://"+authDomain+"/") {
		return "unexpected reference URL " + u
	}
	return "https://www." + parent + path
}
