//go:build e2e

// Package e2e is the deployed proof: it deploys the synthesized development
// stack into the local AWS emulator (internal/test/emulator) and runs a user's
// journey through it. `make e2e` runs it (part of `make test`):
//
//	go test -tags e2e -count=1 -v ./e2e/
//
// AUTHSTACK_E2E_ASSEMBLY names the cloud assembly (default cdk.out.local),
// AUTHSTACK_E2E_STATE an existing local deployment to use instead of a new
// one (make local's .local/local.json).
package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/authctl"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/localdeploy"
	"github.com/authstack/authstack/internal/runtime/userevent"
	"github.com/authstack/authstack/internal/test/emulator"
)

const (
	stackName            = "authdev-development"
	certificateStackName = stackName + "-certificates"
)

// journey runs named steps, failing fast and printing each one's latency.
type journey struct {
	t   *testing.T
	ctx context.Context
	cfg aws.Config
	out map[string]string
	api string // invoke URL, ending in /
	// apiHost is the API's custom domain, sent as Host (the emulator routes
	// custom domains by Host); "" for an execute-api URL.
	apiHost string
	idp     *cip.Client
	total   time.Duration
}

func (j *journey) step(name string, f func() error) {
	j.t.Helper()
	start := time.Now()
	err := f()
	took := time.Since(start)
	j.total += took
	if err != nil {
		j.t.Fatalf("✗ %-58s %8s\n%v", name, took.Round(time.Millisecond), err)
	}
	j.t.Logf("✓ %-58s %8s", name, took.Round(time.Millisecond))
}

// skip records a step the emulator cannot run, and why.
func (j *journey) skip(name, why string) {
	j.t.Helper()
	j.t.Logf("- %-58s %8s  (%s)", name, "skipped", why)
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..")
}

func TestJourney(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	j := &journey{t: t, ctx: ctx}

	if path := os.Getenv("AUTHSTACK_E2E_STATE"); path != "" {
		if !filepath.IsAbs(path) {
			path = filepath.Join(repoRoot(), path) // go test runs in e2e/
		}
		st, err := localdeploy.ReadState(path)
		if err != nil {
			t.Fatal(err)
		}
		j.cfg, j.out = emulator.Config(st.Endpoint, st.Region), st.Outputs
		t.Logf("using the local deployment at %s", st.Endpoint)
	} else {
		assembly := os.Getenv("AUTHSTACK_E2E_ASSEMBLY")
		if assembly == "" {
			assembly = filepath.Join(repoRoot(), "cdk.out.local")
		}
		j.step("the templates are the development golden templates but for the function architecture", func() error {
			for _, name := range []string{stackName, certificateStackName} {
				if err := sameButArchitecture(filepath.Join(assembly, name+".template.json"),
					filepath.Join(repoRoot(), "testdata", "golden", name+".template.json")); err != nil {
					return err
				}
			}
			return nil
		})
		var em *emulator.Emulator
		j.step("start the emulator (ministack)", func() (err error) {
			em, err = emulator.Start(ctx, emulator.Options{Root: repoRoot()})
			return err
		})
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("emulator log: %s (kept)", em.Log)
				emulator.StopPID(em.PID)
				return
			}
			em.Stop()
		})
		j.cfg = em.Config()
		dev := config.Reference()[0]
		parent := parentDomain(dev.AuthDomainName)
		j.step("the parent zone "+dev.ParentHostedZoneName+", without an A record for "+parent+" yet", func() error {
			_, err := emulator.ParentZone(ctx, j.cfg, dev.ParentHostedZoneName, "")
			return err
		})
		j.step("deploy: Cognito's precondition is checked first (before any certificate), failing at once with what to create", func() error {
			_, err := emulator.Deploy(ctx, j.cfg, assembly, stackName, 2*time.Minute)
			want := "needs an A record for its parent domain " + parent
			if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "CREATE_FAILED ParentARecord (Custom::AuthstackParentARecord)") {
				return fmt.Errorf("deploy = %v; want the parent A record check to fail with %q", err, want)
			}
			return nil
		})
		j.step("the one-time DNS step: an A record for "+parent, func() error {
			_, err := emulator.ParentZone(ctx, j.cfg, dev.ParentHostedZoneName, parent)
			return err
		})
		j.step("deploy "+certificateStackName+" (us-east-1), then "+stackName+", as cdk deploy would", func() error {
			d, err := emulator.Deploy(ctx, j.cfg, assembly, stackName, 2*time.Minute)
			if err != nil {
				return err
			}
			if len(d.Dependencies) != 1 || d.Dependencies[0].StackName != certificateStackName || d.Dependencies[0].Region != "us-east-1" {
				return fmt.Errorf("deployed first: %+v; want %s in us-east-1", d.Dependencies, certificateStackName)
			}
			for _, r := range d.Removed {
				t.Logf("  removed for the emulator, which lacks it: %s", r)
			}
			j.out = d.Outputs
			return nil
		})
	}
	var err error
	if j.api, j.apiHost, err = apiBase(aws.ToString(j.cfg.BaseEndpoint), j.out[contract.OutputAPIURL]); err != nil {
		t.Fatal(err)
	}
	j.idp = cip.NewFromConfig(j.cfg)
	j.customDomains()
	j.run()
	j.authctlJourney()
	if os.Getenv("AUTHSTACK_E2E_STATE") == "" {
		j.shop(filepath.Join(repoRoot(), "cdk.out.example.local"))
	}
	t.Logf("journey steps took %s in all", j.total.Round(time.Millisecond))
}

