package authorizer

import (
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/test/jwttest"
	"github.com/authstack/authstack/internal/test/testevents"
	"github.com/authstack/authstack/rules"
)

const base = "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/"

var now = time.Now()

var apiRules = []rules.Rule{
	{Method: "GET", Path: "/user", TokenUse: rules.UseAny},
	{Method: "GET", Path: "/client", Scopes: []string{"api.example.com/client"}, Principals: []string{rules.PrincipalMachine}},
	{Method: "GET", Path: "/users/{id}", Groups: []string{"admin"}, Owner: "id"},
	{Method: "POST", Path: "/auth/logout"},
}

// memRevocations is an in-memory deny-list.
type memRevocations struct {
	sessions map[string]bool
	err      error
}

func (m *memRevocations) Revoked(_ context.Context, c *jwtverify.Claims) (bool, string, error) {
	if m.err != nil {
		return false, "", m.err
	}
	return m.sessions[c.SessionID()], "session signed out", nil
}

type staticKeys map[string]*rsa.PublicKey

func (s staticKeys) Key(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, jwtverify.ErrUnknownKey
}

func handler(t testing.TB) (*Handler, *memRevocations, *testevents.Buffer) {
	keys, err := jwtverify.ParseKeySet(jwttest.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	m, buf := testevents.Metrics()
	rev := &memRevocations{sessions: map[string]bool{}}
	return &Handler{
		Verifier:    &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: staticKeys(keys)},
		Revocations: rev, Rules: apiRules, Metrics: m, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
	}, rev, buf
}

func request(token, route string) events.APIGatewayCustomAuthorizerRequest {
	return events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: "Bearer " + token, MethodArn: base + route}
}

func allows(resp events.APIGatewayCustomAuthorizerResponse, method, path string) bool {
	for _, st := range resp.PolicyDocument.Statement {
		if st.Effect != "Allow" {
			continue
		}
		for _, r := range st.Resource {
			if rules.Match(strings.TrimPrefix(r, base), method, path) {
				return true
			}
		}
	}
	return false
}

func TestOwnerAndAdmin(t *testing.T) {
	h, _, buf := handler(t)
	key := jwttest.Keys()[0]
	user := jwttest.Sign(jwttest.AccessClaims(now), "kid-1", key)
	resp, err := h.Handle(context.Background(), request(user, "GET/users/"+jwttest.Sub))
	if err != nil {
		t.Fatal(err)
	}
	if !allows(resp, "GET", "/users/"+jwttest.Sub) || allows(resp, "GET", "/users/someone-else") || allows(resp, "GET", "/client") {
		t.Errorf("user policy = %+v", resp.PolicyDocument)
	}
	if resp.PrincipalID != jwttest.Sub || resp.Context["username"] != "jane" || resp.Context["groups"] != `["app-user"]` ||
		resp.Context["scopes"] != `["openid","email","profile"]` || resp.Context["principal"] != "user" {
		t.Errorf("context = %v", resp.Context)
	}
	adminClaims := jwttest.AccessClaims(now)
	adminClaims["cognito:groups"] = []string{"admin"}
	admin := jwttest.Sign(adminClaims, "kid-1", key)
	resp, err = h.Handle(context.Background(), request(admin, "GET/users/someone-else"))
	if err != nil || !allows(resp, "GET", "/users/someone-else") {
		t.Errorf("admin: %v %+v", err, resp.PolicyDocument)
	}
	if testevents.Counted(t, buf.Buffer, contract.AuthorizerAllowed) != 2 {
		t.Error("allowed not counted")
	}
}

func TestHostileTokensAre401(t *testing.T) {
	h, rev, buf := handler(t)
	key, stranger := jwttest.Keys()[0], jwttest.Keys()[1]
	good := jwttest.AccessClaims(now)
	exp := jwttest.AccessClaims(now.Add(-time.Hour))
	rev.sessions["origin-revoked"] = true
	revoked := jwttest.AccessClaims(now)
	revoked["origin_jti"] = "origin-revoked"
	for name, header := range map[string]string{
		"no header":    "",
		"basic":        "Basic dXNlcjpwYXNz",
		"bearer only":  "Bearer ",
		"expired":      "Bearer " + jwttest.Sign(exp, "kid-1", key),
		"alg none":     "Bearer " + jwttest.None(good),
		"hs256":        "Bearer " + jwttest.HS256WithPublicKey(good, "kid-1"),
		"stranger key": "Bearer " + jwttest.Sign(good, "kid-1", stranger),
		"revoked":      "Bearer " + jwttest.Sign(revoked, "kid-1", key),
		"garbage":      "Bearer x.y.z",
	} {
		ev := events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: header, MethodArn: base + "GET/user"}
		if _, err := h.Handle(context.Background(), ev); err == nil || err.Error() != "Unauthorized" {
			t.Errorf("%s: err = %v; want Unauthorized (401)", name, err)
		}
	}
	if testevents.Counted(t, buf.Buffer, contract.AuthorizerDenied, contract.DimReason, "Revoked") != 1 {
		t.Error("revocation not counted by reason")
	}
}

