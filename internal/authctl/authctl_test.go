package authctl

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/localdeploy"
)

// GIVEN a new user WHEN they sign up, confirm, sign in, call the API, check
// who they are and sign out THEN every step works from the outputs file
// alone, the tokens are cached owner-only, and after logout the API
// refuses the old token and the cache is gone.
func TestUserJourney(t *testing.T) {
	h := newHarness(t)
	out := h.mustRun("Correct-Horse-9\n", "signup", "jane@example.com")
	if !strings.Contains(out, "authctl confirm jane@example.com CODE") || !strings.Contains(out, "j***@e***") {
		t.Errorf("signup said %q; want the next step and where the code went", out)
	}
	if got := h.cog.users["jane@example.com"].attrs["email"]; got != "jane@example.com" {
		t.Errorf("email attribute = %q; want the username (it is an address)", got)
	}
	h.mustRun("", "confirm", "jane@example.com", "123456")
	out = h.mustRun("Correct-Horse-9\n", "login", "jane@example.com")
	if strings.Contains(out, "eyJ") {
		t.Errorf("login printed a token without --show-tokens: %s", out)
	}
	if !h.cog.called("InitiateAuth/USER_SRP_AUTH") || !h.cog.called("RespondToAuthChallenge/PASSWORD_VERIFIER") {
		t.Errorf("calls %v; want an SRP sign-in", h.cog.calls)
	}
	for _, r := range h.cog.responses {
		if _, ok := r["PASSWORD"]; ok {
			t.Errorf("the password was sent to Cognito: %v", r)
		}
	}
	cache := filepath.Join(h.configDir, "authstack", "authctl", "authdev-development.eu-west-1.json")
	info, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 || mustStat(t, filepath.Dir(cache)).Mode().Perm() != 0o700 {
		t.Errorf("cache mode %v, directory %v; want 0600 and 0700", info.Mode().Perm(), mustStat(t, filepath.Dir(cache)).Mode().Perm())
	}
	out = h.mustRun("", "call", "GET", "/user")
	if !strings.Contains(out, `"sub": "00000000-1111-4222-8333-444455556666"`) {
		t.Errorf("call GET /user = %s; want the user's identity", out)
	}
	out = h.mustRun("", "whoami", "-o", "json")
	var claims map[string]interface{}
	if err := json.Unmarshal([]byte(out), &claims); err != nil || claims["cognito:username"] != "jane@example.com" || claims["token_use"] != "id" {
		t.Errorf("whoami = %s (%v); want the ID token's claims", out, err)
	}
	out = h.mustRun("", "logout")
	if !strings.Contains(out, "the API refuses the old tokens") || !strings.Contains(out, "/logout?client_id=") {
		t.Errorf("logout said %q", out)
	}
	if _, err := os.Stat(cache); !os.IsNotExist(err) {
		t.Errorf("the cache survived logout: %v", err)
	}
	if code, _, errOut := h.run("", "call", "GET", "/user"); code != ExitAuth || !strings.Contains(errOut, "authctl login") {
		t.Errorf("call after logout = %d %s; want %d and the next step", code, errOut, ExitAuth)
	}
}

