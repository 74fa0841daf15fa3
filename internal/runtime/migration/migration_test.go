package migration

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/testevents"
)

type fakeSecrets struct {
	calls atomic.Int32
	value string
}

func (f *fakeSecrets) GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.calls.Add(1)
	if f.value == "" {
		return nil, errors.New("AccessDenied")
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(f.value)}, nil
}

// legacy is a fake legacy endpoint with one user.
func legacy(t *testing.T, status int) *httptest.Server {
	return httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cret" {
			t.Errorf("Authorization = %q", r.Header.Get("Authorization"))
		}
		var body map[string]string
		json.NewDecoder(r.Body).Decode(&body)
		if status != 0 {
			w.WriteHeader(status)
			return
		}
		if body["username"] != "jane@example.com" || (r.URL.Path == "/authenticate" && body["password"] != "right") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]interface{}{"attributes": map[string]string{
			"email": "Jane@Example.com", "name": "Jane", "custom:tenant_id": "t1", "cognito:user_status": "x", "password_hash": "x",
		}})
	}))
}

func handler(t *testing.T, srv *httptest.Server, secret string) (*Handler, *testevents.Buffer, *fakeSecrets) {
	m, buf := testevents.Metrics()
	s := &fakeSecrets{value: secret}
	return &Handler{
		Directory: &Legacy{Endpoint: srv.URL, SecretID: "arn:secret", Secrets: s, HTTP: srv.Client()},
		Metrics:   m, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}, buf, s
}

// event is a migration event shaped as Cognito sends it (response fields null).
func event(t *testing.T, source, user, password string) Event {
	var ev Event
	file := "aws/migrateuser-authentication.json"
	if source == "UserMigration_ForgotPassword" {
		file = "aws/migrateuser-forgotpassword.json"
	}
	testevents.Decode(t, file, &ev)
	ev.TriggerSource, ev.UserName, ev.Request.Password = source, user, password
	return ev
}

// answer is the JSON Lambda returns to Cognito for out.
func answer(t *testing.T, out Event) map[string]interface{} {
	t.Helper()
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Response map[string]interface{} `json:"response"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Response
}

func TestMigratesOnSignIn(t *testing.T) {
	srv := legacy(t, 0)
	defer srv.Close()
	h, buf, secrets := handler(t, srv, `{"token":"s3cret"}`)
	out, err := h.Handle(context.Background(), event(t, "UserMigration_Authentication", "jane@example.com", "right"))
	if err != nil {
		t.Fatal(err)
	}
	r := out.Response
	if r.FinalUserStatus != "CONFIRMED" || r.MessageAction != "SUPPRESS" {
		t.Errorf("status %q, action %q; want CONFIRMED and SUPPRESS", r.FinalUserStatus, r.MessageAction)
	}
	want := map[string]string{"email": "jane@example.com", "email_verified": "true", "name": "Jane", "custom:tenant_id": "t1"}
	if len(r.UserAttributes) != len(want) {
		t.Errorf("attributes = %v; want %v (others dropped)", r.UserAttributes, want)
	}
	for k, v := range want {
		if r.UserAttributes[k] != v {
			t.Errorf("attribute %s = %q; want %q", k, r.UserAttributes[k], v)
		}
	}
	// The second call reuses the cached token.
	h.Handle(context.Background(), event(t, "UserMigration_ForgotPassword", "jane@example.com", ""))
	if secrets.calls.Load() != 1 {
		t.Errorf("secret read %d times; want 1 (cached)", secrets.calls.Load())
	}
	if testevents.Counted(t, buf.Buffer, contract.UsersMigrated) != 2 {
		t.Error("migrations not counted")
	}
}

func TestForgotPasswordLeavesStatusToCognito(t *testing.T) {
	srv := legacy(t, 0)
	defer srv.Close()
	h, _, _ := handler(t, srv, `{"token":"s3cret"}`)
	out, err := h.Handle(context.Background(), event(t, "UserMigration_ForgotPassword", "jane@example.com", ""))
	if err != nil {
		t.Fatal(err)
	}
	// finalUserStatus takes documented values only (CONFIRMED, RESET_REQUIRED):
	// in the forgot-password flow it is absent, not "".
	r := answer(t, out)
	if _, ok := r["finalUserStatus"]; ok || r["messageAction"] != "SUPPRESS" || r["userAttributes"] == nil {
		t.Errorf("forgot password answer = %v", r)
	}
}

func TestUnknownUsersLookLikeCognitosOwn(t *testing.T) {
	// An empty response with no error makes Cognito answer as for any user
	// who does not exist, when PreventUserExistenceErrors is on: "Amazon
	// Cognito returns a simulated response for users that don't exist when an
	// empty response was set in the original event context by the Lambda
	// trigger." An error would show as "UserMigration failed with error ...".
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
	cases := []struct{ name, source, user, pass string }{
		{"wrong password", "UserMigration_Authentication", "jane@example.com", "wrong"},
		{"unknown user", "UserMigration_Authentication", "bob@example.com", "x"},
		{"empty password", "UserMigration_Authentication", "jane@example.com", ""},
		{"unknown user, forgot password", "UserMigration_ForgotPassword", "bob@example.com", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := legacy(t, 0)
			defer srv.Close()
			h, buf, _ := handler(t, srv, `{"token":"s3cret"}`)
			out, err := h.Handle(context.Background(), event(t, tc.source, tc.user, tc.pass))
			if err != nil {
				t.Fatalf("err = %v; want none (an error reveals the account does not exist)", err)
			}
			if r := answer(t, out); len(r) != 0 {
				t.Errorf("response = %v; want {}", r)
			}
			if testevents.Counted(t, buf.Buffer, contract.MigrationFailures) != 0 || testevents.Counted(t, buf.Buffer, contract.UsersMigrated) != 0 {
				t.Errorf("metrics: %s", buf)
			}
		})
	}
}

func TestLegacyFailuresSayUnavailable(t *testing.T) {
	cases := []struct {
		name   string
		status int
		secret string
	}{
		{"legacy 500", 500, `{"token":"s3cret"}`},
		{"secret unreadable", 0, ""},
		{"secret malformed", 0, `{"tok":1}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := legacy(t, tc.status)
			defer srv.Close()
			h, buf, _ := handler(t, srv, tc.secret)
			_, err := h.Handle(context.Background(), event(t, "UserMigration_Authentication", "jane@example.com", "right"))
			if err == nil || err.Error() != MsgUnavailable {
				t.Errorf("err = %v; want %q", err, MsgUnavailable)
			}
			if testevents.Counted(t, buf.Buffer, contract.MigrationFailures) != 1 {
				t.Error("failure not counted")
			}
		})
	}
	// Cognito appends the period: the message must not end with one ("..").
	if strings.HasSuffix(MsgUnavailable, ".") {
		t.Errorf("MsgUnavailable %q ends with a period", MsgUnavailable)
	}
}