// shop deploys the examples module's app (examples/shopauth: authstack's
// constructs composed in a module of the user's own) into the same emulator
// and checks what the user added: the pre sign-up hook and GET /orders.
func (j *journey) shop(assembly string) {
	ctx := j.ctx
	var out map[string]string
	// The shop's own journey, in the region of its stack's environment.
	sj := &journey{t: j.t, ctx: ctx, cfg: j.cfg.Copy()}
	j.step("deploy ShopAuth, the examples module's app", func() error {
		d, err := emulator.Deploy(ctx, j.cfg, assembly, "ShopAuth", 2*time.Minute)
		if err != nil {
			return err
		}
		out, sj.cfg.Region = d.Outputs, d.Region
		return nil
	})
	sj.idp = cip.NewFromConfig(sj.cfg)
	pool, client := out["UserPoolId"], out["WebClientId"]
	const password = "Correct-Horse-9-battery"
	signUp := func(email string) error {
		_, err := sj.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(email), Password: aws.String(password),
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
		return err
	}
	j.step("shop: a disposable address is refused by authstack's check, before the hook", func() error {
		err := signUp("someone@mailinator.com")
		if err == nil || !strings.Contains(err.Error(), "disposable email addresses are not accepted") {
			return fmt.Errorf("sign-up = %v; want authstack's disposable-address refusal", err)
		}
		return nil
	})
	j.step("shop: the hook refuses a sub-address with its own message", func() error {
		// The hook returned errors.New(msg); Cognito shows its message.
		err := signUp("jane+shop@example.org")
		if err == nil || !strings.Contains(err.Error(), "Please sign up without a + in your email address") {
			return fmt.Errorf("sign-up = %v; want the hook's message", err)
		}
		return nil
	})
	staff := "anna-" + random(4) + "@shop.example.com"
	j.step("shop: the hook confirms staff at once (no confirmation code)", func() error {
		if err := signUp(staff); err != nil {
			return err
		}
		u, err := sj.idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(staff)})
		if err != nil {
			return err
		}
		if u.UserStatus != ciptypes.UserStatusTypeConfirmed {
			return fmt.Errorf("user status %s; want CONFIRMED by the hook", u.UserStatus)
		}
		return nil
	})
	api, err := localdeploy.InvokeURL(aws.ToString(j.cfg.BaseEndpoint), out["ApiUrl"])
	if err != nil {
		j.t.Fatal(err)
	}
	shopAPI := &journey{t: j.t, ctx: ctx, cfg: sj.cfg, api: api, idp: sj.idp}
	j.step("shop: GET /orders (a route of the shop's, behind authstack's authorizer) answers the signed-in caller", func() error {
		tokens, err := sj.signInSRP(pool, client, staff, password)
		if err != nil {
			return err
		}
		if err := shopAPI.call("GET", "orders", "", "", 401, nil); err != nil {
			return err
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", api+"orders", nil)
		req.Header.Set("Authorization", "Bearer "+aws.ToString(tokens.AccessToken))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var body struct {
			Sub    string
			Orders []string
		}
		claims, _ := payload(aws.ToString(tokens.AccessToken))
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body.Sub != claims["sub"] || body.Orders == nil {
			return fmt.Errorf("GET /orders = %d %+v (%v); want 200 with the caller's sub", resp.StatusCode, body, err)
		}
		return nil
	})
}

