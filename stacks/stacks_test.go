package stacks_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	sns "github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/stacks"
)

var update = flag.Bool("update", false, "rewrite the golden templates under testdata/golden")

func goldenPath(name string) string {
	return filepath.Join(cdktest.RepoRoot(), "testdata", "golden", name+".template.json")
}

// synthAll builds the reference app exactly as cmd/cdkapp does and returns
// each stack's template as indented JSON.
func synthAll(t *testing.T) (map[string][]byte, []*stacks.AuthStack) {
	t.Helper()
	app := cdktest.NewApp(t)
	ss, err := stacks.AddAuthStacks(app, config.Reference())
	if err != nil {
		t.Fatal(err)
	}
	stacks.CheckAwsSolutions(app)
	out := map[string][]byte{}
	for _, s := range ss {
		all := []awscdk.Stack{s.Stack}
		if s.CertificateStack != nil {
			all = append(all, s.CertificateStack.Stack)
		}
		for _, st := range all {
			tpl := assertions.Template_FromStack(st, nil)
			b, err := json.MarshalIndent(tpl.ToJSON(), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			out[*st.StackName()] = append(b, '\n')
		}
	}
	return out, ss
}

func TestGoldenTemplates(t *testing.T) {
	// GIVEN the reference environments WHEN they are synthesized
	got, _ := synthAll(t)
	// (three auth stacks in eu-west-1, each with its us-east-1 certificate stack)
	if len(got) != 6 {
		t.Fatalf("synthesized %d stacks; want 6", len(got))
	}
	// THEN each template equals its golden file
	for name, tpl := range got {
		path := goldenPath(name)
		if *update {
			if err := os.WriteFile(path, tpl, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run `make update-golden` to create it)", err)
		}
		if !bytes.Equal(tpl, want) {
			t.Errorf("%s differs from %s; if the change is intended, run `make update-golden` and review the diff\n%s",
				name, path, firstDiff(string(want), string(tpl)))
		}
	}
}

func TestSynthIsDeterministic(t *testing.T) {
	first, _ := synthAll(t)
	second, _ := synthAll(t)
	for name := range first {
		if !bytes.Equal(first[name], second[name]) {
			t.Errorf("%s: two synths differ\n%s", name, firstDiff(string(first[name]), string(second[name])))
		}
	}
}

// message renders an annotation (its construct path and text) as JSON; the
// Go type cxapi.SynthesisMessage and its accessors are deprecated.
func message(m any) string {
	b, _ := json.Marshal(m)
	return string(b)
}

func TestNoUnsuppressedNagFindings(t *testing.T) {
	// GIVEN the reference app with cdk-nag's AwsSolutions checks
	_, ss := synthAll(t)
	for _, s := range ss {
		// THEN no error and no warning is left unsuppressed
		ann := assertions.Annotations_FromStack(s)
		nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))
		for _, m := range *ann.FindError(jsii.String("*"), nag) {
			t.Errorf("%s: error %s", *s.StackName(), message(m))
		}
		for _, m := range *ann.FindWarning(jsii.String("*"), nag) {
			t.Errorf("%s: warning %s", *s.StackName(), message(m))
		}
	}
}

