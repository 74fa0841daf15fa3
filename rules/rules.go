// Package rules holds the API's declarative access rules and turns them
// into the IAM policy a Lambda authorizer returns.
//
// A rule matches a method and a path template and says who may call it:
//
//	{method: GET, path: /users/{id}, tokenUse: access, groups: [admin], owner: id}
//
// allows a user whose access token's sub equals the {id} path parameter,
// or who is in the admin group. Scopes must all be present; groups are
// any-of; with both groups and owner, either suffices. Principals say
// whether users, machine clients (client-credentials tokens) or both may
// call; users by default.
//
// The policy is computed from the caller's identity alone, listing every
// resource the rules allow them, never from the request being authorized,
// so API Gateway can cache it by token and reuse it for any route. Its
// patterns use API Gateway's wildcard, which matches any run of
// characters, '/' included; so Validate refuses a rule set in which a
// pattern of one route could also match a request API Gateway routes to
// another route whose rule admits less. For every rule set Validate
// accepts, every caller, method and path API Gateway routes to a method
// behind the authorizer: the policy allows => the rules allow (a property
// test attacks it with adversarial paths).
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html
package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Token uses a rule can require.
const (
	UseAccess = "access"
	UseID     = "id"
	// UseAny is an ID token or a user's access token.
	UseAny = "any"
)

// Principals a rule can admit.
const (
	// PrincipalUser is a person signed in to the user pool.
	PrincipalUser = "user"
	// PrincipalMachine is an app client with the client-credentials grant:
	// an access token without a username, whose sub is the client id.
	PrincipalMachine = "machine"
)

// Methods are the HTTP methods of API Gateway routes; ANY stands for all
// of them.
var Methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}

// Rule is one access rule.
type Rule struct {
	// Method is GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY. Required.
	Method string `json:"method" yaml:"method"`
	// Path is the API Gateway resource path: literal segments, {param} or a
	// final {param+}. Required.
	Path string `json:"path" yaml:"path"`
	// TokenUse the route requires: access, id or any (an ID token or a
	// user's access token). Default: access.
	TokenUse string `json:"tokenUse,omitempty" yaml:"tokenUse"`
	// Principals admitted: user, machine. Default: [user].
	Principals []string `json:"principals,omitempty" yaml:"principals"`
	// Scopes that must all be in the token's scope claim. Default: none.
	Scopes []string `json:"scopes,omitempty" yaml:"scopes"`
	// Groups, any one of which grants the route. Default: none.
	Groups []string `json:"groups,omitempty" yaml:"groups"`
	// Owner names the path parameter that must equal the caller's sub.
	// Default: none.
	Owner string `json:"owner,omitempty" yaml:"owner"`
}

// Identity is what the rules see of a verified caller.
type Identity struct {
	Sub      string
	TokenUse string
	// Machine is true for a client-credentials token (no user).
	Machine bool
	Groups  []string
	Scopes  []string
}