func TestHostile(t *testing.T) {
	srv := legacy(t, 0)
	defer srv.Close()
	h, _, _ := handler(t, srv, `{"token":"s3cret"}`)
	if _, err := h.Handle(context.Background(), event(t, "UserMigration_Teleport", "jane@example.com", "right")); err == nil || !strings.Contains(err.Error(), "unsupported trigger source") {
		t.Errorf("unknown source: %v", err)
	}
	if _, err := FromEnv(func(string) string { return "" }, nil, nil, nil); err == nil {
		t.Error("FromEnv accepted an empty endpoint")
	}
	env := map[string]string{contract.EnvMigrationEndpoint: "http://legacy", contract.EnvMigrationSecretARN: "arn"}
	if _, err := FromEnv(func(k string) string { return env[k] }, nil, nil, nil); err == nil {
		t.Error("FromEnv accepted http://")
	}
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	// GIVEN a legacy endpoint that redirects, and the place it points to
	var reached atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		json.NewEncoder(w).Encode(map[string]interface{}{"attributes": map[string]string{"email": "jane@example.com"}})
	}))
	defer elsewhere.Close()
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound, http.StatusMovedPermanently, http.StatusSeeOther} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+r.URL.Path, status)
			}))
			defer srv.Close()
			h, buf, _ := handler(t, srv, `{"token":"s3cret"}`)
			// WHEN a sign-in is migrated
			out, err := h.Handle(context.Background(), event(t, "UserMigration_Authentication", "jane@example.com", "right"))
			// THEN the password went nowhere else, nobody is migrated, and it counts as a failure
			if reached.Load() != 0 {
				t.Fatalf("the redirect target received %d requests", reached.Load())
			}
			if err == nil || err.Error() != MsgUnavailable || out.Response.UserAttributes != nil {
				t.Errorf("Handle = %+v, %v; want the migration refused", out.Response, err)
			}
			if testevents.Counted(t, buf.Buffer, contract.MigrationFailures) != 1 {
				t.Error("redirect not counted as a migration failure")
			}
		})
	}
}