func TestNagCheckCatchesFindings(t *testing.T) {
	// GIVEN a stack with a topic that allows plain-HTTP publishing (AwsSolutions-SNS3) and the checks
	app := cdktest.NewApp(t)
	s := awscdk.NewStack(app, jsii.String("Bad"), nil)
	sns.NewTopic(s, jsii.String("Plain"), nil)
	stacks.CheckAwsSolutions(app)
	// WHEN it is synthesized
	msg := cdktest.Panics(func() { app.Synth(nil) })
	// THEN synthesis fails and the validation report names the finding
	if !strings.Contains(msg, "Validation failed") {
		t.Fatalf("synth panic = %q; want a validation failure", msg)
	}
	report, err := os.ReadFile(filepath.Join(*app.Outdir(), "validation-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(report), "AwsSolutions-SNS3") {
		t.Errorf("validation report does not name AwsSolutions-SNS3:\n%s", report)
	}
}

func TestOutputsAndTags(t *testing.T) {
	_, ss := synthAll(t)
	s := ss[1] // test
	if *s.StackName() != "auth-test" || *s.Region() != "eu-west-1" {
		t.Errorf("stack = %s in %s; want auth-test in eu-west-1", *s.StackName(), *s.Region())
	}
	tpl := assertions.Template_FromStack(s, nil)
	for _, name := range []string{
		"UserPoolId", "UserPoolArn", "IssuerUrl", "JwksUrl", "HostedUiBaseUrl",
		"AndroidClientId", "IosClientId", "WebClientId", "AndroidSignInUrl", "IosSignInUrl", "WebSignInUrl",
		"ResourceServerIdentifier", "MachineClientId", "IdentityPoolId", "StorageBucketName", "UserEventsTopicArn",
		"AlarmTopicArn", "DashboardName", "ApiUrl", "DenyListTableName",
	} {
		if outs := tpl.FindOutputs(jsii.String(name), nil); len(*outs) != 1 {
			t.Errorf("output %s missing", name)
		}
	}
	// The iOS sign-in URL redirects to its own callback.
	ios := *tpl.FindOutputs(jsii.String("IosSignInUrl"), nil)
	if b, _ := json.Marshal(ios); !strings.Contains(string(b), "apptst://auth/callback") {
		t.Errorf("IosSignInUrl = %s; want the iOS callback", b)
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPool", map[string]interface{}{
		"UserPoolTags": map[string]interface{}{"environment": "test", "is-production": "false", "application": "auth"},
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::SNS::Topic", map[string]interface{}{
		"Tags": assertions.Match_ArrayWith(&[]interface{}{map[string]interface{}{"Key": "owner", "Value": "aws@website-test.info"}}),
	}); err != nil {
		t.Error(err)
	}
	// Reference: one group per environment, precedence 100.
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolGroup", map[string]interface{}{
		"GroupName": "auth-test-public-app-user", "Precedence": 100,
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::UserPoolResourceServer", map[string]interface{}{
		"Identifier": "api.tst.website-test.info",
		"Scopes":     []interface{}{map[string]interface{}{"ScopeName": "client", "ScopeDescription": assertions.Match_AnyValue()}},
	}); err != nil {
		t.Error(err)
	}
}

func TestIssuerTheFunctionsAndOutputsReceive(t *testing.T) {
	// GIVEN the development stack deployed in eu-west-1, with the user pool's
	// documented attribute values (ProviderURL carries its own https://)
	_, ss := synthAll(t)
	s := ss[0]
	tpl := assertions.Template_FromStack(s, nil)
	pools := *tpl.FindResources(jsii.String("AWS::Cognito::UserPool"), nil)
	if len(pools) != 1 {
		t.Fatalf("%d user pools; want 1", len(pools))
	}
	var d cdktest.Deployed
	d.Commercial("eu-west-1")
	for id := range pools {
		d.CognitoUserPool(id, "eu-west-1", "eu-west-1_AbCdEf123")
	}
	const issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123"

	// WHEN CloudFormation resolves the environment of the functions that
	// verify tokens, and they read it as they do at start-up
	checked := 0
	for id, fn := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		environment, _ := (*fn)["Properties"].(map[string]interface{})["Environment"].(map[string]interface{})
		vars, _ := environment["Variables"].(map[string]interface{})
		if _, ok := vars[contract.EnvIssuer]; !ok {
			continue
		}
		checked++
		env := map[string]string{}
		for name, v := range vars {
			if name != contract.EnvIssuer && name != contract.EnvJWKSURL {
				continue
			}
			got, err := d.Resolve(v)
			if err != nil {
				t.Fatalf("%s %s: %v", id, name, err)
			}
			env[name] = got
		}
		env[contract.EnvClientIDs] = "client"
		v, err := jwtverify.FromEnv(func(k string) string { return env[k] })
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		// THEN they expect the iss claim verbatim and fetch Cognito's key set
		if v.Issuer != issuer {
			t.Errorf("%s: issuer %q; want %q", id, v.Issuer, issuer)
		}
		if got := v.Keys.(*jwtverify.JWKS).URL; got != issuer+"/.well-known/jwks.json" {
			t.Errorf("%s: key set URL %q; want %q", id, got, issuer+"/.well-known/jwks.json")
		}
	}
	if checked != 2 {
		t.Errorf("found %d functions that verify tokens; want 2 (authorizer and API handler)", checked)
	}
	// AND no function of any environment has an AWS endpoint override, which
	// would move its key set (jwtverify.KeySetURL) or its AWS calls elsewhere
	for _, st := range ss {
		for id, fn := range *assertions.Template_FromStack(st, nil).FindResources(jsii.String("AWS::Lambda::Function"), nil) {
			environment, _ := (*fn)["Properties"].(map[string]interface{})["Environment"].(map[string]interface{})
			vars, _ := environment["Variables"].(map[string]interface{})
			for name := range vars {
				if strings.HasPrefix(name, "AWS_ENDPOINT_URL") {
					t.Errorf("%s %s: sets %s", *st.StackName(), id, name)
				}
			}
		}
	}
	// AND the outputs name the same issuer and key set
	for name, w := range map[string]string{"IssuerUrl": issuer, "JwksUrl": issuer + "/.well-known/jwks.json"} {
		out := *(*tpl.FindOutputs(jsii.String(name), nil))[name]
		got, err := d.Resolve(out["Value"])
		if err != nil || got != w {
			t.Errorf("output %s = %q, %v; want %q", name, got, err, w)
		}
	}
}

