package config

import (
	"strings"
	"testing"
)

// The two modes of the custom domains, as a config file states them.
func TestCustomDomainModes(t *testing.T) {
	const cert = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000"
	cases := []struct {
		name, doc string
		// want
		custom, certStack, executeAPIOff bool
		zone                             string
	}{
		{"default: custom domains, created zones and certificates, certificate stack outside us-east-1",
			validEnv("app"), true, true, true, "example.com"},
		{"prefix domain: names optional",
			"    appName: app\n    customDomains: false\n    resourceServer: {identifier: https://api.example.com}\n" +
				"    appClients: [{name: web, callbackUrls: [\"https://example.com/cb\"]}]\n    groups: [{name: admins}]\n    api: {adminGroup: admins}\n",
			false, false, false, "example.com"},
		{"prefix domain keeps its execute-api endpoint unless asked",
			validEnv("app") + "    customDomains: false\n", false, false, false, "example.com"},
		{"existing zone and certificate: no certificate stack",
			validEnv("app") + "    domains: {hostedZoneId: Z0123456789ABC, hostedZoneName: example.com, hostedUiCertificateArn: \"" + cert + "\"}\n",
			true, false, true, "example.com"},
		{"stack in us-east-1: the hosted UI certificate is in the stack",
			validEnv("app") + "    region: us-east-1\n", true, false, true, "example.com"},
		{"execute-api endpoint kept on with a custom domain",
			strings.Replace(validEnv("app"), "api: {adminGroup: admins}", "api: {adminGroup: admins, disableExecuteApiEndpoint: false}", 1),
			true, true, false, "example.com"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			envs, err := Parse([]byte("environments:\n  dev:\n"+tc.doc), "modes.yaml")
			if err != nil {
				t.Fatal(err)
			}
			c := envs[0]
			if c.CustomDomains != tc.custom || c.CertificateStack() != tc.certStack || c.ExecuteAPIEndpointDisabled() != tc.executeAPIOff {
				t.Errorf("customDomains=%v certificateStack=%v executeApiOff=%v; want %v %v %v",
					c.CustomDomains, c.CertificateStack(), c.ExecuteAPIEndpointDisabled(), tc.custom, tc.certStack, tc.executeAPIOff)
			}
			if c.CustomDomains && c.HostedZoneName() != tc.zone {
				t.Errorf("HostedZoneName() = %q; want %q", c.HostedZoneName(), tc.zone)
			}
		})
	}
}

// What may point inside the custom domains: a GET route of the API, any
// name of an existing zone, and as a logout URL managed login's sign-in
// page (sign in again after signing out).
func TestRedirectsIntoTheDomainsThatAnswer(t *testing.T) {
	c := Reference()[0]
	for _, u := range []string{
		"https://api.dev.website-test.info/users/me",
	} {
		c.AppClients[2].CallbackURLs = []string{u}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v; want nil", u, err)
		}
	}
	c.AppClients[2].LogoutURLs = []string{"https://auth.dev.website-test.info/login?client_id=x&response_type=code&redirect_uri=https://www.dev.website-test.info/auth/callback"}
	if err := c.Validate(); err != nil {
		t.Errorf("logout to the sign-in page: Validate() = %v; want nil", err)
	}
	c.AppClients[2].CallbackURLs = []string{"https://auth.dev.website-test.info/login"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "callbackUrls[0]") {
		t.Errorf("callback to the sign-in page: Validate() = %v; want an error (only a logout URL may go there)", err)
	}
	c = Reference()[0]
	c.Domains.HostedZoneID = "Z0123456789ABC"
	c.AppClients[2].CallbackURLs = []string{"https://www.auth.dev.website-test.info/cb"}
	if err := c.Validate(); err != nil {
		t.Errorf("a name of an existing zone: Validate() = %v; want nil", err)
	}
	// Without custom domains nothing of authstack's answers on these names.
	c = Reference()[0]
	c.CustomDomains = false
	c.AppClients[2].CallbackURLs = []string{"https://auth.dev.website-test.info/oauth2/authorize"}
	if err := c.Validate(); err != nil {
		t.Errorf("prefix mode: Validate() = %v; want nil", err)
	}
}

func TestHostedUIAtTheZoneApexIsRefused(t *testing.T) {
	// GIVEN an existing zone example.com and the hosted UI at its apex
	c := Reference()[0]
	c.Domains = Domains{HostedZoneID: "Z0123456789ABC", HostedZoneName: "website-test.info"}
	c.AuthDomainName = "website-test.info"
	c.AppClients[0].CallbackURLs = []string{"app://cb"}
	c.AppClients[0].LogoutURLs = nil
	// THEN validation says why (the deployment would fail at Cognito's precondition)
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), `authDomainName: "website-test.info" is the apex of domains.hostedZoneName`) {
		t.Errorf("Validate() = %v", err)
	}
	// AND the API may be at the apex of an existing zone
	c.AuthDomainName, c.APIDomainName = "auth.website-test.info", "website-test.info"
	c.ResourceServer.Identifier = "https://website-test.info"
	if err := c.Validate(); err != nil && strings.Contains(err.Error(), "apiDomainName") {
		t.Errorf("API at the apex: Validate() = %v", err)
	}
}

func TestBackupSchedules(t *testing.T) {
	for _, tc := range []struct {
		schedule string
		maxAge   int
		want     string
	}{
		{"rate(1 day)", 36, ""},
		{"rate(12 hours)", 13, ""},
		{"cron(0 3 * * ? *)", 36, ""},
		{"rate(30 minutes)", 36, "runs more than once an hour"},
		{"rate(7 days)", 36, "backup.maxAgeHours: 36 is not longer than the schedule's 168 hours"},
		{"daily", 36, `backup.schedule: "daily" is not an EventBridge schedule`},
		{"rate(1 days)", 36, "is not an EventBridge schedule"},
	} {
		c := Reference()[0]
		c.Backup.Schedule, c.Backup.MaxAgeHours = tc.schedule, tc.maxAge
		err := c.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s, %d h: Validate() = %v; want %q", tc.schedule, tc.maxAge, err, tc.want)
		}
	}
}
