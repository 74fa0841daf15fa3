package rules

import (
	"fmt"
	"math/rand/v2"
	"path"
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
	want := "DELETE/proxy/* GET/proxy/* GET/user GET/users/x HEAD/proxy/* OPTIONS/proxy/* PATCH/proxy/* POST/auth/logout POST/proxy/* PUT/proxy/*"
	if got := Resources(apiRules, Identity{Sub: "x", TokenUse: UseAccess, Groups: []string{"app-user"}}); strings.Join(got, " ") != want {
		t.Errorf("resources = %v; want %s (ANY written out: no wildcard for the method)", got, want)
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

// TestPolicyNeverAllowsMoreThanRules is the cache-safety property on the
// reference rules: for random identities and requests, the identity's
// policy (which API Gateway may cache and reuse for any route) allows
// exactly what the rules allow.
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
		if !Routable(apiRules, m, p) {
			continue // API Gateway answers 403/404 itself; the authorizer is not asked
		}
		want := Allowed(apiRules, id, m, p)
		if got := policyAllows(policy, m, p); got != want {
			t.Fatalf("identity %+v, %s %s: policy %v allows = %v; rules say %v", id, m, p, policy, got, want)
		}
	}
}

// TestAcceptedRuleSetsNeverLeak is the property Validate promises, for
// every rule set it accepts: for every caller, method and path API Gateway
// routes, the caller's policy allows => the rules allow. The generator
// builds rule sets from a small vocabulary (shared prefixes, parameters in
// the middle, greedy parameters, ANY, owners, groups), and attacks each
// accepted set with every method and adversarial paths: parameter values
// made of the other routes' literals, values with '/', nested and
// truncated paths.
func TestAcceptedRuleSetsNeverLeak(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	literals := []string{"users", "me", "admin", "items", "proxy", "a", "x"}
	accepted, checked := 0, 0
	for set := 0; set < 3000; set++ {
		rs := randomRules(r, literals)
		if Validate(rs) != nil {
			continue
		}
		accepted++
		values := adversarialValues(rs)
		for _, id := range identities(rs) {
			policy := Resources(rs, id)
			for _, path := range adversarialPaths(r, rs, values) {
				for _, m := range append(Methods, "FETCH") {
					if !Routable(rs, m, path) {
						continue
					}
					checked++
					if policyAllows(policy, m, path) && !Allowed(rs, id, m, path) {
						t.Fatalf("leak: rules %+v\nidentity %+v\n%s %s is allowed by the policy %v but not by the rules", rs, id, m, path, policy)
					}
				}
			}
		}
	}
	if accepted < 300 || checked < 100000 {
		t.Errorf("only %d rule sets accepted and %d requests checked; the generator no longer exercises the property", accepted, checked)
	}
}

func randomRules(r *rand.Rand, literals []string) []Rule {
	n := 1 + r.IntN(4)
	rs := make([]Rule, 0, n)
	for i := 0; i < n; i++ {
		var segs []string
		params := 0
		for d := 1 + r.IntN(3); d > 0; d-- {
			switch k := r.IntN(6); {
			case k < 3:
				segs = append(segs, literals[r.IntN(len(literals))])
			case k < 5:
				segs = append(segs, fmt.Sprintf("{p%d}", params))
				params++
			default:
				segs = append(segs, fmt.Sprintf("{g%d+}", params))
				d = 0
			}
		}
		rule := Rule{Method: []string{"GET", "POST", "ANY"}[r.IntN(3)], Path: "/" + strings.Join(segs, "/")}
		if r.IntN(3) == 0 {
			rule.Groups = []string{"admin"}
		}
		// The owner may be any single-segment parameter, not only the first.
		if params > 0 && r.IntN(2) == 0 {
			if p := fmt.Sprintf("p%d", r.IntN(params)); strings.Contains(rule.Path, "{"+p+"}") {
				rule.Owner = p
			}
		}
		if r.IntN(5) == 0 {
			rule.Scopes = []string{"api/read"}
		}
		switch r.IntN(6) {
		case 0, 1:
			rule.TokenUse = UseAny
		case 2:
			rule.TokenUse = UseID
		}
		switch r.IntN(6) {
		case 0:
			rule.Principals = []string{PrincipalMachine, PrincipalUser}
		case 1:
			if rule.TokenUse != UseID {
				rule.Principals = []string{PrincipalMachine}
			}
		}
		rs = append(rs, rule)
	}
	return rs
}