func (j *journey) run() {
	ctx, out := j.ctx, j.out
	pool, client := out[contract.OutputUserPoolID], out[contract.OutputClientID("Web")]
	for _, k := range []string{contract.OutputUserPoolID, contract.OutputClientID("Web"), contract.OutputAPIURL, contract.OutputDenyListTableName, contract.OutputUserEventsTopicARN, contract.OutputIssuerURL} {
		if out[k] == "" {
			j.t.Fatalf("output %s is missing: %v", k, out)
		}
	}
	j.step("outputs name the pool's issuer (iss) and its key set", func() error {
		want := "https://cognito-idp." + j.cfg.Region + ".amazonaws.com/" + pool
		if out[contract.OutputIssuerURL] != want || out[contract.OutputJWKSURL] != want+"/.well-known/jwks.json" {
			return fmt.Errorf("IssuerUrl %q, JwksUrl %q; want %q and its /.well-known/jwks.json", out[contract.OutputIssuerURL], out[contract.OutputJWKSURL], want)
		}
		return nil
	})

	// User events: a queue subscribed to the topic, as a subscriber would.
	sqsc := sqs.NewFromConfig(j.cfg)
	var queueURL string
	j.step("subscribe a queue to the user-events topic", func() error {
		q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("journey-" + random(4))})
		if err != nil {
			return err
		}
		queueURL = aws.ToString(q.QueueUrl)
		attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			return err
		}
		_, err = sns.NewFromConfig(j.cfg).Subscribe(ctx, &sns.SubscribeInput{
			TopicArn: aws.String(out[contract.OutputUserEventsTopicARN]), Protocol: aws.String("sqs"), Endpoint: aws.String(attrs.Attributes["QueueArn"]),
		})
		return err
	})

	const password = "Correct-Horse-9-battery"
	j.step("sign-up with a disposable address is refused by pre sign-up", func() error {
		addr := "someone-" + random(3) + "@mailinator.com"
		_, err := j.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(addr),
			Password: aws.String(password), UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(addr)}}})
		var refused *ciptypes.UserLambdaValidationException
		if !errors.As(err, &refused) {
			return fmt.Errorf("SignUp = %v; want UserLambdaValidationException from pre sign-up", err)
		}
		if !strings.Contains(aws.ToString(refused.Message), "Please sign up with a permanent email address") {
			return fmt.Errorf("message %q does not carry the trigger's message", aws.ToString(refused.Message))
		}
		return nil
	})

	jane := "jane-" + random(4) + "@example.com"
	var janeSub string
	j.step("sign-up "+jane, func() error {
		r, err := j.idp.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(jane), Password: aws.String(password),
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(jane)}}})
		if err != nil {
			return err
		}
		janeSub = aws.ToString(r.UserSub)
		return nil
	})
	j.step("admin confirmation", func() error {
		_, err := j.idp.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(pool), Username: aws.String(jane)})
		return err
	})
	var tokens *ciptypes.AuthenticationResultType
	j.step("SRP sign-in on the public web client (no password sent)", func() (err error) {
		tokens, err = j.signInSRP(pool, client, jane, password)
		return err
	})

	j.step("GET /guest without a token: 200", func() error { return j.call("GET", "guest", "", "", 200, nil) })
	j.step("GET /user without a token: 401", func() error { return j.call("GET", "user", "", "", 401, nil) })
	access := aws.ToString(tokens.AccessToken)
	j.step("GET /user with the access token: 200, identity is the user", func() error {
		var body struct {
			Identity struct {
				Sub, Username, TokenUse, Principal string
				Groups                             []string
			}
		}
		if err := j.call("GET", "user", access, "", 200, &body); err != nil {
			return err
		}
		if body.Identity.Sub != janeSub || body.Identity.TokenUse != "access" || body.Identity.Principal != "user" || body.Identity.Groups == nil {
			return fmt.Errorf("identity = %+v; want sub %s, an access token, principal user and a (JSON) group list", body.Identity, janeSub)
		}
		return nil
	})
	j.step("GET /user with the ID token: 200", func() error { return j.call("GET", "user", aws.ToString(tokens.IdToken), "", 200, nil) })
	j.step("GET /users/<own sub>: 200", func() error { return j.call("GET", "users/"+janeSub, access, "", 200, nil) })
	j.step("GET /users/<another sub>: 403", func() error {
		return j.call("GET", "users/"+"0b0b0b0b-1111-4222-8333-444455556666", access, "", 403, nil)
	})
	j.step("GET /client with a user's token (no client scope): 403", func() error { return j.call("GET", "client", access, "", 403, nil) })
	j.step("a tampered token: 401", func() error { return j.call("GET", "user", tamper(access), "", 401, nil) })

	j.machineClient()

	j.step("POST /auth/logout with the refresh token: 200, Cognito's sessions ended, managed login's logout named", func() error {
		body := `{"refreshToken":"` + aws.ToString(tokens.RefreshToken) + `"}`
		var answer struct {
			HostedUILogoutURL string `json:"hostedUiLogoutUrl"`
		}
		if err := j.call("POST", "auth/logout", access, body, 200, &answer); err != nil {
			return err
		}
		want := strings.TrimSuffix(out[contract.OutputHostedUIBaseURL], "/") + "/logout?client_id=" + client
		if answer.HostedUILogoutURL != want {
			return fmt.Errorf("hostedUiLogoutUrl = %q; want %q", answer.HostedUILogoutURL, want)
		}
		return nil
	})
	j.step("the same access token after logout: 401", func() error { return j.call("GET", "user", access, "", 401, nil) })
	j.step("the same ID token after logout: 401", func() error { return j.call("GET", "user", aws.ToString(tokens.IdToken), "", 401, nil) })
	j.step("deny-list holds the session and the user's sign-out time", func() error {
		claims, err := payload(access)
		if err != nil {
			return err
		}
		session, _ := claims["origin_jti"].(string)
		ddb := dynamodb.NewFromConfig(j.cfg)
		for _, key := range []string{"session#" + session, "user#" + janeSub} {
			item, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(out[contract.OutputDenyListTableName]), ConsistentRead: aws.Bool(true),
				Key: map[string]ddbtypes.AttributeValue{"pk": &ddbtypes.AttributeValueMemberS{Value: key}}})
			if err != nil {
				return err
			}
			if len(item.Item) == 0 {
				return fmt.Errorf("no deny-list item %q", key)
			}
			if _, ok := item.Item["expiresAt"]; !ok {
				return fmt.Errorf("deny-list item %q has no expiresAt (TTL)", key)
			}
		}
		return nil
	})
	j.step("refresh with the revoked refresh token is refused", func() error {
		_, err := j.idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(client), AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
		var na *ciptypes.NotAuthorizedException
		if !errors.As(err, &na) {
			return fmt.Errorf("refresh after logout = %v; want NotAuthorizedException", err)
		}
		return nil
	})

	admin := "admin-" + random(4) + "@example.com"
	j.step("an administrator (admin-created, in the admin group)", func() error {
		if _, err := j.idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(pool), Username: aws.String(admin),
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(admin)}, {Name: aws.String("email_verified"), Value: aws.String("true")}},
			MessageAction:  ciptypes.MessageActionTypeSuppress}); err != nil {
			return err
		}
		if _, err := j.idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(pool), Username: aws.String(admin),
			Password: aws.String(password), Permanent: true}); err != nil {
			return err
		}
		_, err := j.idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String(admin),
			GroupName: aws.String(stackName + "-admin")})
		return err
	})
	j.step("the administrator reads the user: GET /users/<user's sub> 200", func() error {
		t, err := j.signInSRP(pool, client, admin, password)
		if err != nil {
			return err
		}
		return j.call("GET", "users/"+janeSub, aws.ToString(t.AccessToken), "", 200, nil)
	})

	j.userEvents(sqsc, queueURL)
	j.backupAndRestore()
}