func TestConfigDrivenOptions(t *testing.T) {
	// GIVEN an environment with SMS, PLUS, a group role, no guests, a custom attribute, X-Ray
	// tracing and a shorter window for noncurrent object versions
	c := config.Reference()[2]
	c.Tracing = true
	c.IdentityPool.NoncurrentVersionExpirationDays = 7
	c.UserPool.SMS = true
	c.UserPool.FeaturePlan = "PLUS"
	c.UserPool.CustomAttributes = []config.CustomAttribute{{Name: "tenant_id", MaxLength: 64}}
	c.Groups = append(c.Groups, config.Group{Name: "admin", Precedence: 1, IAMRole: true})
	c.IdentityPool.AllowGuests = false
	c.AppClients[0].AllowUserPasswordAuth = true
	app := cdktest.NewApp(t)
	s, err := stacks.NewAuthStack(app, jsii.String("Custom"), &stacks.AuthStackProps{Config: c})
	if err != nil {
		t.Fatal(err)
	}
	stacks.CheckAwsSolutions(app)
	tpl := assertions.Template_FromStack(s, nil)
	// THEN each option reaches the template
	checks := []struct {
		typ   string
		props interface{}
	}{
		{"AWS::Cognito::UserPool", map[string]interface{}{
			"UserPoolTier": "PLUS", "UserPoolAddOns": map[string]interface{}{"AdvancedSecurityMode": "ENFORCED"},
			"SmsConfiguration": map[string]interface{}{"ExternalId": "auth-production-cognito-sms"},
			"EnabledMfas":      []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"},
			"Schema": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(&map[string]interface{}{
				"Name": "tenant_id", "AttributeDataType": "String", "StringAttributeConstraints": map[string]interface{}{"MaxLength": "64"},
			})}),
		}},
		{"AWS::Cognito::UserPoolGroup", map[string]interface{}{"GroupName": "admin", "Precedence": 1, "RoleArn": assertions.Match_AnyValue()}},
		{"AWS::Cognito::IdentityPool", map[string]interface{}{"AllowUnauthenticatedIdentities": false}},
		{"AWS::Cognito::IdentityPoolRoleAttachment", map[string]interface{}{
			"RoleMappings": map[string]interface{}{"client0": map[string]interface{}{"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}},
		}},
		{"AWS::Cognito::UserPoolClient", map[string]interface{}{
			"ClientName": "auth-production-android", "ExplicitAuthFlows": assertions.Match_ArrayWith(&[]interface{}{"ALLOW_USER_PASSWORD_AUTH"}),
		}},
		{"AWS::ApiGateway::Stage", map[string]interface{}{"TracingEnabled": true}},
		{"AWS::S3::Bucket", map[string]interface{}{"LifecycleConfiguration": map[string]interface{}{"Rules": assertions.Match_ArrayWith(&[]interface{}{
			assertions.Match_ObjectLike(&map[string]interface{}{"NoncurrentVersionExpiration": map[string]interface{}{"NoncurrentDays": 7}}),
		})}}},
	}
	for _, ch := range checks {
		if err := cdktest.Has(tpl, ch.typ, ch.props); err != nil {
			t.Errorf("%s: %v", ch.typ, err)
		}
	}
	// AND every function traces, the triggers' and the API's alike
	fns := tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil)
	for id, fn := range *fns {
		if tc, _ := (*fn)["Properties"].(map[string]interface{})["TracingConfig"].(map[string]interface{}); tc["Mode"] != "Active" {
			t.Errorf("function %s does not trace", id)
		}
	}
	// AND no guest policy exists
	for id := range *tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		if strings.HasPrefix(id, "IdentityPoolGuestStorage") {
			t.Errorf("guest storage policy %s exists with guests off", id)
		}
	}
	// AND cdk-nag is still clean (the suppressions follow the options)
	if msgs := assertions.Annotations_FromStack(s).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))); len(*msgs) != 0 {
		for _, m := range *msgs {
			t.Errorf("nag: %s", message(m))
		}
	}
}