var (
	segment = regexp.MustCompile(`^([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\+?\})$`)
	// safeSub is what a sub may look like to be put in a resource ARN.
	safeSub = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`)
)

// Validate checks a rule set: each rule's syntax, one rule per route, and
// that no rule's policy pattern can reach a request API Gateway routes to
// another route whose rule admits less (the error names both rules).
func Validate(rs []Rule) error {
	for i, r := range rs {
		if err := r.validate(); err != nil {
			return fmt.Errorf("rules[%d] (%s %s): %w", i, r.Method, r.Path, err)
		}
	}
	for i, a := range rs {
		for j, b := range rs[:i] {
			if canonical(a.Path) == canonical(b.Path) && a.Method == b.Method {
				return fmt.Errorf("rules[%d] and rules[%d] are both %s %s: one rule per route", j, i, a.Method, a.Path)
			}
		}
	}
	// API Gateway allows one variable path part per resource: /users/{id}
	// and /users/{userId}/keys cannot both exist.
	// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html#setup-method-resources
	variable := map[string]struct {
		seg  string
		rule int
	}{}
	for i, r := range rs {
		parent := ""
		for _, seg := range strings.Split(strings.TrimPrefix(r.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") {
				if v, ok := variable[parent]; ok && v.seg != seg {
					return fmt.Errorf("rules[%d] (%s) and rules[%d] (%s) put %s and %s under %s/: API Gateway allows one variable path part there; use one name",
						v.rule, rs[v.rule].Path, i, r.Path, v.seg, seg, parent)
				}
				variable[parent] = struct {
					seg  string
					rule int
				}{seg, i}
				parent += "/{}"
			} else {
				parent += "/" + seg
			}
		}
	}
	for i, a := range rs {
		for j, b := range rs {
			if i == j || b.admitsAllOf(a) {
				continue
			}
			for _, p := range a.shapes() {
				if p.reaches(rs, b) {
					return fmt.Errorf("rules[%d] (%s %s) would also allow rules[%d]'s route %s %s, whose rule admits less: "+
						"API Gateway's policy wildcards span any characters, '/' included; give the routes distinct literal prefixes, or the same conditions",
						i, a.Method, a.Path, j, b.Method, b.Path)
				}
			}
		}
	}
	return nil
}

// canonical names a path template's shape ({id} and {x} are the same resource).
func canonical(template string) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		switch {
		case strings.HasSuffix(s, "+}"):
			segs[i] = "{+}"
		case strings.HasPrefix(s, "{"):
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}

func (r Rule) validate() error {
	if r.Method != "ANY" && !slices.Contains(Methods, r.Method) {
		return fmt.Errorf("method %q must be one of %s or ANY", r.Method, strings.Join(Methods, ", "))
	}
	if !strings.HasPrefix(r.Path, "/") {
		return fmt.Errorf("path %q must start with /", r.Path)
	}
	params := map[string]bool{}
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	for i, s := range segs {
		if r.Path == "/" {
			break
		}
		if !segment.MatchString(s) {
			return fmt.Errorf("path segment %q is not a literal, {param} or {param+}", s)
		}
		if strings.HasSuffix(s, "+}") && i != len(segs)-1 {
			return fmt.Errorf("greedy parameter %q must be the last segment", s)
		}
		if strings.HasPrefix(s, "{") {
			name := strings.Trim(s, "{}+")
			if params[name] {
				return fmt.Errorf("parameter %q appears twice", name)
			}
			params[name] = true
		}
	}
	switch r.TokenUse {
	case "", UseAccess, UseID, UseAny:
	default:
		return fmt.Errorf("tokenUse %q must be access, id or any", r.TokenUse)
	}
	for _, p := range r.Principals {
		if p != PrincipalUser && p != PrincipalMachine {
			return fmt.Errorf("principal %q must be user or machine", p)
		}
	}
	if r.admits(PrincipalMachine) && !r.admits(PrincipalUser) && (r.TokenUse == UseID || r.TokenUse == UseAny) {
		return fmt.Errorf("tokenUse %s admits ID tokens and users' access tokens, and principals [machine] only machine clients (access tokens without a user): the rule admits nobody", r.TokenUse)
	}
	if r.Owner != "" && !params[r.Owner] {
		return fmt.Errorf("owner %q is not a parameter of the path", r.Owner)
	}
	if r.Owner != "" && strings.Contains(r.Path, "{"+r.Owner+"+}") {
		return fmt.Errorf("owner %q cannot be a greedy parameter", r.Owner)
	}
	// The owner's policy pattern writes every other parameter as *, which
	// spans '/'. Without a greedy parameter a path of this route has as
	// many segments as the pattern, so each * keeps to one segment and the
	// sub stays in the owner's. With one, a * before the owner can swallow
	// segments and the sub can sit in a later segment of another user's
	// path: the pattern GET/t/*/users/alice/* matches
	// /t/x/users/victim/users/alice/y, whose owner is victim.
	if r.Owner != "" && strings.HasSuffix(segs[len(segs)-1], "+}") {
		for _, s := range segs {
			if s == "{"+r.Owner+"}" {
				break
			}
			if strings.HasPrefix(s, "{") {
				return fmt.Errorf("owner %q follows the parameter %s and the path ends in the greedy %s: "+
					"the policy's * for %s spans '/', so a caller's sub could match a later segment of another user's path; "+
					"put the owner before every other parameter, or drop the greedy parameter", r.Owner, s, segs[len(segs)-1], s)
			}
		}
	}
	return nil
}

// admits reports whether the rule admits the principal kind.
func (r Rule) admits(principal string) bool {
	if len(r.Principals) == 0 {
		return principal == PrincipalUser
	}
	return slices.Contains(r.Principals, principal)
}

// admitsAllOf reports whether r admits every identity a admits, whatever
// the path: r has no group or owner condition, and asks no more than a of
// the token and the principal.
func (r Rule) admitsAllOf(a Rule) bool {
	if len(r.Groups) > 0 || r.Owner != "" {
		return false
	}
	for _, s := range r.Scopes {
		if !slices.Contains(a.Scopes, s) {
			return false
		}
	}
	for _, p := range []string{PrincipalUser, PrincipalMachine} {
		if a.admits(p) && !r.admits(p) {
			return false
		}
	}
	use, ause := r.tokenUse(), a.tokenUse()
	return use == ause || use == UseAny && ause != UseAny && !(ause == UseAccess && a.admits(PrincipalMachine))
}

func (r Rule) tokenUse() string {
	if r.TokenUse == "" {
		return UseAccess
	}
	return r.TokenUse
}

// Resources returns the "METHOD/path" patterns (path parameters as *) of
// every route the identity may call, ready to follow an
// "arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/" prefix. ANY is written
// out as every method, so no wildcard stands for the method.
func Resources(rs []Rule, id Identity) []string {
	var out []string
	for _, r := range rs {
		if p, ok := r.allows(id); ok {
			for _, m := range r.methods() {
				out = append(out, m+p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (r Rule) methods() []string {
	if r.Method == "ANY" {
		return Methods
	}
	return []string{r.Method}
}

// allows reports whether the rule lets id in and, if so, the resource
// pattern after the method.
func (r Rule) allows(id Identity) (string, bool) {
	if !r.useAndScopes(id) {
		return "", false
	}
	switch {
	case r.inGroup(id):
		return r.pattern(""), true
	case r.Owner != "" && safeSub.MatchString(id.Sub):
		return r.pattern(id.Sub), true
	case len(r.Groups) == 0 && r.Owner == "":
		return r.pattern(""), true
	}
	return "", false
}

func (r Rule) useAndScopes(id Identity) bool {
	principal := PrincipalUser
	if id.Machine {
		principal = PrincipalMachine
	}
	if !r.admits(principal) {
		return false
	}
	switch use := r.tokenUse(); {
	case use == UseAny && id.Machine:
		return false // any = an ID token or a user's access token
	case use != UseAny && id.TokenUse != use:
		return false
	case use == UseAny && id.TokenUse != UseAccess && id.TokenUse != UseID:
		return false
	}
	for _, s := range r.Scopes {
		if !slices.Contains(id.Scopes, s) {
			return false
		}
	}
	return true
}

func (r Rule) inGroup(id Identity) bool {
	return slices.ContainsFunc(r.Groups, func(g string) bool { return slices.Contains(id.Groups, g) })
}

// pattern renders /path with parameters as *, the owner parameter (if sub
// is given) as the sub itself.
func (r Rule) pattern(sub string) string {
	segs := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			if sub != "" && strings.Trim(s, "{}") == r.Owner {
				segs[i] = sub
			} else {
				segs[i] = "*"
			}
		}
	}
	return "/" + strings.Join(segs, "/")
}

// Match reports whether a concrete request (method, path with values) falls
// under a resource pattern from Resources, with API Gateway's wildcard
// semantics (* matches any run of characters, / included).
func Match(pattern, method, path string) bool {
	return wildcard(pattern, method+path)
}

func wildcard(p, s string) bool {
	for len(p) > 0 {
		if p[0] == '*' {
			for i := len(s); i >= 0; i-- {
				if wildcard(p[1:], s[i:]) {
					return true
				}
			}
			return false
		}
		if len(s) == 0 || p[0] != s[0] {
			return false
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}

// Route is the rule of the route API Gateway sends method and path to, as
// REST APIs select a resource: segment by segment, a literal before a
// {param} before a greedy {param+}; on the resource, the method before ANY.
// It reports false for requests no route takes (API Gateway answers those
// itself; the authorizer is not asked).
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-request.html#setup-method-resources
func Route(rs []Rule, method, path string) (Rule, map[string]string, bool) {
	best, bestRank := -1, ""
	var bestParams map[string]string
	for i, r := range rs {
		params, rank, ok := bind(r.Path, path)
		if !ok || r.Method != method && r.Method != "ANY" {
			continue
		}
		// A higher rank is more specific; the exact method beats ANY.
		rank += map[bool]string{true: "1", false: "0"}[r.Method == method]
		if best < 0 || rank > bestRank {
			best, bestRank, bestParams = i, rank, params
		}
	}
	if best < 0 {
		return Rule{}, nil, false
	}
	return rs[best], bestParams, true
}

// Allowed is the rules' direct answer for a concrete request: the rule of
// the route API Gateway selects (Route) lets id in. Tests use it as the
// oracle that the policy from Resources never allows more.
func Allowed(rs []Rule, id Identity, method, path string) bool {
	r, params, ok := Route(rs, method, path)
	if !ok || !r.useAndScopes(id) {
		return false
	}
	switch {
	case r.inGroup(id):
		return true
	case r.Owner != "":
		return params[r.Owner] == id.Sub
	default:
		return len(r.Groups) == 0
	}
}

// Routable reports whether some route takes method and path.
func Routable(rs []Rule, method, path string) bool {
	_, _, ok := Route(rs, method, path)
	return ok
}

// bind matches a concrete path against a template and returns its
// parameters and a rank that orders matching templates by specificity
// (per segment: 2 literal, 1 {param}, 0 {param+}).
func bind(template, path string) (map[string]string, string, bool) {
	ts := strings.Split(strings.TrimPrefix(template, "/"), "/")
	ps := strings.Split(strings.TrimPrefix(path, "/"), "/")
	params := map[string]string{}
	var rank strings.Builder
	for i, t := range ts {
		if strings.HasSuffix(t, "+}") {
			if i >= len(ps) || strings.Join(ps[i:], "") == "" {
				return nil, "", false
			}
			params[strings.Trim(t, "{}+")] = strings.Join(ps[i:], "/")
			rank.WriteByte('0')
			return params, rank.String(), true
		}
		if i >= len(ps) {
			return nil, "", false
		}
		if strings.HasPrefix(t, "{") {
			if ps[i] == "" {
				return nil, "", false
			}
			params[strings.Trim(t, "{}")] = ps[i]
			rank.WriteByte('1')
		} else if t != ps[i] {
			return nil, "", false
		} else {
			rank.WriteByte('2')
		}
	}
	return params, rank.String(), len(ts) == len(ps)
}

// Defaults are the access rules of the built-in routes of authstack's API
// (constructs/api), unless your own replace them:
//
//	GET  /user            any signed-in user (access or ID token)
//	GET  /client          machine clients' access tokens with clientScope
//	GET  /users/{id}      the owner (sub = id) or a member of adminGroup
//	POST /auth/logout     a user's access token
//	ANY  /proxy/{proxy+}  a user's access token (when proxy is true)
func Defaults(adminGroup, clientScope string, proxy bool) []Rule {
	rs := []Rule{
		{Method: "GET", Path: "/user", TokenUse: UseAny},
		{Method: "GET", Path: "/client", TokenUse: UseAccess, Principals: []string{PrincipalMachine}, Scopes: []string{clientScope}},
		{Method: "GET", Path: "/users/{id}", TokenUse: UseAccess, Groups: []string{adminGroup}, Owner: "id"},
		{Method: "POST", Path: "/auth/logout", TokenUse: UseAccess},
	}
	if proxy {
		rs = append(rs, Rule{Method: "ANY", Path: "/proxy/{proxy+}", TokenUse: UseAccess})
	}
	return rs
}
