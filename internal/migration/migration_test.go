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

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/authstack/authstack/internal/telemetry"
	"github.com/authstack/authstack/internal/testevents"
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

func event(t *testing.T, source, user, password string) events.CognitoEventUserPoolsMigrateUser {
	var ev events.CognitoEventUserPoolsMigrateUser
	testevents.Decode(t, "lambda-go/cognito-event-userpools-migrateuser.json", &ev)
	ev.TriggerSource, ev.UserName, ev.Password = source, user, password
	return ev
}

func TestMigratesOnSignIn(t *testing.T) {
	srv := legacy(t, 0)
	defer srv.Close()
	h, buf, secrets := handler(t, srv, `{"token":"s3cret"}`)
	out, err := h.Handle(context.Background(), event(t, "UserMigration_Authentication", "jane@example.com", "right"))
	if err != nil {
		t.Fatal(err)
	}
	r := out.CognitoEventUserPoolsMigrateUserResponse
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
	if testevents.Counted(t, buf.Buffer, telemetry.UsersMigrated) != 2 {
		t.Error("migrations not counted")
	}
}

func TestForgotPasswordLeavesStatusToCognito(t *testing.T) {
	srv := legacy(t, 0)
	defer srv.Close()
	h, _, _ := handler(t, srv, `{"token":"s3cret"}`)
	out, err := h.Handle(context.Background(), event(t, "UserMigration_ForgotPassword", "jane@example.com", ""))
	if err != nil || out.FinalUserStatus != "" || out.MessageAction != "SUPPRESS" {
		t.Errorf("forgot password: %+v, %v", out.CognitoEventUserPoolsMigrateUserResponse, err)
	}
}

func TestFailuresAreGeneric(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		secret  string
		user    string
		pass    string
		counted bool
	}{
		{"wrong password", 0, `{"token":"s3cret"}`, "jane@example.com", "wrong", false},
		{"unknown user", 0, `{"token":"s3cret"}`, "bob@example.com", "x", false},
		{"empty password", 0, `{"token":"s3cret"}`, "jane@example.com", "", false},
		{"legacy 500", 500, `{"token":"s3cret"}`, "jane@example.com", "right", true},
		{"secret unreadable", 0, "", "jane@example.com", "right", true},
		{"secret malformed", 0, `{"tok":1}`, "jane@example.com", "right", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := legacy(t, tc.status)
			defer srv.Close()
			h, buf, _ := handler(t, srv, tc.secret)
			_, err := h.Handle(context.Background(), event(t, "UserMigration_Authentication", tc.user, tc.pass))
			if err == nil || err.Error() != MsgSignInFailed {
				t.Errorf("err = %v; want %q", err, MsgSignInFailed)
			}
			if got := testevents.Counted(t, buf.Buffer, telemetry.MigrationFailures) == 1; got != tc.counted {
				t.Errorf("failure counted = %v; want %v", got, tc.counted)
			}
		})
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
	env := map[string]string{EnvEndpoint: "http://legacy", EnvSecretID: "arn"}
	if _, err := FromEnv(func(k string) string { return env[k] }, nil, nil, nil); err == nil {
		t.Error("FromEnv accepted http://")
	}
}