func mustStat(t *testing.T, path string) os.FileInfo {
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// GIVEN a signed-in user WHEN the API has revoked the session (logout
// elsewhere) THEN call exits 9 with the status and logout still clears the
// cache.
func TestCallRefusedAndLogoutOfARevokedSession(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	h.mustRun("", "call", "GET", "/user")
	for k := range h.api.revoked {
		delete(h.api.revoked, k)
	}
	claims := mustClaims(t, h)
	h.api.revoked[claims["origin_jti"].(string)] = true
	code, out, errOut := h.run("", "call", "GET", "/user")
	if code != ExitFailed || !strings.Contains(errOut, "answered 401") || !strings.Contains(out, "Unauthorized") {
		t.Errorf("call = %d, %q, %q; want %d, the body, and the status", code, out, errOut, ExitFailed)
	}
	s, _, _ := (&app{deps: h.deps("", nil, nil)}).loadSession(testTarget())
	code, out, errOut = h.run("", "logout")
	if code != 0 || !strings.Contains(errOut, "no longer accepts") || !strings.Contains(out, "Signed jane@example.com out") {
		t.Errorf("logout = %d, %q, %q; want the cache deleted and the reason", code, out, errOut)
	}
	if !h.cog.revoked[s.RefreshToken] {
		t.Error("the refresh token was not revoked with Cognito when the API refused the access token")
	}
}

func mustClaims(t *testing.T, h *harness) map[string]interface{} {
	t.Helper()
	s, _, err := (&app{deps: h.deps("", nil, nil)}).loadSession(testTarget())
	if err != nil {
		t.Fatal(err)
	}
	c, err := tokenClaims(s.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// GIVEN cached tokens that expired WHEN the user calls the API THEN authctl
// refreshes them first (REFRESH_TOKEN_AUTH), keeping the refresh token
// Cognito does not rotate; a revoked refresh token means sign in again.
func TestExpiredTokensAreRefreshed(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	h.now = h.now.Add(2 * time.Hour)
	h.mustRun("", "call", "GET", "/user")
	if !h.cog.called("InitiateAuth/REFRESH_TOKEN_AUTH") {
		t.Fatalf("calls %v; want a refresh", h.cog.calls)
	}
	s, _, _ := (&app{deps: h.deps("", nil, nil)}).loadSession(testTarget())
	if !strings.HasPrefix(s.RefreshToken, "refresh-jane@example.com-") || !s.Expires.After(h.now) {
		t.Errorf("after refresh: %+v; want the old refresh token kept and a new expiry", s)
	}
	h.cog.revoked[s.RefreshToken] = true
	h.now = h.now.Add(2 * time.Hour)
	code, _, errOut := h.run("", "whoami")
	if code != ExitAuth || !strings.Contains(errOut, "session has ended") {
		t.Errorf("whoami with a revoked refresh token = %d %q; want %d", code, errOut, ExitAuth)
	}
}

// GIVEN the token cache was made readable by others THEN authctl refuses it.
func TestCacheReadableByOthersIsRefused(t *testing.T) {
	h := newHarness(t)
	h.signedIn()
	path := filepath.Join(h.configDir, "authstack", "authctl", "authdev-development.eu-west-1.json")
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := h.run("", "call", "GET", "/user"); code != ExitAuth || !strings.Contains(errOut, "can be read by others") {
		t.Errorf("call = %d %q; want the cache refused", code, errOut)
	}
}

// Cognito's challenges after the password, answered from standard input
// with the responses RespondToAuthChallenge documents.
func TestLoginChallenges(t *testing.T) {
	for _, tc := range []struct {
		name       string
		challenges []ciptypes.ChallengeNameType
		stdin      string
		want       map[string]string // responses of the last challenge
	}{
		{"new password with a required attribute", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeNewPasswordRequired}, "New-Password-1\nJane Doe\n",
			map[string]string{"NEW_PASSWORD": "New-Password-1", "userAttributes.name": "Jane Doe", "USERNAME": "00000000-1111-4222-8333-444455556666"}},
		{"authenticator code", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeSoftwareTokenMfa}, "654321\n", map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "654321"}},
		{"SMS code", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeSmsMfa}, "654321\n", map[string]string{"SMS_MFA_CODE": "654321"}},
		{"email code", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeEmailOtp}, "654321\n", map[string]string{"EMAIL_OTP_CODE": "654321"}},
		{"choose a factor", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeSelectMfaType}, "SOFTWARE_TOKEN_MFA\n654321\n", map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "654321"}},
		{"set up MFA during sign-in", []ciptypes.ChallengeNameType{ciptypes.ChallengeNameTypeMfaSetup}, "654321\n", map[string]string{"USERNAME": "00000000-1111-4222-8333-444455556666"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.mustRun("Correct-Horse-9\n", "signup", "jane@example.com")
			h.mustRun("", "confirm", "--admin", "jane@example.com")
			h.cog.challenges = tc.challenges
			h.mustRun("Correct-Horse-9\n"+tc.stdin, "login", "jane@example.com", "--show-secret")
			last := h.cog.responses[len(h.cog.responses)-1]
			for k, v := range tc.want {
				if last[k] != v {
					t.Errorf("responses %v; want %s=%q", last, k, v)
				}
			}
			if _, err := os.Stat(filepath.Join(h.configDir, "authstack", "authctl", "authdev-development.eu-west-1.json")); err != nil {
				t.Errorf("no tokens cached: %v", err)
			}
		})
	}
}

