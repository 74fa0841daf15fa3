package apihandler

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/test/jwttest"
	"github.com/authstack/authstack/internal/test/testevents"
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
	pool, username     string
	revokeErr, err     error
}

func (f *fakeCognito) RevokeToken(context.Context, *cip.RevokeTokenInput, ...func(*cip.Options)) (*cip.RevokeTokenOutput, error) {
	f.revoked++
	return &cip.RevokeTokenOutput{}, f.revokeErr
}

func (f *fakeCognito) AdminUserGlobalSignOut(_ context.Context, in *cip.AdminUserGlobalSignOutInput, _ ...func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error) {
	f.signedOut++
	f.pool, f.username = aws.ToString(in.UserPoolId), aws.ToString(in.Username)
	return &cip.AdminUserGlobalSignOutOutput{}, f.err
}

func handler(t *testing.T) (*Handler, *fakeRevoker, *fakeCognito) {
	keys, err := jwtverify.ParseKeySet(jwttest.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	m, buf := testevents.Metrics()
	metrics = buf
	rev, cog := &fakeRevoker{}, &fakeCognito{}
	return &Handler{
		UserPoolID: "eu-west-1_TestPool1", HostedUIURL: "https://shop-dev.auth.eu-west-1.amazoncognito.com",
		Verifier: &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: staticKeys(keys)},
		DenyList: rev, Cognito: cog, AdminGroup: "admin", Metrics: m, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}, rev, cog
}

// metrics is the EMF output of the last handler built.
var metrics *testevents.Buffer

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

// ctxOf is the authorizer context authorizer.Context writes (lists as JSON).
func ctxOf(sub string, groups ...string) events.APIGatewayProxyRequestContext {
	if groups == nil {
		groups = []string{}
	}
	g, _ := json.Marshal(groups)
	return events.APIGatewayProxyRequestContext{Authorizer: map[string]interface{}{
		"sub": sub, "username": "jane", "groups": string(g), "scopes": `["openid","email"]`, "principal": "user"}}
}

func TestRoutes(t *testing.T) {
	h, _, _ := handler(t)
	if code, body := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/guest"}); code != 200 || body.Message != "OK" || body.Identity != nil {
		t.Errorf("guest: %d %+v", code, body)
	}
	code, body := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user", RequestContext: ctxOf("s1", "a", "b")})
	if code != 200 || body.Identity.Sub != "s1" || len(body.Identity.Groups) != 2 || len(body.Identity.Scopes) != 2 {
		t.Errorf("user: %d %+v", code, body.Identity)
	}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user"}); code != 401 {
		t.Errorf("user without authorizer context: %d", code)
	}
	for _, tc := range []struct {
		sub    string
		groups []string
		target string
		want   int
	}{
		{"s1", nil, "s1", 200}, {"s1", nil, "s2", 403}, {"s1", []string{"admin"}, "s2", 200}, {"s1", []string{"admins"}, "s2", 403},
		// A group whose name contains the old separator is not the admin group.
		{"s1", []string{"admin,ops"}, "s2", 403}, {"s1", []string{"ops,admin"}, "s2", 403},
	} {
		req := events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/users/{id}", PathParameters: map[string]string{"id": tc.target}, RequestContext: ctxOf(tc.sub, tc.groups...)}
		if code, _ := call(t, h, req); code != tc.want {
			t.Errorf("users/%s as %s %q: %d; want %d", tc.target, tc.sub, tc.groups, code, tc.want)
		}
	}
	// A context whose lists are not JSON (an older or foreign authorizer) is no identity.
	bad := events.APIGatewayProxyRequestContext{Authorizer: map[string]interface{}{"sub": "s1", "groups": "admin,ops", "scopes": "openid"}}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user", RequestContext: bad}); code != 401 {
		t.Errorf("malformed context: %d; want 401", code)
	}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "DELETE", Resource: "/user"}); code != 404 {
		t.Errorf("unknown route: %d", code)
	}
}

