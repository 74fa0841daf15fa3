package tokenclaims

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/authstack/authstack/claims"

	"github.com/authstack/authstack/internal/test/testevents"
)

// FuzzHandle feeds the pre token generation trigger events whose every byte
// the fuzzer chooses (user attributes may be writable by the user, group
// names come from administrators), decoded as the Lambda runtime decodes
// them, with rules that copy attributes, map groups to roles and add scopes.
// Properties: no panic; no Cognito-owned claim (Reserved, in any case) is
// ever added or overridden; the answer serializes.
func FuzzHandle(f *testing.F) {
	for _, name := range []string{"aws/pretokengen-v2-authentication.json", "lambda-go/cognito-event-userpools-pretokengen-v2_0.json"} {
		f.Add(testevents.Load(f, name))
	}
	rules, err := claims.Parse([]byte(`{"attributeClaims":{"tenant_id":"custom:tenant_id","mail":"email"},"rolesClaim":"app_roles",
		"groupRoles":{"admins":["admin","support"]},"accessTokenScopes":["api/read"],"groupScopes":{"admins":["api/admin"]}}`))
	if err != nil {
		f.Fatal(err)
	}
	m, _ := testevents.Metrics()
	h := &Handler{Rules: rules, Metrics: m}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev Event
		if json.Unmarshal(raw, &ev) != nil {
			return
		}
		out, err := h.Handle(context.Background(), ev)
		if err != nil {
			return
		}
		if o := out.Response.ClaimsAndScopeOverrideDetails; o != nil {
			for _, g := range []*TokenGeneration{o.IDTokenGeneration, o.AccessTokenGeneration} {
				if g == nil {
					continue
				}
				for name := range g.ClaimsToAddOrOverride {
					if claims.Reserved(name) {
						t.Fatalf("wrote the reserved claim %q", name)
					}
				}
			}
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatal(err)
		}
	})
}
