// Package rules holds the API's declarative access rules and turns them
// into the IAM policy a Lambda authorizer returns.
//
// A rule matches a method and a path template and says who may call it:
//
//	{method: GET, path: /users/{id}, tokenUse: access, groups: [admin], owner: id}
//
// allows a caller whose access token's sub equals the {id} path parameter,
// or who is in the admin group. Scopes must all be present; groups are
// any-of; with both groups and owner, either suffices.
//
// The policy is computed from the caller's identity alone, listing every
// resource the rules allow them, never from the request being authorized,
// so API Gateway can cache it by token: a cached answer cannot allow a call
// the rules would deny.
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
	UseAny    = "any"
)

// Rule is one access rule.
type Rule struct {
	// Method is GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY. Required.
	Method string `json:"method" yaml:"method"`
	// Path is the API Gateway resource path: literal segments, {param} or a
	// final {param+}. Required.
	Path string `json:"path" yaml:"path"`
	// TokenUse the route requires: access, id or any. Default: access.
	TokenUse string `json:"tokenUse,omitempty" yaml:"tokenUse"`
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
	Groups   []string
	Scopes   []string
}

var (
	methods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"}
	segment = regexp.MustCompile(`^([A-Za-z0-9._~-]+|\{[A-Za-z0-9_]+\+?\})$`)
	// safeSub is what a sub may look like to be put in a resource ARN.
	safeSub = regexp.MustCompile(`^[A-Za-z0-9-]{1,128}$`)
)

// Validate checks a rule set. Besides each rule's syntax, it rejects a set
// where one rule's policy pattern would also cover another rule's route
// (API Gateway policy wildcards span '/', so GET/users/* covers
// /users/{id}/secrets): such a policy could allow the other route to a
// caller its own rule refuses.
func Validate(rs []Rule) error {
	for i, r := range rs {
		if err := r.validate(); err != nil {
			return fmt.Errorf("rules[%d] (%s %s): %w", i, r.Method, r.Path, err)
		}
	}
	for i, a := range rs {
		for j, b := range rs {
			if a.Path == b.Path {
				continue
			}
			method := b.Method
			if method == "ANY" {
				method = "GET"
			}
			if Match(a.pattern(""), method, sample(b.Path)) {
				return fmt.Errorf("rules[%d] (%s %s) would also allow rules[%d]'s route %s in API Gateway's wildcard policies; give the routes distinct prefixes", i, a.Method, a.Path, j, b.Path)
			}
		}
	}
	return nil
}

// sample is a concrete path of a template, every parameter "x".
func sample(template string) string {
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = "x"
		}
	}
	return strings.Join(segs, "/")
}

// Routable reports whether a concrete path is a route of some rule (API
// Gateway only asks the authorizer about requests that reach a route).
func Routable(rs []Rule, path string) bool {
	return slices.ContainsFunc(rs, func(r Rule) bool { _, ok := bind(r.Path, path); return ok })
}

func (r Rule) validate() error {
	if !slices.Contains(methods, r.Method) {
		return fmt.Errorf("method %q must be one of %s", r.Method, strings.Join(methods, ", "))
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
			params[strings.Trim(s, "{}+")] = true
		}
	}
	switch r.TokenUse {
	case "", UseAccess, UseID, UseAny:
	default:
		return fmt.Errorf("tokenUse %q must be access, id or any", r.TokenUse)
	}
	if r.Owner != "" && !params[r.Owner] {
		return fmt.Errorf("owner %q is not a parameter of the path", r.Owner)
	}
	if r.Owner != "" && strings.Contains(r.Path, "{"+r.Owner+"+}") {
		return fmt.Errorf("owner %q cannot be a greedy parameter", r.Owner)
	}
	return nil
}

// Resources returns the "METHOD/path" patterns (path parameters as *) of
// every route the identity may call, ready to follow an
// "arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/" prefix.
func Resources(rs []Rule, id Identity) []string {
	var out []string
	for _, r := range rs {
		if p, ok := r.allows(id); ok {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// allows reports whether the rule lets id in and, if so, the resource pattern.
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
	use := r.TokenUse
	if use == "" {
		use = UseAccess
	}
	if use != UseAny && id.TokenUse != use {
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

// pattern renders METHOD/path with parameters as *, the owner parameter (if
// sub is given) as the sub itself.
func (r Rule) pattern(sub string) string {
	method := r.Method
	if method == "ANY" {
		method = "*"
	}
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
	return method + "/" + strings.Join(segs, "/")
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

// Allowed is the rules' direct answer for a concrete request, evaluated
// without building a policy; tests use it as the oracle that the policy
// from Resources never allows more.
func Allowed(rs []Rule, id Identity, method, path string) bool {
	for _, r := range rs {
		if r.Method != "ANY" && r.Method != method {
			continue
		}
		params, ok := bind(r.Path, path)
		if !ok || !r.useAndScopes(id) {
			continue
		}
		switch {
		case r.inGroup(id):
			return true
		case r.Owner != "":
			if params[r.Owner] == id.Sub {
				return true
			}
		case len(r.Groups) == 0:
			return true
		}
	}
	return false
}

// bind matches a concrete path against a template and returns its parameters.
func bind(template, path string) (map[string]string, bool) {
	ts := strings.Split(strings.TrimPrefix(template, "/"), "/")
	ps := strings.Split(strings.TrimPrefix(path, "/"), "/")
	params := map[string]string{}
	for i, t := range ts {
		if strings.HasSuffix(t, "+}") {
			if i >= len(ps) {
				return nil, false
			}
			params[strings.Trim(t, "{}+")] = strings.Join(ps[i:], "/")
			return params, true
		}
		if i >= len(ps) {
			return nil, false
		}
		if strings.HasPrefix(t, "{") {
			if ps[i] == "" {
				return nil, false
			}
			params[strings.Trim(t, "{}")] = ps[i]
		} else if t != ps[i] {
			return nil, false
		}
	}
	return params, len(ts) == len(ps)
}