// GIVEN each exception Cognito documents for the user flows THEN authctl
// exits with its code and a sentence with the next step, and Cognito's
// detail (a trigger's reason) is kept.
func TestCognitoErrorsAreExplained(t *testing.T) {
	for _, tc := range []struct {
		op   string
		err  error
		args []string
		code int
		want []string
	}{
		{"InitiateAuth/USER_SRP_AUTH", &ciptypes.NotAuthorizedException{Message: aws.String("Incorrect username or password.")}, []string{"login", "jane@example.com"}, ExitAuth, []string{"password is wrong", "forgot-password"}},
		{"InitiateAuth/USER_SRP_AUTH", &ciptypes.UserNotConfirmedException{Message: aws.String("User is not confirmed.")}, []string{"login", "jane@example.com"}, ExitAuth, []string{"not confirmed", "authctl confirm"}},
		{"InitiateAuth/USER_SRP_AUTH", &ciptypes.PasswordResetRequiredException{Message: aws.String("Password reset required for the user")}, []string{"login", "jane@example.com"}, ExitAuth, []string{"forgot-password"}},
		{"InitiateAuth/USER_SRP_AUTH", &ciptypes.TooManyRequestsException{Message: aws.String("Rate exceeded")}, []string{"login", "jane@example.com"}, ExitThrottled, []string{"throttling"}},
		{"SignUp", &ciptypes.UserLambdaValidationException{Message: aws.String("PreSignUp failed with error Please sign up with a permanent email address.")}, []string{"signup", "x@mailinator.com"}, ExitInvalid, []string{"trigger", "Please sign up with a permanent email address"}},
		{"SignUp", &ciptypes.UsernameExistsException{Message: aws.String("User already exists")}, []string{"signup", "jane@example.com"}, ExitConflict, []string{"already exists", "authctl login"}},
		{"SignUp", &ciptypes.InvalidPasswordException{Message: aws.String("Password did not conform with policy: Password must have symbol characters")}, []string{"signup", "jane@example.com"}, ExitInvalid, []string{"password policy", "must have symbol"}},
		{"ConfirmSignUp", &ciptypes.CodeMismatchException{Message: aws.String("Invalid verification code provided, please try again.")}, []string{"confirm", "jane@example.com", "000000"}, ExitInvalid, []string{"code is wrong", "resend-code"}},
		{"ConfirmSignUp", &ciptypes.ExpiredCodeException{Message: aws.String("Invalid code provided, please request a code again.")}, []string{"confirm", "jane@example.com", "000000"}, ExitInvalid, []string{"expired", "resend-code"}},
		{"ResendConfirmationCode", &ciptypes.LimitExceededException{Message: aws.String("Attempt limit exceeded, please try after some time.")}, []string{"resend-code", "jane@example.com"}, ExitThrottled, []string{"limit"}},
		{"AdminGetUser", &ciptypes.UserNotFoundException{Message: aws.String("User does not exist.")}, []string{"users", "get", "nobody"}, ExitNotFound, []string{"no such user", "users list"}},
		{"ForgotPassword", &ciptypes.CodeDeliveryFailureException{Message: aws.String("Unable to deliver message")}, []string{"forgot-password", "jane"}, ExitError, []string{"could not deliver"}},
	} {
		t.Run(tc.op+"/"+tc.args[0], func(t *testing.T) {
			h := newHarness(t)
			h.cog.fail[tc.op] = tc.err
			h.cog.users["jane@example.com"] = &fakeUser{confirmed: true, enabled: true, attrs: map[string]string{}}
			code, _, errOut := h.run("Correct-Horse-9\n", tc.args...)
			if code != tc.code {
				t.Errorf("exit %d; want %d (stderr %q)", code, tc.code, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr %q lacks %q", errOut, w)
				}
			}
		})
	}
}

// GIVEN a client without USER_PASSWORD_AUTH WHEN --password-auth THEN the
// error says to use SRP.
func TestPasswordAuthWhereTheClientRefusesIt(t *testing.T) {
	h := newHarness(t)
	h.cog.users["jane"] = &fakeUser{confirmed: true, enabled: true}
	code, _, errOut := h.run("pw\n", "login", "jane", "--password-auth")
	if code != ExitInvalid || !strings.Contains(errOut, "sign in with SRP") {
		t.Errorf("exit %d %q; want %d and the SRP advice", code, errOut, ExitInvalid)
	}
}

