package rules

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// The reference API's rules.
var apiRules = []Rule{
	{Method: "GET", Path: "/user", TokenUse: UseAny},
	{Method: "GET", Path: "/client", Scopes: []string{"api.example.com/client"}},
	{Method: "GET", Path: "/users/{id}", Groups: []string{"admin"}, Owner: "id"},
	{Method: "ANY", Path: "/proxy/{proxy+}", Groups: []string{"admin", "app-user"}},
	{Method: "POST", Path: "/auth/logout"},
}

const alice = "11111111-1111-1111-1111-111111111111"

func TestOwnerOrAdminBothWays(t *testing.T) {
	user := Identity{Sub: alice, TokenUse: UseAccess}
	admin := Identity{Sub: "22222222-2222-2222-2222-222222222222", TokenUse: UseAccess, Groups: []string{"admin"}}
	cases := []struct {
		who  Identity
		path string
		want bool
	}{
		{user, "/users/" + alice, true},
		{user, "/users/22222222-2222-2222-2222-222222222222", false},
		{admin, "/users/" + alice, true},
		{admin, "/users/anyone", true},
		{Identity{Sub: alice, TokenUse: UseID}, "/users/" + alice, false}, // an ID token is not enough
	}
	for _, tc := range cases {
		if got := Allowed(apiRules, tc.who, "GET", tc.path); got != tc.want {
			t.Errorf("Allowed(%v, GET %s) = %v; want %v", tc.who.Groups, tc.path, got, tc.want)
		}
		if got := policyAllows(Resources(apiRules, tc.who), "GET", tc.path); got != tc.want {
			t.Errorf("policy(%v) allows GET %s = %v; want %v", tc.who.Groups, tc.path, got, tc.want)
		}
	}
}

func TestScopesAndTokenUse(t *testing.T) {
	machine := Identity{Sub: "m", TokenUse: UseAccess, Scopes: []string{"api.example.com/client"}}
	if !Allowed(apiRules, machine, "GET", "/client") || Allowed(apiRules, Identity{Sub: "m", TokenUse: UseAccess}, "GET", "/client") {
		t.Error("scope rule wrong")
	}
	if got := Resources(apiRules, Identity{Sub: "x", TokenUse: UseID}); len(got) != 1 || got[0] != "GET/user" {
		t.Errorf("ID token resources = %v; want only GET/user", got)
	}
	if got := Resources(apiRules, Identity{Sub: "x", TokenUse: UseAccess, Groups: []string{"app-user"}}); strings.Join(got, " ") != "*/proxy/* GET/user GET/users/x POST/auth/logout" {
		t.Errorf("resources = %v", got)
	}
}

func TestUnsafeSubGetsNoOwnerGrant(t *testing.T) {
	for _, sub := range []string{"*", "a/b", "x*", ""} {
		for _, r := range Resources(apiRules, Identity{Sub: sub, TokenUse: UseAccess}) {
			if strings.HasPrefix(r, "GET/users/") {
				t.Errorf("sub %q got %s", sub, r)
			}
		}
	}
}

// TestPolicyNeverAllowsMoreThanRules is the cache-safety property: for
// random identities and requests, the identity's policy (which API Gateway
// may cache and reuse for any route) allows exactly what the rules allow.
func TestPolicyNeverAllowsMoreThanRules(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	subs := []string{alice, "22222222-2222-2222-2222-222222222222", "x"}
	groups := [][]string{nil, {"admin"}, {"app-user"}, {"other"}}
	scopes := [][]string{nil, {"api.example.com/client"}, {"openid"}}
	uses := []string{UseAccess, UseID}
	methods := []string{"GET", "POST", "DELETE"}
	paths := []string{"/user", "/client", "/guest", "/users/" + alice, "/users/x", "/users/" + alice + "/extra", "/proxy/a/b", "/proxy", "/auth/logout", "/users/"}
	for i := 0; i < 5000; i++ {
		id := Identity{Sub: subs[r.IntN(len(subs))], TokenUse: uses[r.IntN(2)], Groups: groups[r.IntN(len(groups))], Scopes: scopes[r.IntN(len(scopes))]}
		policy := Resources(apiRules, id)
		m, p := methods[r.IntN(len(methods))], paths[r.IntN(len(paths))]
		if !Routable(apiRules, p) {
			continue // API Gateway answers 403/404 itself; the authorizer is not asked
		}
		want := Allowed(apiRules, id, m, p)
		if got := policyAllows(policy, m, p); got != want {
			t.Fatalf("identity %+v, %s %s: policy %v allows = %v; rules say %v", id, m, p, policy, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(apiRules); err != nil {
		t.Fatal(err)
	}
	bad := map[string]Rule{
		`method "FETCH"`:            {Method: "FETCH", Path: "/x"},
		`must start with /`:         {Method: "GET", Path: "x"},
		`segment "a b"`:             {Method: "GET", Path: "/a b"},
		`greedy parameter`:          {Method: "GET", Path: "/{p+}/x"},
		`owner "id" is not`:         {Method: "GET", Path: "/users/{uid}", Owner: "id"},
		`tokenUse "refresh"`:        {Method: "GET", Path: "/x", TokenUse: "refresh"},
		`cannot be a greedy`:        {Method: "GET", Path: "/u/{id+}", Owner: "id"},
		`is not a literal, {param}`: {Method: "GET", Path: "/x/*"},
	}
	// A parametric route whose wildcard would reach a deeper route is rejected.
	spanning := []Rule{{Method: "GET", Path: "/users/{id}", Owner: "id"}, {Method: "GET", Path: "/users/{id}/secrets", Groups: []string{"admin"}}}
	if err := Validate(spanning); err == nil || !strings.Contains(err.Error(), "would also allow rules[1]'s route /users/{id}/secrets") {
		t.Errorf("Validate(spanning) = %v", err)
	}
	for want, r := range bad {
		if err := Validate([]Rule{r}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%+v) = %v; want %q", r, err, want)
		}
	}
}

func policyAllows(resources []string, method, path string) bool {
	for _, p := range resources {
		if Match(p, method, path) {
			return true
		}
	}
	return false
}
