// Package tokenclaims is the pre token generation trigger (event version 2,
// ID and access token customization, Essentials or Plus plan): it adds claims
// from user attributes, app roles derived from groups, and access-token
// scopes, as declared in a claims.Rules value (JSON in AUTHSTACK_CLAIMS).
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
package tokenclaims

import (
	"context"
	"fmt"
	"slices"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/claims"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

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
	Rules   claims.Rules
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
	added := map[string]interface{}{}
	for claim, attr := range h.Rules.AttributeClaims {
		if v, ok := ev.Request.UserAttributes[attr]; ok && v != "" {
			added[claim] = v
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
		added[h.Rules.RolesClaim] = slices.Compact(roles)
	}
	scopes := append([]string(nil), h.Rules.AccessTokenScopes...)
	for _, g := range groups {
		scopes = append(scopes, h.Rules.GroupScopes[g]...)
	}
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)

	out := &Overrides{GroupOverrideDetails: ev.Request.GroupConfiguration}
	if len(added) > 0 {
		out.IDTokenGeneration = &TokenGeneration{ClaimsToAddOrOverride: added}
		out.AccessTokenGeneration = &TokenGeneration{ClaimsToAddOrOverride: added}
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
	h.Metrics.Count(contract.TokensCustomized, 1)
	return ev, nil
}

// FromEnv builds a Handler from the rules in contract.EnvClaims.
func FromEnv(getenv func(string) string, m *telemetry.Metrics) (*Handler, error) {
	r, err := claims.Parse([]byte(getenv(contract.EnvClaims)))
	if err != nil {
		return nil, err
	}
	return &Handler{Rules: r, Metrics: m}, nil
}
