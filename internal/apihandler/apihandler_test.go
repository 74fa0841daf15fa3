package apihandler

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/jwtverify"
	"github.com/authstack/authstack/internal/jwtverify/jwttest"
	"github.com/authstack/authstack/internal/testevents"
)

type staticKeys map[string]*rsa.PublicKey

func (s staticKeys) Key(_ context.Context, kid string) (*rsa.PublicKey, error) { return s[kid], nil }

type fakeRevoker struct {
	calls int
	err   error
}

func (f *fakeRevoker) Revoke(context.Context, *jwtverify.Claims, time.Time) error {
	f.calls++
	return f.err
}

type fakeCognito struct {
	revoked, signedOut int
	err                error
}

func (f *fakeCognito) RevokeToken(context.Context, *cip.RevokeTokenInput, ...func(*cip.Options)) (*cip.RevokeTokenOutput, error) {
	f.revoked++
	return &cip.RevokeTokenOutput{}, f.err
}

func (f *fakeCognito) GlobalSignOut(context.Context, *cip.GlobalSignOutInput, ...func(*cip.Options)) (*cip.GlobalSignOutOutput, error) {
	f.signedOut++
	return &cip.GlobalSignOutOutput{}, f.err
}

func handler(t *testing.T) (*Handler, *fakeRevoker, *fakeCognito) {
	keys, err := jwtverify.ParseKeySet(jwttest.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	m, _ := testevents.Metrics()
	rev, cog := &fakeRevoker{}, &fakeCognito{}
	return &Handler{
		Verifier: &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: staticKeys(keys)},
		DenyList: rev, Cognito: cog, AdminGroup: "admin", Metrics: m, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}, rev, cog
}

func call(t *testing.T, h *Handler, req events.APIGatewayProxyRequest) (int, Response) {
	resp, err := h.Handle(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var body Response
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil || body.Status != resp.StatusCode || resp.Headers["Content-Type"] != "application/json" {
		t.Fatalf("response %d %q is not the JSON envelope (%v)", resp.StatusCode, resp.Body, err)
	}
	return resp.StatusCode, body
}

func ctxOf(sub, groups string) events.APIGatewayProxyRequestContext {
	return events.APIGatewayProxyRequestContext{Authorizer: map[string]interface{}{"sub": sub, "username": "jane", "groups": groups, "scopes": "openid email"}}
}

func TestRoutes(t *testing.T) {
	h, _, _ := handler(t)
	if code, body := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/guest"}); code != 200 || body.Message != "OK" || body.Identity != nil {
		t.Errorf("guest: %d %+v", code, body)
	}
	code, body := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user", RequestContext: ctxOf("s1", "a,b")})
	if code != 200 || body.Identity.Sub != "s1" || len(body.Identity.Groups) != 2 || len(body.Identity.Scopes) != 2 {
		t.Errorf("user: %d %+v", code, body.Identity)
	}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user"}); code != 401 {
		t.Errorf("user without authorizer context: %d", code)
	}
	for _, tc := range []struct {
		sub, groups, target string
		want                int
	}{
		{"s1", "", "s1", 200}, {"s1", "", "s2", 403}, {"s1", "admin", "s2", 200}, {"s1", "admins", "s2", 403},
	} {
		req := events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/users/{id}", PathParameters: map[string]string{"id": tc.target}, RequestContext: ctxOf(tc.sub, tc.groups)}
		if code, _ := call(t, h, req); code != tc.want {
			t.Errorf("users/%s as %s [%s]: %d; want %d", tc.target, tc.sub, tc.groups, code, tc.want)
		}
	}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "DELETE", Resource: "/user"}); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
}

func TestLogout(t *testing.T) {
	h, rev, cog := handler(t)
	token := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
	logout := func(body string) int {
		code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout", Body: body,
			Headers: map[string]string{"authorization": "Bearer " + token}})
		return code
	}
	if code := logout(""); code != 200 || rev.calls != 1 || cog.signedOut != 1 {
		t.Errorf("logout without refresh token: %d, deny-list %d, global sign-out %d", code, rev.calls, cog.signedOut)
	}
	if code := logout(`{"refreshToken":"r"}`); code != 200 || cog.revoked != 1 {
		t.Errorf("logout with refresh token: %d, revoked %d", code, cog.revoked)
	}
	// Idempotent: Cognito says the token is already revoked.
	cog.err = &ciptypes.NotAuthorizedException{Message: new(string)}
	if code := logout(""); code != 200 {
		t.Errorf("repeated logout: %d; want 200", code)
	}
	if code := logout("{not json"); code != http.StatusBadRequest {
		t.Errorf("bad body: %d", code)
	}
	cog.err = errors.New("InternalError")
	if code := logout(""); code != http.StatusBadGateway {
		t.Errorf("Cognito down: %d; want 502", code)
	}
	rev.err = errors.New("throttled")
	if code := logout(""); code != http.StatusServiceUnavailable {
		t.Errorf("deny-list down: %d; want 503", code)
	}
	code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout"})
	if code != 401 {
		t.Errorf("logout without token: %d", code)
	}
}