// machineClient gets a client-credentials token as a backend would (the
// token endpoint, with the machine client's secret) and checks that the API
// treats it as a client, not a user.
func (j *journey) machineClient() {
	ctx, out := j.ctx, j.out
	var token string
	j.step("machine client: client-credentials token from /oauth2/token", func() error {
		c, err := j.idp.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(out[contract.OutputUserPoolID]), ClientId: aws.String(out[contract.OutputMachineClientID])})
		if err != nil {
			return err
		}
		form := url.Values{"grant_type": {"client_credentials"}, "scope": {out[contract.OutputResourceServerIdentifier] + "/client"}}
		req, err := http.NewRequestWithContext(ctx, "POST", aws.ToString(j.cfg.BaseEndpoint)+"/oauth2/token", strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		// The token endpoint is on the hosted UI's domain (the custom one).
		if u, err := url.Parse(out[contract.OutputHostedUIBaseURL]); err == nil {
			req.Host = u.Host
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(out[contract.OutputMachineClientID], aws.ToString(c.UserPoolClient.ClientSecret))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var answer struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil || resp.StatusCode != 200 || answer.AccessToken == "" {
			return fmt.Errorf("token endpoint: %d %v", resp.StatusCode, err)
		}
		token = answer.AccessToken
		return nil
	})
	j.step("GET /client with the machine token: 200, principal machine", func() error {
		var body struct {
			Identity struct{ Principal, Username string }
		}
		if err := j.call("GET", "client", token, "", 200, &body); err != nil {
			return err
		}
		if body.Identity.Principal != "machine" || body.Identity.Username != "" {
			return fmt.Errorf("identity = %+v; want principal machine without a user name", body.Identity)
		}
		return nil
	})
	j.step("GET /user with the machine token: 403 (a client is not a user)", func() error { return j.call("GET", "user", token, "", 403, nil) })
	j.step("POST /auth/logout with the machine token: 403 (no session)", func() error {
		return j.call("POST", "auth/logout", token, "", 403, nil)
	})
}

