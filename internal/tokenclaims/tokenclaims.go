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
	"slices"
	"sort"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/telemetry"
)

// EnvRules names the environment variable holding the JSON Rules.
const EnvRules = "AUTHSTACK_CLAIMS"

// ReservedClaims may not be added or overridden by pre token generation.
var ReservedClaims = []string{
	"acr", "amr", "at_hash", "aud", "auth_time", "azp", "client_id", "cognito:username", "exp", "iat",
	"identities", "iss", "jti", "nbf", "nonce", "origin_jti", "scope", "sub", "token_use", "username",
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

// Validate rejects reserved or empty claim names.
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
		if c == "" || slices.Contains(ReservedClaims, c) {
			return fmt.Errorf("tokenclaims: claim %q cannot be added: it is empty or reserved by Cognito", c)
		}
	}
	if _, dup := r.AttributeClaims[r.RolesClaim]; r.RolesClaim != "" && dup {
		return fmt.Errorf("tokenclaims: claim %q is both an attribute claim and the roles claim", r.RolesClaim)
	}
	return nil
}

// Handler handles pre token generation V2_0 events.
type Handler struct {
	Rules   Rules
	Metrics *telemetry.Metrics
}

// Handle fills the response's claims and scopes from the rules.
func (h *Handler) Handle(ctx context.Context, ev events.CognitoEventUserPoolsPreTokenGenV2_0) (events.CognitoEventUserPoolsPreTokenGenV2_0, error) {
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

	out := &ev.Response.ClaimsAndScopeOverrideDetails
	if len(claims) > 0 {
		out.IDTokenGeneration.ClaimsToAddOrOverride = claims
		out.AccessTokenGeneration.ClaimsToAddOrOverride = claims
	}
	// Scopes only apply to access tokens from the authorization code or
	// token endpoint flows; Cognito ignores them elsewhere.
	if len(scopes) > 0 {
		out.AccessTokenGeneration.ScopesToAdd = scopes
	}
	h.Metrics.Count(telemetry.TokensCustomized, 1)
	return ev, nil
}

// FromEnv builds a Handler from the rules in EnvRules.
func FromEnv(getenv func(string) string, m *telemetry.Metrics) (*Handler, error) {
	r, err := Parse([]byte(getenv(EnvRules)))
	if err != nil {
		return nil, err
	}
	return &Handler{Rules: r, Metrics: m}, nil
}

// Empty reports whether the rules change nothing.
func (r Rules) Empty() bool {
	return len(r.AttributeClaims) == 0 && r.RolesClaim == "" && len(r.AccessTokenScopes) == 0 && len(r.GroupScopes) == 0
}