func TestLogout(t *testing.T) {
	h, rev, cog := handler(t)
	token := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
	logout := func(body string) (int, Response) {
		return call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout", Body: body,
			Headers: map[string]string{"authorization": "Bearer " + token}})
	}
	// Every sign-out ends the user's Cognito sessions in this pool.
	code, body := logout("")
	if code != 200 || body.Message != "Signed out" || rev.calls != 1 || cog.signedOut != 1 || cog.revoked != 0 ||
		cog.pool != "eu-west-1_TestPool1" || cog.username != "jane" {
		t.Errorf("logout: %d %+v, deny-list %d, global sign-out %d (%s/%s)", code, body, rev.calls, cog.signedOut, cog.pool, cog.username)
	}
	// The answer names managed login's logout endpoint for the caller's client.
	if want := "https://shop-dev.auth.eu-west-1.amazoncognito.com/logout?client_id=" + jwttest.ClientID; body.HostedUILogoutURL != want {
		t.Errorf("hostedUiLogoutUrl = %q; want %q", body.HostedUILogoutURL, want)
	}
	// A refresh token in the body is revoked too; an invalid one does not stop the sign-out.
	cog.revokeErr = &ciptypes.NotAuthorizedException{Message: aws.String("Invalid token")}
	if code, _ := logout(`{"refreshToken":"r"}`); code != 200 || cog.revoked != 1 || cog.signedOut != 2 {
		t.Errorf("logout with refresh token: %d, revoked %d, signed out %d", code, cog.revoked, cog.signedOut)
	}
	// A user deleted meanwhile has no sessions left: signed out.
	cog.err = &ciptypes.UserNotFoundException{Message: aws.String("User does not exist.")}
	if code, _ := logout(""); code != 200 {
		t.Errorf("deleted user: %d; want 200", code)
	}
	if code, _ := logout("{not json"); code != http.StatusBadRequest {
		t.Errorf("bad body: %d", code)
	}
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout"}); code != 401 {
		t.Errorf("logout without token: %d", code)
	}
}

func TestLogoutNeverClaimsSuccessWhenCognitoRefuses(t *testing.T) {
	token := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
	for name, err := range map[string]error{
		"not authorized (no permission)": &ciptypes.NotAuthorizedException{Message: aws.String("not authorized")},
		"throttled":                      &ciptypes.TooManyRequestsException{Message: aws.String("slow down")},
		"unreachable":                    errors.New("dial tcp: i/o timeout"),
	} {
		t.Run(name, func(t *testing.T) {
			h, rev, cog := handler(t)
			cog.err = err
			code, body := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
				Headers: map[string]string{"Authorization": "Bearer " + token}})
			if code != http.StatusBadGateway || body.Message == "Signed out" || !strings.Contains(body.Message, "Cognito did not end your sessions") {
				t.Errorf("answer %d %q; want 502 saying Cognito did not end the sessions", code, body.Message)
			}
			if rev.calls != 1 {
				t.Error("the deny-list was not written first")
			}
			// The browser's managed login session still needs ending.
			if body.HostedUILogoutURL != "https://shop-dev.auth.eu-west-1.amazoncognito.com/logout?client_id="+jwttest.ClientID {
				t.Errorf("hostedUiLogoutUrl = %q", body.HostedUILogoutURL)
			}
			if testevents.Counted(t, metrics.Buffer, contract.LogoutsIncomplete) != 1 || testevents.Counted(t, metrics.Buffer, contract.SignOuts) != 0 {
				t.Errorf("metrics: %s", metrics)
			}
		})
	}
	h, rev, _ := handler(t)
	rev.err = errors.New("throttled")
	if code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
		Headers: map[string]string{"Authorization": "Bearer " + token}}); code != http.StatusServiceUnavailable {
		t.Errorf("deny-list down: %d; want 503", code)
	}
}

func TestMachineClientsHaveNothingToSignOut(t *testing.T) {
	h, rev, cog := handler(t)
	c := jwttest.AccessClaims(time.Now())
	delete(c, "username")
	code, _ := call(t, h, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
		Headers: map[string]string{"Authorization": "Bearer " + jwttest.Sign(c, "kid-1", jwttest.Keys()[0])}})
	if code != http.StatusForbidden || rev.calls != 0 || cog.signedOut != 0 {
		t.Errorf("machine logout: %d, deny-list %d, sign-out %d; want 403 and nothing written", code, rev.calls, cog.signedOut)
	}
}

// The handler serves the routes the API construct sends it (the contract's
// list), and nothing else.
func TestServesTheContractsRoutes(t *testing.T) {
	h, _, _ := handler(t)
	for _, r := range append([]contract.Route{contract.GuestRoute}, contract.HandlerRoutes...) {
		resp, err := h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: r.Method, Resource: r.Path})
		if err != nil || resp.StatusCode == http.StatusNotFound {
			t.Errorf("%s %s: %d, %v; the handler does not serve a route the API sends it", r.Method, r.Path, resp.StatusCode, err)
		}
	}
	if resp, _ := h.Handle(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/orders"}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /orders: %d; want 404", resp.StatusCode)
	}
}