// adversarialValues are parameter values built from the routes' own literals.
func adversarialValues(rs []Rule) []string {
	vals := []string{alice, "v", "admin", "", "a/x", "me/admin", "users/" + alice}
	for _, rule := range rs {
		lits := []string{}
		for _, s := range strings.Split(strings.TrimPrefix(rule.Path, "/"), "/") {
			if !strings.HasPrefix(s, "{") {
				lits = append(lits, s)
			}
		}
		if len(lits) > 0 {
			vals = append(vals, lits[0], strings.Join(lits, "/"), alice+"/"+strings.Join(lits, "/"))
		}
	}
	return vals
}

// adversarialPaths instantiate every route template with adversarial
// values, plus nested and truncated variants.
func adversarialPaths(r *rand.Rand, rs []Rule, values []string) []string {
	var out []string
	for _, rule := range rs {
		for k := 0; k < 6; k++ {
			segs := strings.Split(strings.TrimPrefix(rule.Path, "/"), "/")
			for i, s := range segs {
				if strings.HasPrefix(s, "{") {
					segs[i] = values[r.IntN(len(values))]
				}
			}
			p := "/" + strings.Join(segs, "/")
			out = append(out, p, p+"/"+values[r.IntN(len(values))], path.Dir(p))
		}
	}
	return out
}

// identities are callers of every kind the rules distinguish.
func identities(rs []Rule) []Identity {
	var out []Identity
	for _, groups := range [][]string{nil, {"admin"}} {
		for _, scopes := range [][]string{nil, {"api/read"}} {
			for _, use := range []string{UseAccess, UseID} {
				for _, sub := range []string{alice, "admin", "v", "users"} {
					out = append(out, Identity{Sub: sub, TokenUse: use, Groups: groups, Scopes: scopes})
				}
			}
			out = append(out, Identity{Sub: "machine-client-id", TokenUse: UseAccess, Machine: true, Groups: groups, Scopes: scopes})
		}
	}
	return out
}

func TestValidateRefusesWhatLeaked(t *testing.T) {
	// Each set passed the old one-sample-path check, yet its policy leaked.
	cases := []struct {
		name string
		rs   []Rule
	}{
		{"a parameter spans into a deeper admin route", []Rule{
			{Method: "GET", Path: "/users/{id}", Owner: "id", Groups: []string{"support"}},
			{Method: "GET", Path: "/users/{id}/keys/{key}", Groups: []string{"admin"}},
		}},
		{"ANY reaches a GET on the same path", []Rule{
			{Method: "ANY", Path: "/items/{id}"},
			{Method: "GET", Path: "/items/{id}", Groups: []string{"admin"}},
		}},
		{"an owner's sub can equal another route's literal", []Rule{
			{Method: "GET", Path: "/users/{id}", Owner: "id"},
			{Method: "GET", Path: "/users/me", Groups: []string{"admin"}},
		}},
		{"an owner's own route, through a parameter before it and a greedy one after", []Rule{
			{Method: "GET", Path: "/tenants/{tenant}/users/{id}/{proxy+}", Owner: "id"},
		}},
		{"a middle parameter spans segments", []Rule{
			{Method: "GET", Path: "/a/{p}/items"},
			{Method: "GET", Path: "/a/b/c/items", Groups: []string{"admin"}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := "would also allow" // the two rules named
			if len(tc.rs) == 1 {
				want = "could match a later segment of another user's path"
			}
			if err := Validate(tc.rs); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Validate = %v; want %q", err, want)
			}
		})
	}
	// ANY is written out method by method: its pattern no longer starts with
	// a wildcard that spans into other routes ("*/x/*" matched GET /a/x/q).
	anyRules := []Rule{{Method: "ANY", Path: "/x/{p+}"}, {Method: "GET", Path: "/a/x/{q}", Groups: []string{"admin"}}}
	if err := Validate(anyRules); err != nil {
		t.Fatal(err)
	}
	if user := Resources(anyRules, Identity{Sub: alice, TokenUse: UseAccess}); policyAllows(user, "GET", "/a/x/q") {
		t.Errorf("policy %v allows GET /a/x/q to a non-admin", user)
	}
	// The same shapes are fine where the other route admits everyone the first
	// does, or API Gateway routes the request elsewhere (/users/me is literal).
	ok := []Rule{
		{Method: "GET", Path: "/items/{id}"},
		{Method: "GET", Path: "/items/{id}/detail"},
		{Method: "GET", Path: "/users/{id}", Owner: "id", Groups: []string{"admin"}},
		{Method: "GET", Path: "/users/me"},
	}
	if err := Validate(ok); err != nil {
		t.Errorf("Validate(harmless overlaps) = %v", err)
	}
}

