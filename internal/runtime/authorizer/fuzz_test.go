package authorizer

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/test/jwttest"
	"github.com/authstack/authstack/rules"
)

// fuzzClock is the verifier's clock while fuzzing, so committed corpus
// entries signed for it stay unexpired.
var fuzzClock = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// FuzzHandle feeds the authorizer what a caller controls: the Authorization
// header, and the method and path API Gateway writes into the methodArn.
// With pick > 0 the header carries one of a few tokens our key signed (a
// user, an administrator whose group name holds a comma, a machine client,
// an ID token), so the rules and the policy behind the signature check are
// reached with every path the fuzzer writes; the token decoding itself is
// FuzzVerify's and FuzzClaims' (internal/runtime/jwtverify), where signing each
// input would be too slow to fuzz. Properties: no panic; a header that is
// none of our tokens is refused; an Allow names only resources of the
// request's own API and stage and never a route the rules deny this caller;
// the context is what authorizer.Context promises.
func FuzzHandle(f *testing.F) {
	key := jwttest.Keys()[0]
	iat := fuzzClock.Add(-time.Minute)
	admin := jwttest.AccessClaims(iat)
	admin["cognito:groups"] = []string{"admin", "a,b"}
	machine := jwttest.AccessClaims(iat)
	delete(machine, "username")
	delete(machine, "cognito:groups")
	machine["sub"], machine["scope"] = jwttest.ClientID, "api.example.com/client"
	tokens := []string{
		jwttest.Sign(jwttest.AccessClaims(iat), "kid-1", key),
		jwttest.Sign(admin, "kid-1", key),
		jwttest.Sign(machine, "kid-1", key),
		jwttest.Sign(jwttest.IDClaims(iat), "kid-1", key),
	}
	f.Add("Bearer x.y.z", uint8(0), "GET/user")
	f.Add("", uint8(1), "GET/users/"+jwttest.Sub)
	f.Add("", uint8(1), "GET/users/"+jwttest.Sub+"/GET/client")
	f.Add("", uint8(2), "GET/users/other")
	f.Add("", uint8(3), "GET/client")
	f.Add("", uint8(4), "POST/auth/logout")
	h, _, _ := handler(f)
	h.Verifier.Now = func() time.Time { return fuzzClock }
	f.Fuzz(func(t *testing.T, header string, pick uint8, route string) {
		signed := int(pick)%(len(tokens)+1) > 0
		if signed {
			header = "Bearer " + tokens[int(pick)%(len(tokens)+1)-1]
		}
		methodArn := base + route
		resp, err := h.Handle(context.Background(), events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: header, MethodArn: methodArn})
		if err != nil {
			return
		}
		if !signed && !slices.Contains(tokens, strings.TrimPrefix(header, "Bearer ")) {
			t.Fatalf("allowed a header we did not sign: %q", header)
		}
		own, _ := apiBase(methodArn)
		for _, st := range resp.PolicyDocument.Statement {
			for _, r := range st.Resource {
				if st.Effect == "Allow" && !strings.HasPrefix(r, own) {
					t.Fatalf("allows %q outside %q", r, own)
				}
			}
		}
		// The requested path, when a route takes it (API Gateway answers the
		// others itself): allowed by the policy only if the rules allow it
		// for this caller.
		if method, path, ok := strings.Cut(route, "/"); ok && rules.Routable(h.Rules, method, "/"+path) && allows(resp, method, "/"+path) {
			id := identityOf(t, resp)
			if !rules.Allowed(h.Rules, id, method, "/"+path) {
				t.Fatalf("policy allows %s /%s, which the rules deny %+v", method, path, id)
			}
		}
		var groups, scopes []string
		if json.Unmarshal([]byte(resp.Context["groups"].(string)), &groups) != nil || json.Unmarshal([]byte(resp.Context["scopes"].(string)), &scopes) != nil {
			t.Fatalf("context lists are not JSON: %v", resp.Context)
		}
		if p := resp.Context["principal"]; p != "user" && p != "machine" {
			t.Fatalf("principal %v", p)
		}
	})
}

// identityOf rebuilds the rules' identity from the authorizer's context.
func identityOf(t *testing.T, resp events.APIGatewayCustomAuthorizerResponse) rules.Identity {
	id := rules.Identity{Sub: resp.Context["sub"].(string), TokenUse: resp.Context["tokenUse"].(string), Machine: resp.Context["principal"] == "machine"}
	if json.Unmarshal([]byte(resp.Context["groups"].(string)), &id.Groups) != nil || json.Unmarshal([]byte(resp.Context["scopes"].(string)), &id.Scopes) != nil {
		t.Fatalf("context lists are not JSON: %v", resp.Context)
	}
	return id
}