// userEvents checks the user-events topic: events of the triggers the
// emulator fired, and a documented post-confirmation event sent to the
// deployed function the pool names as its trigger.
func (j *journey) userEvents(sqsc *sqs.Client, queueURL string) {
	ctx := j.ctx
	schema := compileSchema(j.t)
	fired := j.drain(sqsc, queueURL, schema, time.Second, 1)
	if len(fired) == 0 {
		j.skip("user events of the sign-up and sign-ins above",
			"ministack 1.5.33 fires no post confirmation or pre/post authentication trigger")
	} else {
		j.t.Logf("  the emulator fired user-event triggers: %v", fired)
	}
	desc, err := j.idp.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(j.out[contract.OutputUserPoolID])})
	if err != nil {
		j.t.Fatal(err)
	}
	lc := desc.UserPool.LambdaConfig
	invoke := func(fn, file string) error {
		if fn == "" {
			return fmt.Errorf("the user pool has no trigger for %s", file)
		}
		event, err := os.ReadFile(filepath.Join(repoRoot(), "testdata", "events", file))
		if err != nil {
			return err
		}
		res, err := lambda.NewFromConfig(j.cfg).Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(fn), Payload: event})
		if err != nil {
			return err
		}
		if res.FunctionError != nil {
			return fmt.Errorf("%s: %s", aws.ToString(res.FunctionError), res.Payload)
		}
		return nil
	}
	j.step("post confirmation trigger, invoked with AWS's sample event, publishes a valid event", func() error {
		if err := invoke(aws.ToString(lc.PostConfirmation), "reference/CognitoCreateUserPostConfirmation.json"); err != nil {
			return err
		}
		got := j.drain(sqsc, queueURL, schema, 10*time.Second, 1)
		if len(got) != 1 || got[0].EventType != "SignUpConfirmed" || got[0].ClientID == "" {
			return fmt.Errorf("events on the queue: %+v; want one SignUpConfirmed with its clientId", got)
		}
		return nil
	})
	j.step("a Cognito retry of an admin confirmation: same event id, no client id", func() error {
		// Attempt and retry of one AdminConfirmSignUp (callerContext.clientId = CLIENT_ID_NOT_APPLICABLE)
		for i := 0; i < 2; i++ {
			if err := invoke(aws.ToString(lc.PostConfirmation), "aws/postconfirmation-admin.json"); err != nil {
				return err
			}
		}
		got := j.drain(sqsc, queueURL, schema, 10*time.Second, 2)
		if len(got) != 2 || got[0].EventID != got[1].EventID {
			return fmt.Errorf("events on the queue: %+v; want two deliveries of one event id", got)
		}
		if got[0].ClientID != "" {
			return fmt.Errorf("clientId %q; want none for an administrator's action", got[0].ClientID)
		}
		// The id is the one the first attempt claimed in the deployed table
		// (not the time-window fallback, which two quick attempts share too).
		cfg, err := lambda.NewFromConfig(j.cfg).GetFunctionConfiguration(ctx, &lambda.GetFunctionConfigurationInput{FunctionName: lc.PostConfirmation})
		if err != nil {
			return err
		}
		event, _ := os.ReadFile(filepath.Join(repoRoot(), "testdata", "events", "aws", "postconfirmation-admin.json"))
		item, err := dynamodb.NewFromConfig(j.cfg).GetItem(ctx, &dynamodb.GetItemInput{
			TableName: aws.String(cfg.Environment.Variables[contract.EnvEventIDTable]), ConsistentRead: aws.Bool(true),
			Key: map[string]ddbtypes.AttributeValue{contract.EventIDKey: &ddbtypes.AttributeValueMemberS{Value: userevent.RequestKey(event)}},
		})
		if err != nil {
			return err
		}
		if v, ok := item.Item[contract.EventIDValue].(*ddbtypes.AttributeValueMemberS); !ok || v.Value != got[0].EventID {
			return fmt.Errorf("event-id table holds %v for the request; want the published id %s", item.Item, got[0].EventID)
		}
		return nil
	})
	j.step("pre authentication of a user who does not exist: no error, no event", func() error {
		if err := invoke(aws.ToString(lc.PreAuthentication), "aws/preauthentication-user-not-found.json"); err != nil {
			return fmt.Errorf("the trigger answered an error (it would reveal the account does not exist): %w", err)
		}
		if got := j.drain(sqsc, queueURL, schema, 2*time.Second, 1); len(got) != 0 {
			return fmt.Errorf("events on the queue: %+v; want none", got)
		}
		return nil
	})
}

