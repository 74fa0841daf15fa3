// Package claims declares token customization: the claims, app roles and
// scopes authstack's pre token generation trigger adds to the tokens of a
// user pool (event version 2, ID and access token customization; the
// Essentials or Plus feature plan). It is the shape users write, in Go or as
// JSON/YAML (config triggers.tokenClaims), with the rules Cognito sets on
// claim names and scopes. Standard library only.
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
package claims

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// ReservedClaims may not be added or overridden by pre token generation, in
// any letter case: the claims Cognito writes itself. Besides these, no claim
// with a ReservedPrefixes prefix may be added (cognito:groups, cognito:roles
// and cognito:preferred_role change only through the group override, which
// the trigger copies from the request).
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
var ReservedClaims = []string{
	"acr", "amr", "at_hash", "aud", "auth_time", "azp", "client_id", "device_key", "event_id", "exp", "iat",
	"identities", "iss", "jti", "nbf", "nonce", "origin_jti", "scope", "sub", "token_use", "username", "version",
}

// ScalarOnlyClaims may not hold complex values (lists, objects) in the ID
// token, so the roles claim (a list) cannot be one of them.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
var ScalarOnlyClaims = []string{"address", "email_verified", "phone_number_verified", "updated_at"}

// ReservedPrefixes are the claim-name prefixes Cognito keeps for itself:
// its own claims and developer-only attributes.
var ReservedPrefixes = []string{"cognito:", "dev:"}

// Reserved reports whether Cognito forbids adding or overriding claim name,
// in any letter case. Case is folded as the token verifier folds it
// (strings.EqualFold, Unicode simple folding), so "ſub" (long s) is sub
// too: a claim the verifier would read as a case variant of one of its own
// names, and refuse every token for, is never written.
func Reserved(name string) bool {
	for _, r := range ReservedClaims {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	for _, p := range ReservedPrefixes {
		if hasFoldPrefix(name, p) {
			return true
		}
	}
	return false
}

// hasFoldPrefix reports whether s starts with prefix under simple case
// folding, rune by rune (the two may differ in byte length).
func hasFoldPrefix(s, prefix string) bool {
	for _, p := range prefix {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !strings.EqualFold(string(r), string(p)) {
			return false
		}
		s = s[size:]
	}
	return true
}

// ValidScope reports whether s is an OAuth 2.0 scope token: one or more
// printable ASCII characters other than space, '"' and '\'. A blank would
// split it into two scopes in the token's space-separated scope claim.
// Source: https://www.rfc-editor.org/rfc/rfc6749#section-3.3
func ValidScope(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// Rules declare the token customization. The zero value changes nothing.
// config.Triggers.TokenClaims uses this type, so the YAML names match the JSON ones.
type Rules struct {
	// AttributeClaims maps a claim name to the user attribute it carries
	// ({"tenant_id": "custom:tenant_id"}), in ID and access tokens. A user
	// without the attribute gets no claim.
	AttributeClaims map[string]string `json:"attributeClaims,omitempty" yaml:"attributeClaims"`
	// RolesClaim names the claim listing the user's app roles, derived from
	// their groups through GroupRoles. Empty: no roles claim.
	RolesClaim string `json:"rolesClaim,omitempty" yaml:"rolesClaim"`
	// GroupRoles maps a group to the app roles it grants. A group without an
	// entry grants a role named like the group.
	GroupRoles map[string][]string `json:"groupRoles,omitempty" yaml:"groupRoles"`
	// AccessTokenScopes are added to every access token.
	AccessTokenScopes []string `json:"accessTokenScopes,omitempty" yaml:"accessTokenScopes"`
	// GroupScopes maps a group to scopes added to its members' access tokens.
	GroupScopes map[string][]string `json:"groupScopes,omitempty" yaml:"groupScopes"`
}

// Parse decodes and validates Rules from JSON (empty input: zero Rules).
func Parse(data []byte) (Rules, error) {
	var r Rules
	if len(data) == 0 {
		return r, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return Rules{}, fmt.Errorf("claims: rules: %w", err)
	}
	return r, r.Validate()
}

// Validate rejects empty or reserved claim names and malformed scopes.
func (r Rules) Validate() error {
	names := make([]string, 0, len(r.AttributeClaims)+1)
	for c := range r.AttributeClaims {
		names = append(names, c)
	}
	if r.RolesClaim != "" {
		names = append(names, r.RolesClaim)
	}
	sort.Strings(names)
	for _, c := range names {
		if c == "" || Reserved(c) {
			return fmt.Errorf("claims: claim %q cannot be added: it is empty or reserved by Cognito (%s, or a %s prefix)",
				c, strings.Join(ReservedClaims, ", "), strings.Join(ReservedPrefixes, " or "))
		}
	}
	if slices.Contains(ScalarOnlyClaims, r.RolesClaim) {
		return fmt.Errorf("claims: rolesClaim %q cannot hold a list: Cognito allows only plain values in it", r.RolesClaim)
	}
	if _, dup := r.AttributeClaims[r.RolesClaim]; r.RolesClaim != "" && dup {
		return fmt.Errorf("claims: claim %q is both an attribute claim and the roles claim", r.RolesClaim)
	}
	for i, s := range r.AccessTokenScopes {
		if !ValidScope(s) {
			return fmt.Errorf("claims: accessTokenScopes[%d] %q is not a scope (printable ASCII without blanks, \" or \\)", i, s)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(r.GroupScopes)) {
		for i, s := range r.GroupScopes[g] {
			if !ValidScope(s) {
				return fmt.Errorf("claims: groupScopes.%s[%d] %q is not a scope (printable ASCII without blanks, \" or \\)", g, i, s)
			}
		}
	}
	return nil
}

// Empty reports whether the rules change nothing.
func (r Rules) Empty() bool {
	return len(r.AttributeClaims) == 0 && r.RolesClaim == "" && len(r.AccessTokenScopes) == 0 && len(r.GroupScopes) == 0
}