func TestValidTokenWithoutAccessGetsNoAllow(t *testing.T) {
	h, _, _ := handler(t)
	id := jwttest.Sign(jwttest.IDClaims(now), "kid-1", jwttest.Keys()[0])
	resp, err := h.Handle(context.Background(), request(id, "GET/client"))
	if err != nil {
		t.Fatal(err)
	}
	if allows(resp, "GET", "/client") || !allows(resp, "GET", "/user") {
		t.Errorf("ID token policy = %+v", resp.PolicyDocument)
	}
	h.Rules = nil
	resp, _ = h.Handle(context.Background(), request(id, "GET/user"))
	if len(resp.PolicyDocument.Statement) != 1 || resp.PolicyDocument.Statement[0].Effect != "Deny" {
		t.Errorf("no rules: policy = %+v; want a Deny", resp.PolicyDocument)
	}
}

func TestFailsClosed(t *testing.T) {
	h, rev, buf := handler(t)
	token := jwttest.Sign(jwttest.AccessClaims(now), "kid-1", jwttest.Keys()[0])
	rev.err = errors.New("ResourceNotFoundException")
	if _, err := h.Handle(context.Background(), request(token, "GET/user")); err == nil || err.Error() == "Unauthorized" {
		t.Errorf("deny-list down: err = %v; want a 500-class error", err)
	}
	h.Verifier.Keys = &jwtverify.JWKS{URL: "http://127.0.0.1:1/jwks.json"}
	h.Verifier.CacheSize = -1
	if _, err := h.Handle(context.Background(), request(token, "GET/user")); err == nil || err.Error() == "Unauthorized" {
		t.Errorf("JWKS down: err = %v; want a 500-class error", err)
	}
	if testevents.Counted(t, buf.Buffer, contract.AuthorizerFailures, contract.DimReason, "DenyList") != 1 ||
		testevents.Counted(t, buf.Buffer, contract.AuthorizerFailures, contract.DimReason, "JWKS") != 1 {
		t.Errorf("failures not counted: %s", buf)
	}
	if _, err := h.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: "Bearer " + token, MethodArn: "nonsense"}); err == nil {
		t.Error("malformed methodArn accepted")
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{
		contract.EnvIssuer: jwttest.Issuer, contract.EnvClientIDs: "a,b",
		contract.EnvRules: `[{"method":"GET","path":"/user"}]`,
	}
	get := func(k string) string { return env[k] }
	if _, err := FromEnv(get, &memRevocations{}, nil, nil); err != nil {
		t.Fatal(err)
	}
	env[contract.EnvRules] = `[{"method":"FETCH","path":"/user"}]`
	if _, err := FromEnv(get, &memRevocations{}, nil, nil); err == nil || !strings.Contains(err.Error(), "FETCH") {
		t.Errorf("bad rules: %v", err)
	}
	env[contract.EnvIssuer] = "http://insecure"
	if _, err := FromEnv(get, &memRevocations{}, nil, nil); err == nil {
		t.Error("http issuer accepted")
	}
}

// TestClientCredentialsTokenIsNotAUser: a machine client's access token, as
// Cognito issues it for the client-credentials grant (no username; sub is
// the client id), may call the machine route but no user route.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
func TestClientCredentialsTokenIsNotAUser(t *testing.T) {
	h, _, _ := handler(t)
	c := jwttest.AccessClaims(now)
	delete(c, "username")
	delete(c, "cognito:groups")
	delete(c, "origin_jti")
	c["sub"], c["scope"] = jwttest.ClientID, "api.example.com/client"
	resp, err := h.Handle(context.Background(), request(jwttest.Sign(c, "kid-1", jwttest.Keys()[0]), "GET/user"))
	if err != nil {
		t.Fatal(err)
	}
	if allows(resp, "GET", "/user") || allows(resp, "POST", "/auth/logout") || allows(resp, "GET", "/users/"+jwttest.ClientID) {
		t.Errorf("a client-credentials token got user routes: %+v", resp.PolicyDocument)
	}
	if !allows(resp, "GET", "/client") || resp.Context["principal"] != "machine" || resp.Context["groups"] != "[]" {
		t.Errorf("machine route or context wrong: %+v %v", resp.PolicyDocument, resp.Context)
	}
}