// delivered is what the journey reads of a user event.
type delivered struct {
	EventID   string `json:"eventId"`
	EventType string `json:"eventType"`
	ClientID  string `json:"clientId"`
}

// drain receives what reaches the queue within wait (returning once want
// messages arrived), validating each against docs/events.schema.json.
func (j *journey) drain(sqsc *sqs.Client, queueURL string, schema *jsonschema.Schema, wait time.Duration, want int) []delivered {
	var got []delivered
	deadline := time.Now().Add(wait)
	for time.Now().Before(deadline) && len(got) < want {
		r, err := sqsc.ReceiveMessage(j.ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			j.t.Fatal(err)
		}
		for _, m := range r.Messages {
			var envelope struct{ Message string }
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &envelope); err != nil {
				j.t.Fatalf("SNS envelope: %v", err)
			}
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(envelope.Message))
			if err != nil {
				j.t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				j.t.Fatalf("user event does not match docs/events.schema.json: %v\n%s", err, envelope.Message)
			}
			var e delivered
			json.Unmarshal([]byte(envelope.Message), &e)
			got = append(got, e)
			sqsc.DeleteMessage(j.ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
	return got
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	c := jsonschema.NewCompiler()
	s, err := c.Compile(filepath.Join(repoRoot(), "docs", "events.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signInSRP signs in with USER_SRP_AUTH and answers PASSWORD_VERIFIER.
func (j *journey) signInSRP(pool, client, username, password string) (*ciptypes.AuthenticationResultType, error) {
	// The sign-in authctl runs (package srp's proof), shared with the CLI.
	result, err := authctl.SignIn(j.ctx, j.idp, authctl.SignInInput{PoolID: pool, ClientID: client, Username: username, Password: password})
	if err != nil {
		return nil, err
	}
	// A wrong password must fail the same proof (the emulator verifies it).
	_, err = authctl.SignIn(j.ctx, j.idp, authctl.SignInInput{PoolID: pool, ClientID: client, Username: username, Password: password + "-wrong"})
	var na *ciptypes.NotAuthorizedException
	if !errors.As(err, &na) {
		return nil, fmt.Errorf("a wrong password's proof answered %v; want NotAuthorizedException", err)
	}
	return result, nil
}

// call sends method path (relative to the API's stage) with a bearer token
// when token is set, checks the status and decodes the JSON body into v.
func (j *journey) call(method, path, token, body string, status int, v interface{}) error {
	req, err := http.NewRequestWithContext(j.ctx, method, j.api+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	if j.apiHost != "" {
		req.Host = j.apiHost
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		return fmt.Errorf("%s /%s = %d %s; want %d", method, path, resp.StatusCode, b, status)
	}
	var answer struct {
		Status int `json:"status"`
	}
	if err := json.Unmarshal(b, &answer); err != nil || answer.Status != status {
		return fmt.Errorf("%s /%s: body %s is not the JSON answer of status %d", method, path, b, status)
	}
	if v != nil {
		return json.Unmarshal(b, v)
	}
	return nil
}

func payload(token string) (map[string]interface{}, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var m map[string]interface{}
	return m, json.Unmarshal(b, &m)
}

// tamper flips one character of the payload, keeping the signature.
func tamper(token string) string {
	i := strings.IndexByte(token, '.') + 5
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}

func random(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// sameButArchitecture compares a template synthesized for the emulator with
// the golden one: they may differ only in the functions' Architectures and
// what follows from it (asset keys, and the ids of API deployments, which
// hash the authorizer function), and in the CLI's construct-path metadata.
func sameButArchitecture(local, golden string) error {
	var docs [2]string
	for i, path := range []string{local, golden} {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var tpl map[string]interface{}
		if err := json.Unmarshal(b, &tpl); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		resources, _ := tpl["Resources"].(map[string]interface{})
		var rename []string
		for id, r := range resources {
			res := r.(map[string]interface{})
			delete(res, "Metadata")
			props, _ := res["Properties"].(map[string]interface{})
			switch res["Type"] {
			case "AWS::Lambda::Function":
				delete(props, "Architectures")
				if code, ok := props["Code"].(map[string]interface{}); ok {
					delete(code, "S3Key")
				}
			case "AWS::ApiGateway::Deployment":
				rename = append(rename, id, "ApiDeploymentNormalized")
			}
		}
		b, _ = json.Marshal(tpl) // sorted keys
		docs[i] = strings.NewReplacer(rename...).Replace(string(b))
	}
	if docs[0] != docs[1] {
		i := 0
		for i < len(docs[0]) && i < len(docs[1]) && docs[0][i] == docs[1][i] {
			i++
		}
		from := max(0, i-200)
		return fmt.Errorf("%s differs from %s beyond the architecture; first difference:\n  local:  ...%s\n  golden: ...%s",
			local, golden, docs[0][from:min(len(docs[0]), i+100)], docs[1][from:min(len(docs[1]), i+100)])
	}
	return nil
}