// The environment: an outputs file, CloudFormation by environment name, a
// local deployment, or a clear usage error.
func TestTargets(t *testing.T) {
	h := newHarness(t)
	// The file holds a certificate stack too: the one with a UserPoolId is chosen.
	out := h.mustRun("", "urls", "-o", "json")
	var urls struct {
		Clients map[string]struct{ SignIn, SignUp string }
	}
	if err := json.Unmarshal([]byte(out), &urls); err != nil {
		t.Fatal(err)
	}
	if web := urls.Clients["web"]; !strings.Contains(web.SignIn, "/login?client_id="+testClient) || !strings.Contains(web.SignUp, "/signup?client_id="+testClient) {
		t.Errorf("urls = %+v; want web's sign-in and sign-up URLs", urls)
	}

	t.Run("env reads the stack of the reference environment in its region", func(t *testing.T) {
		h.mustRun("", "--env", "development", "urls")
		if len(h.stacks.asked) != 1 || h.stacks.asked[0] != "authdev-development@eu-west-1" {
			t.Errorf("DescribeStacks asked %v; want authdev-development in eu-west-1", h.stacks.asked)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"an unknown environment", []string{"--env", "staging", "urls"}, ExitNotFound, `No environment "staging"`},
		{"a stack not deployed", []string{"--env", "production", "urls"}, ExitNotFound, "does not exist"},
		{"two selectors", []string{"--env", "test", "--local", "urls"}, ExitUsage, "choose one of"},
		{"a missing outputs file", []string{"--outputs-file", "/nonexistent.json", "urls"}, ExitUsage, "cdk deploy STACK --outputs-file"},
		{"a missing local deployment", []string{"--local=/nonexistent/local.json", "urls"}, ExitUsage, "make local"},
		{"--local FILE without =", []string{"--local", "/x/local.json", "urls"}, ExitUsage, "--local=FILE"},
		{"no environment at all", []string{"urls"}, ExitUsage, "No environment given"},
		{"an unknown client", []string{"--outputs-file", h.outputs, "--client", "tv", "login", "x"}, ExitNotFound, "has no app client \"tv\" (it has ios, web)"},
		{"a bad output format", []string{"--outputs-file", h.outputs, "-o", "yaml", "urls"}, ExitUsage, "choose text or json"},
		{"an unknown command", []string{"--outputs-file", h.outputs, "fly"}, ExitUsage, "unknown command"},
		{"a missing argument", []string{"--outputs-file", h.outputs, "confirm"}, ExitUsage, "arg(s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "no environment at all" {
				// Main looks for .local/local.json in the working directory.
				t.Chdir(t.TempDir())
			}
			code, _, errOut := h.runArgs(tc.args)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d %q; want %d and %q", code, errOut, tc.code, tc.want)
			}
		})
	}
	t.Run("tokens are not sent to an API other than theirs", func(t *testing.T) {
		h := newHarness(t)
		h.signedIn()
		o := testOutputs()
		o["ApiUrl"] = "https://evil.example/v1/"
		b, _ := json.Marshal(map[string]interface{}{"authdev-development": o})
		other := filepath.Join(t.TempDir(), "outputs.json")
		if err := os.WriteFile(other, b, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := h.run("", "--outputs-file", other, "call", "GET", "/user")
		if code != ExitAuth || !strings.Contains(errOut, "will not send them there") {
			t.Errorf("call with an outputs file naming another API = %d %q; want %d", code, errOut, ExitAuth)
		}
	})
	t.Run("a local state file naming another host is refused", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "local.json")
		if err := localdeploy.WriteState(state, &localdeploy.State{Endpoint: "https://emulator.example.com", Region: "eu-west-1", Stack: "s", Outputs: testOutputs()}); err != nil {
			t.Fatal(err)
		}
		if code, _, errOut := h.runArgs([]string{"--local=" + state, "urls"}); code != ExitUsage || !strings.Contains(errOut, "not on this machine") {
			t.Errorf("a non-loopback emulator = %d %q", code, errOut)
		}
	})
	t.Run("a local deployment routes through the emulator", func(t *testing.T) {
		state := filepath.Join(t.TempDir(), "local.json")
		o := testOutputs()
		if err := localdeploy.WriteState(state, &localdeploy.State{Endpoint: h.api.srv.URL, Region: "eu-west-1", Stack: "authdev-development", Outputs: o}); err != nil {
			t.Fatal(err)
		}
		h.mustRun("Correct-Horse-9\n", "--local="+state, "signup", "joe@example.com")
		h.mustRun("", "--local="+state, "confirm", "--admin", "joe@example.com")
		h.mustRun("Correct-Horse-9\n", "--local="+state, "login", "joe@example.com")
		out := h.mustRun("", "--local="+state, "call", "GET", "/user")
		if !strings.Contains(out, "identity") {
			t.Errorf("call through the local deployment = %s", out)
		}
		if _, err := os.Stat(filepath.Join(h.configDir, "authstack", "authctl", "local-authdev-development.json")); err != nil {
			t.Errorf("the local deployment's tokens are not cached apart: %v", err)
		}
	})
}
