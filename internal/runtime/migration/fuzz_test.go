package migration

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzHandle feeds a migration what the user (user name, password) and the
// legacy endpoint (status, body) control. Properties: no panic; only a 200
// migrates; the migrated user has only attributes Cognito lets a migration
// set, with a verified email; the password never reaches the logs.
func FuzzHandle(f *testing.F) {
	f.Add("jane@example.com", "right", 200, []byte(`{"attributes":{"email":"Jane@Example.com","name":"Jane","cognito:user_status":"x","custom:t":"1"}}`))
	f.Add("jane@example.com", "right", 200, []byte(`{"attributes":{"email":`))
	f.Add("jane@example.com", "right", 200, []byte(`{"attributes":null}`))
	f.Add("jane@example.com", "wrong", 401, []byte(``))
	f.Add("x", "p4ssw0rd-long", 500, []byte(`{"error":"p4ssw0rd-long"}`))
	f.Add("x", "right", 307, []byte(``))
	var status int
	var body []byte
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status == http.StatusTemporaryRedirect {
			w.Header().Set("Location", "http://127.0.0.1:1/authenticate")
		}
		w.WriteHeader(status)
		w.Write(body)
	}))
	defer srv.Close()
	f.Fuzz(func(t *testing.T, user, password string, code int, resp []byte) {
		status, body = 200+((code%400)+400)%400, resp // 200-599
		var logs bytes.Buffer
		h, _, _ := handler(t, srv, `{"token":"s3cret"}`)
		h.Log = slog.New(slog.NewJSONHandler(&logs, nil))
		ev := event(t, "UserMigration_Authentication", user, password)
		out, err := h.Handle(context.Background(), ev)
		if err == nil && out.Response.UserAttributes != nil {
			if status != http.StatusOK {
				t.Fatalf("migrated on %d", status)
			}
			for k := range out.Response.UserAttributes {
				if !allowedAttributes[k] && !strings.HasPrefix(k, "custom:") && k != "email_verified" {
					t.Fatalf("migrated attribute %q", k)
				}
			}
			if out.Response.UserAttributes["email_verified"] != "true" {
				t.Fatal("email not verified")
			}
		}
		if len(password) >= 8 && !bytes.Contains(resp, []byte(password)) && !strings.Contains(user, password) && strings.Contains(logs.String(), password) {
			t.Fatalf("the password is in the logs: %s", logs.String())
		}
	})
}