func TestInvalidConfigIsAnErrorAndAddsNothing(t *testing.T) {
	app := cdktest.NewApp(t)
	c := config.Reference()[0]
	c.Tokens.AccessTokenValidityMinutes = 1
	s, err := stacks.NewAuthStack(app, jsii.String("Bad"), &stacks.AuthStackProps{Config: c})
	if err == nil || s != nil {
		t.Fatalf("NewAuthStack = %v, %v; want nil and an error", s, err)
	}
	if want := `environment "development": tokens.accessTokenValidityMinutes: 1 minutes`; !strings.Contains(err.Error(), want) {
		t.Errorf("error = %q; want it to contain %q", err, want)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("app has %d children after the error; want 0", n)
	}
	if _, err := stacks.NewAuthStack(app, jsii.String("Nil"), nil); err == nil {
		t.Error("NewAuthStack(nil props) = nil error")
	}
}

func TestLimitsThroughNewAuthStack(t *testing.T) {
	// GIVEN configs at the edges of what config.Validate accepts
	edge := config.Reference()[0]
	edge.Tokens.MachineAccessTokenValidityMinutes = 1440
	edge.UserPool.Email.SES = &config.SES{FromAddress: "no-reply@example.com", FromName: "Example", ReplyTo: "help@example.com",
		ConfigurationSet: "auth-events", Region: "eu-west-1", VerifiedDomain: "example.com"}
	for i := 0; i < 150; i++ {
		edge.Triggers.DenyDomains = append(edge.Triggers.DenyDomains, fmt.Sprintf("disposable%04d.example", i))
	}
	// A config at other edges: both hooks at the longest function name,
	// the largest memory, tracing, migration, the longest brand.
	hooked := config.Reference()[1]
	fn := "arn:aws:lambda:eu-west-1:111111111111:function:" + strings.Repeat("h", 64)
	hooked.Triggers.PreSignUpHookARN, hooked.Triggers.UserEventsHookARN = fn, fn+":live"
	hooked.Triggers.MemoryMB = 10240
	hooked.Tracing = true
	hooked.Triggers.Migration = config.Migration{Enabled: true, Endpoint: "https://legacy.example.com/" + strings.Repeat("p", 1000),
		SecretARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:legacy-AbCdEf"}
	hooked.Triggers.TokenClaims.AttributeClaims = map[string]string{"tenant_id": "custom:tenant_id"}
	for _, c := range []config.Config{edge, hooked} {
		if err := c.Validate(); err != nil {
			t.Fatalf("the edge config %s does not validate: %v", c.StackName(), err)
		}
	}
	app0 := cdktest.NewApp(t)
	if msg := cdktest.Panics(func() {
		if _, err := stacks.NewAuthStack(app0, jsii.String("Hooked"), &stacks.AuthStackProps{Config: hooked}); err != nil {
			t.Errorf("NewAuthStack(hooked) = %v", err)
		}
	}); msg != "" {
		t.Fatalf("a config that validates panicked in a construct: %s", msg)
	}
	over := config.Reference()[0]
	for i := 0; i < 200; i++ {
		over.Triggers.DenyDomains = append(over.Triggers.DenyDomains, fmt.Sprintf("disposable%04d.example", i))
	}
	// WHEN each is built THEN the valid one synthesizes (no construct panics)...
	app := cdktest.NewApp(t)
	if msg := cdktest.Panics(func() {
		if _, err := stacks.NewAuthStack(app, jsii.String("Edge"), &stacks.AuthStackProps{Config: edge}); err != nil {
			t.Errorf("NewAuthStack(edge) = %v", err)
		}
	}); msg != "" {
		t.Fatalf("a config that validates panicked in a construct: %s", msg)
	}
	// ... and the other is an error that adds nothing
	app = cdktest.NewApp(t)
	s, err := stacks.NewAuthStack(app, jsii.String("Over"), &stacks.AuthStackProps{Config: over})
	if err == nil || s != nil || !strings.Contains(err.Error(), "pre sign-up function's environment") {
		t.Errorf("NewAuthStack(over budget) = %v, %v; want the budget error", s, err)
	}
	if n := len(*app.Node().Children()); n != 0 {
		t.Errorf("app has %d children after the error", n)
	}
}

func TestEnvironmentsFromContext(t *testing.T) {
	file := filepath.Join(t.TempDir(), "envs.yaml")
	doc := "environments:\n  qa:\n    appName: shop\n    parentHostedZoneName: example.com\n    authDomainName: auth.example.com\n" +
		"    apiDomainName: api.example.com\n    appClients: [{name: web, callbackUrls: [\"https://example.com/cb\"]}]\n" +
		"    groups: [{name: admins}]\n    api: {adminGroup: admins}\n"
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		context map[string]interface{}
		want    string // environments, comma-separated, or an error substring
		wantErr bool
	}{
		{"all", nil, "development,test,production", false},
		{"one", map[string]interface{}{"env": "production"}, "production", false},
		{"unknown", map[string]interface{}{"env": "staging"}, `unknown environment "staging"`, true},
		{"file", map[string]interface{}{"config": file}, "qa", false},
		{"file and env", map[string]interface{}{"config": file, "env": "qa"}, "qa", false},
		{"file and reference env", map[string]interface{}{"config": file, "env": "test"}, `unknown environment "test"; known: qa`, true},
		{"missing file", map[string]interface{}{"config": "/nonexistent.yaml"}, "/nonexistent.yaml", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := cdktest.Context(t)
			for k, v := range tc.context {
				ctx[k] = v
			}
			app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
			envs, err := stacks.Environments(app)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Environments = %v; want error containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range envs {
				names = append(names, e.Environment)
			}
			if got := strings.Join(names, ","); got != tc.want {
				t.Errorf("Environments = %s; want %s", got, tc.want)
			}
		})
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

// TestValidConfigsNeverPanic builds random configs from names that collide
// in construct ids or outputs ("a/b" and "a_b", "staff" with a role and
// "staffRole", "web-a" and "web-a-", "machine"), precedences at and past
// the limit, and memory sizes around Lambda's: whatever config.Validate
// accepts, NewAuthStack builds without a panic, and whatever it refuses is
// an error that adds nothing.
func TestValidConfigsNeverPanic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	clientNames := []string{"web", "web-a", "web-a-", "machine", "ios", "web-", "android"}
	groupNames := []string{"staff", "staffRole", "a/b", "a_b", "admin", "authdev-development-admin"}
	accepted, refused := 0, 0
	for i := 0; i < 60; i++ {
		c := config.Reference()[0]
		c.AppClients = nil
		for n := 1 + r.IntN(3); n > 0; n-- {
			c.AppClients = append(c.AppClients, config.AppClient{Name: clientNames[r.IntN(len(clientNames))], CallbackURLs: []string{"https://app.example.com/cb"}})
		}
		c.Groups = []config.Group{{Name: c.API.AdminGroup, Precedence: 1}}
		for n := r.IntN(4); n > 0; n-- {
			c.Groups = append(c.Groups, config.Group{Name: groupNames[r.IntN(len(groupNames))], Precedence: []int{0, 7, 1<<31 - 1, 1 << 31}[r.IntN(4)], IAMRole: r.IntN(2) == 0})
		}
		c.Triggers.MemoryMB = []int{127, 128, 256, 10240, 10241}[r.IntN(5)]
		app := cdktest.NewApp(t)
		var err error
		if msg := cdktest.Panics(func() {
			_, err = stacks.NewAuthStack(app, jsii.String(fmt.Sprintf("S%d", i)), &stacks.AuthStackProps{Config: c})
		}); msg != "" {
			t.Fatalf("config %d (clients %v, groups %v, memory %d) panicked: %s", i, c.AppClients, c.Groups, c.Triggers.MemoryMB, msg)
		}
		if err != nil {
			refused++
			if n := len(*app.Node().Children()); n != 0 {
				t.Errorf("config %d: refused (%v) but %d constructs were added", i, err, n)
			}
		} else {
			accepted++
		}
	}
	if accepted < 5 || refused < 5 {
		t.Errorf("%d accepted, %d refused: the generator no longer explores both sides", accepted, refused)
	}
	// And the collisions found by review, one at a time: each is refused by
	// config.Validate with the field named, so NewAuthStack errs and adds nothing.
	for _, tc := range []struct {
		name   string
		mutate func(*config.Config)
		want   string
	}{
		{"a client named machine", func(c *config.Config) {
			c.AppClients = append(c.AppClients, config.AppClient{Name: "machine", CallbackURLs: []string{"https://a.example.com/cb"}})
		}, "taken by the machine client"},
		{"clients web-a and web-a-", func(c *config.Config) {
			c.AppClients = append(c.AppClients, config.AppClient{Name: "web-a", CallbackURLs: []string{"https://a.example.com/cb"}},
				config.AppClient{Name: "web-a-", CallbackURLs: []string{"https://a.example.com/cb"}})
		}, `are both "WebA"`},
		{"groups a/b and a_b", func(c *config.Config) {
			c.Groups = append(c.Groups, config.Group{Name: "a/b"}, config.Group{Name: "a_b"})
		}, `construct id "a_b"`},
		{"group staff with a role and staffRole", func(c *config.Config) {
			c.Groups = append(c.Groups, config.Group{Name: "staff", IAMRole: true}, config.Group{Name: "staffRole"})
		}, `construct id "staffRole"`},
		{"precedence past 2^31-1", func(c *config.Config) { c.Groups[0].Precedence = 3000000000 }, "precedence: 3e+09 must be a whole number"},
		{"incomplete secret ARN", func(c *config.Config) {
			c.Triggers.Migration = config.Migration{Enabled: true, Endpoint: "https://legacy.example.com",
				SecretARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:legacy"}
		}, "not a complete Secrets Manager secret ARN"},
	} {
		c := config.Reference()[0]
		tc.mutate(&c)
		app := cdktest.NewApp(t)
		var err error
		if msg := cdktest.Panics(func() { _, err = stacks.NewAuthStack(app, jsii.String("S"), &stacks.AuthStackProps{Config: c}) }); msg != "" {
			t.Errorf("%s: panicked: %s", tc.name, msg)
		} else if err == nil || !strings.Contains(err.Error(), tc.want) || len(*app.Node().Children()) != 0 {
			t.Errorf("%s: NewAuthStack = %v; want an error containing %q and nothing added", tc.name, err, tc.want)
		}
	}
}