func TestMachineClientsAreNotUsers(t *testing.T) {
	machine := Identity{Sub: "1example23456789", TokenUse: UseAccess, Machine: true, Scopes: []string{"api.example.com/client"}}
	for _, p := range []string{"/user", "/users/1example23456789", "/auth/logout"} {
		if Allowed(apiRules, machine, "GET", p) || Allowed(apiRules, machine, "POST", p) || policyAllows(Resources(apiRules, machine), "GET", p) {
			t.Errorf("a machine client is let into %s", p)
		}
	}
	rs := []Rule{{Method: "GET", Path: "/client", Scopes: []string{"api.example.com/client"}, Principals: []string{PrincipalMachine}}}
	if !Allowed(rs, machine, "GET", "/client") || Allowed(rs, Identity{Sub: alice, TokenUse: UseAccess, Scopes: []string{"api.example.com/client"}}, "GET", "/client") {
		t.Error("principals: machine route wrong")
	}
	if err := Validate([]Rule{{Method: "GET", Path: "/x", TokenUse: UseID, Principals: []string{PrincipalMachine}}}); err == nil {
		t.Error("accepted a machine-only rule on ID tokens")
	}
}

func TestValidate(t *testing.T) {
	if err := Validate(apiRules); err != nil {
		t.Fatal(err)
	}
	bad := map[string]Rule{
		`method "FETCH"`:            {Method: "FETCH", Path: "/x"},
		`principal "robot"`:         {Method: "GET", Path: "/x", Principals: []string{"robot"}},
		`parameter "a" appears`:     {Method: "GET", Path: "/{a}/{a}"},
		`must start with /`:         {Method: "GET", Path: "x"},
		`segment "a b"`:             {Method: "GET", Path: "/a b"},
		`greedy parameter`:          {Method: "GET", Path: "/{p+}/x"},
		`owner "id" is not`:         {Method: "GET", Path: "/users/{uid}", Owner: "id"},
		`tokenUse "refresh"`:        {Method: "GET", Path: "/x", TokenUse: "refresh"},
		`cannot be a greedy`:        {Method: "GET", Path: "/u/{id+}", Owner: "id"},
		`is not a literal, {param}`: {Method: "GET", Path: "/x/*"},
	}
	// A parametric route whose wildcard would reach a deeper route is rejected.
	spanning := []Rule{{Method: "GET", Path: "/users/{id}", Owner: "id", Groups: []string{"support"}}, {Method: "GET", Path: "/users/{id}/secrets", Groups: []string{"admin"}}}
	if err := Validate(spanning); err == nil || !strings.Contains(err.Error(), "would also allow rules[1]'s route GET /users/{id}/secrets") {
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

func TestOneVariablePerPosition(t *testing.T) {
	// API Gateway refuses /users/{id} beside /users/{userId}: one variable
	// path part per resource, whatever the methods.
	for _, rs := range [][]Rule{
		{{Method: "GET", Path: "/users/{id}"}, {Method: "POST", Path: "/users/{userId}"}},
		{{Method: "GET", Path: "/users/{id}/keys"}, {Method: "GET", Path: "/users/{uid}/orders"}},
		{{Method: "GET", Path: "/files/{name}"}, {Method: "GET", Path: "/files/{proxy+}"}},
	} {
		if err := Validate(rs); err == nil || !strings.Contains(err.Error(), "one variable path part") {
			t.Errorf("Validate(%v) = %v; want the variable parts named", rs, err)
		}
	}
	if err := Validate([]Rule{{Method: "GET", Path: "/users/{id}"}, {Method: "POST", Path: "/users/{id}"}, {Method: "GET", Path: "/items/{name}"}}); err != nil {
		t.Errorf("one name per position refused: %v", err)
	}
	// A machine-only rule that asks for ID tokens or users' tokens admits nobody.
	if err := Validate([]Rule{{Method: "GET", Path: "/m", Principals: []string{PrincipalMachine}, TokenUse: UseAny}}); err == nil || !strings.Contains(err.Error(), "admits nobody") {
		t.Errorf("machine-only tokenUse any: %v", err)
	}
}
