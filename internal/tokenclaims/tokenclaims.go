// Package tokenclaims is the pre token generation trigger (event version 2,
// ID and access token customization, Essentials or Plus plan): it adds claims
// from user attributes, app roles derived from groups, and access-token
// scopes, as declared in a Rules value (JSON in AUTHSTACK_CLAIMS).
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
package tokenclaims

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/telemetry"
)

// ReservedClaims may not be added or overridden by pre token generation, in
// any letter case: the claims Cognito writes itself. Besides these, no claim
// with a ReservedPrefixes prefix may be added (cognito:groups, cognito:roles
// and cognito:preferred_role change only through the group override, which
// this package copies from the request).
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
		return Rules{}, fmt.Errorf("tokenclaims: rules: %w", err)
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
			return fmt.Errorf("tokenclaims: claim %q cannot be added: it is empty or reserved by Cognito (%s, or a %s prefix)",
				c, strings.Join(ReservedClaims, ", "), strings.Join(ReservedPrefixes, " or "))
		}
	}
	if slices.Contains(ScalarOnlyClaims, r.RolesClaim) {
		return fmt.Errorf("tokenclaims: rolesClaim %q cannot hold a list: Cognito allows only plain values in it", r.RolesClaim)
	}
	if _, dup := r.AttributeClaims[r.RolesClaim]; r.RolesClaim != "" && dup {
		return fmt.Errorf("tokenclaims: claim %q is both an attribute claim and the roles claim", r.RolesClaim)
	}
	for i, s := range r.AccessTokenScopes {
		if !ValidScope(s) {
			return fmt.Errorf("tokenclaims: accessTokenScopes[%d] %q is not a scope (printable ASCII without blanks, \" or \\)", i, s)
		}
	}
	for _, g := range slices.Sorted(maps.Keys(r.GroupScopes)) {
		for i, s := range r.GroupScopes[g] {
			if !ValidScope(s) {
				return fmt.Errorf("tokenclaims: groupScopes.%s[%d] %q is not a scope (printable ASCII without blanks, \" or \\)", g, i, s)
			}
		}
	}
	return nil
}

// Event is a pre token generation event (version 2 or 3): Cognito's header
// and request as aws-lambda-go decodes them, and a response of our own. The
// response type is ours because aws-lambda-go's writes every field, null or
// empty, and an empty or null groupOverrideDetails suppresses the user's
// groups; ours writes only what the rules set, plus the group override
// copied from the request.
type Event struct {
	events.CognitoEventUserPoolsHeader
	Request  events.CognitoEventUserPoolsPreTokenGenRequestV2_0 `json:"request"`
	Response Response                                           `json:"response"`
}

// Response is the pre token generation V2_0 response.
type Response struct {
	ClaimsAndScopeOverrideDetails *Overrides `json:"claimsAndScopeOverrideDetails"`
}

// Overrides change the tokens.
type Overrides struct {
	IDTokenGeneration     *TokenGeneration              `json:"idTokenGeneration,omitempty"`
	AccessTokenGeneration *TokenGeneration              `json:"accessTokenGeneration,omitempty"`
	GroupOverrideDetails  events.GroupConfigurationV2_0 `json:"groupOverrideDetails"`
}

// TokenGeneration changes one token.
type TokenGeneration struct {
	ClaimsToAddOrOverride map[string]interface{} `json:"claimsToAddOrOverride,omitempty"`
	ScopesToAdd           []string               `json:"scopesToAdd,omitempty"`
}

// Handler handles pre token generation V2_0 events.
type Handler struct {
	Rules   Rules
	Metrics *telemetry.Metrics
}

// Handle answers with a fresh response (nothing the event's response held
// survives): the rules' claims in both tokens, their scopes in the access
// token, and the request's groupConfiguration as the group override, so the
// user keeps cognito:groups, cognito:roles and cognito:preferred_role (the
// documentation: an empty or null groupOverrideDetails suppresses them).
func (h *Handler) Handle(ctx context.Context, ev Event) (Event, error) {
	if ev.Version != "2" && ev.Version != "3" {
		return ev, fmt.Errorf("tokenclaims: event version %q; configure the trigger with lambdaVersion V2_0", ev.Version)
	}
	claims := map[string]interface{}{}
	for claim, attr := range h.Rules.AttributeClaims {
		if v, ok := ev.Request.UserAttributes[attr]; ok && v != "" {
			claims[claim] = v
		}
	}
	groups := ev.Request.GroupConfiguration.GroupsToOverride
	if h.Rules.RolesClaim != "" {
		roles := []string{}
		for _, g := range groups {
			granted, ok := h.Rules.GroupRoles[g]
			if !ok {
				granted = []string{g}
			}
			roles = append(roles, granted...)
		}
		slices.Sort(roles)
		claims[h.Rules.RolesClaim] = slices.Compact(roles)
	}
	scopes := append([]string(nil), h.Rules.AccessTokenScopes...)
	for _, g := range groups {
		scopes = append(scopes, h.Rules.GroupScopes[g]...)
	}
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)

	out := &Overrides{GroupOverrideDetails: ev.Request.GroupConfiguration}
	if len(claims) > 0 {
		out.IDTokenGeneration = &TokenGeneration{ClaimsToAddOrOverride: claims}
		out.AccessTokenGeneration = &TokenGeneration{ClaimsToAddOrOverride: claims}
	}
	// Version 2 responses apply to access tokens of user authentication
	// (any sign-in flow, and refresh); client-credentials tokens take
	// version 3 events, which this stack does not configure.
	if len(scopes) > 0 {
		if out.AccessTokenGeneration == nil {
			out.AccessTokenGeneration = &TokenGeneration{}
		}
		out.AccessTokenGeneration.ScopesToAdd = scopes
	}
	ev.Response = Response{ClaimsAndScopeOverrideDetails: out}
	h.Metrics.Count(telemetry.TokensCustomized, 1)
	return ev, nil
}

// FromEnv builds a Handler from the rules in contract.EnvClaims.
func FromEnv(getenv func(string) string, m *telemetry.Metrics) (*Handler, error) {
	r, err := Parse([]byte(getenv(contract.EnvClaims)))
	if err != nil {
		return nil, err
	}
	return &Handler{Rules: r, Metrics: m}, nil
}

// Empty reports whether the rules change nothing.
func (r Rules) Empty() bool {
	return len(r.AttributeClaims) == 0 && r.RolesClaim == "" && len(r.AccessTokenScopes) == 0 && len(r.GroupScopes) == 0
}
