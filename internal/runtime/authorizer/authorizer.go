// Package authorizer is the API's Lambda authorizer (TOKEN type): it
// verifies the bearer token (internal/runtime/jwtverify), rejects revoked tokens
// (internal/runtime/denylist), and returns an IAM policy listing every route the
// caller may use under the declarative rules (rules), plus the
// caller's identity as context for the integrations.
//
// Outcomes: no or bad token, or a revoked one: "Unauthorized" (API Gateway
// answers 401). A valid token without access to the route: a policy that
// does not cover it (403). JWKS or deny-list unreachable: an error (API
// Gateway answers 500) — it fails closed, with a metric and a log line.
// The policy depends only on the caller, so API Gateway may cache it by token.
package authorizer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/rules"
)

// ErrUnauthorized is the error text API Gateway turns into a 401.
var ErrUnauthorized = errors.New("Unauthorized")

// Revocations answers whether a verified token was revoked (*denylist.List).
type Revocations interface {
	Revoked(ctx context.Context, c *jwtverify.Claims) (bool, string, error)
}

// Handler handles TOKEN authorizer requests. It is safe for concurrent use.
type Handler struct {
	Verifier    *jwtverify.Verifier
	Revocations Revocations
	Rules       []rules.Rule
	Metrics     *telemetry.Metrics
	Log         *slog.Logger
	// LookupTimeout bounds the deny-list lookup. Default: 1s.
	LookupTimeout time.Duration
}

// Handle authorizes one request.
func (h *Handler) Handle(ctx context.Context, ev events.APIGatewayCustomAuthorizerRequest) (events.APIGatewayCustomAuthorizerResponse, error) {
	var none events.APIGatewayCustomAuthorizerResponse
	base, ok := apiBase(ev.MethodArn)
	if !ok {
		h.Log.ErrorContext(ctx, "malformed methodArn", "methodArn", ev.MethodArn)
		return none, fmt.Errorf("authorizer: malformed methodArn")
	}
	token, ok := jwtverify.Bearer(ev.AuthorizationToken)
	if !ok {
		h.deny(ctx, "NoToken", nil)
		return none, ErrUnauthorized
	}
	claims, err := h.Verifier.Verify(ctx, token, jwtverify.Any)
	if errors.Is(err, jwtverify.ErrKeysUnavailable) {
		h.fail(ctx, "JWKS", err)
		return none, fmt.Errorf("authorizer: signing keys unavailable")
	}
	if err != nil {
		h.deny(ctx, reason(err), err)
		return none, ErrUnauthorized
	}
	lctx, cancel := context.WithTimeout(ctx, or(h.LookupTimeout, time.Second))
	revoked, why, err := h.Revocations.Revoked(lctx, claims)
	cancel()
	if err != nil {
		h.fail(ctx, "DenyList", err)
		return none, fmt.Errorf("authorizer: deny-list unavailable")
	}
	if revoked {
		h.deny(ctx, "Revoked", errors.New(why))
		return none, ErrUnauthorized
	}

	id := rules.Identity{Sub: claims.Subject, TokenUse: claims.TokenUse, Machine: claims.Machine(), Groups: claims.Groups, Scopes: claims.Scopes()}
	resp := events.APIGatewayCustomAuthorizerResponse{PrincipalID: claims.Subject, Context: Context(claims)}
	resp.PolicyDocument = Policy(base, rules.Resources(h.Rules, id))
	h.Metrics.Count(contract.AuthorizerAllowed, 1)
	return resp, nil
}

// Context is the identity the authorizer hands to the integrations
// (API Gateway's $context.authorizer.*; values must be strings, numbers or
// booleans). Lists are JSON arrays, never joined: a group name may contain
// any separator.
//
//	sub, username, tokenUse, clientId  strings as in the token ("" when absent)
//	principal                          "user" or "machine"
//	groups, scopes                     JSON arrays of strings, e.g. ["admin","a,b"]
func Context(c *jwtverify.Claims) map[string]interface{} {
	groups, _ := json.Marshal(nonNil(c.Groups))
	scopes, _ := json.Marshal(nonNil(c.Scopes()))
	principal := rules.PrincipalUser
	if c.Machine() {
		principal = rules.PrincipalMachine
	}
	return map[string]interface{}{
		"sub": c.Subject, "username": c.User(), "tokenUse": c.TokenUse, "clientId": c.Client(),
		"principal": principal, "groups": string(groups), "scopes": string(scopes),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Policy allows execute-api:Invoke on base + each resource pattern, or
// denies everything when there is none.
func Policy(base string, resources []string) events.APIGatewayCustomAuthorizerPolicy {
	doc := events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17"}
	if len(resources) == 0 {
		doc.Statement = []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: "Deny", Resource: []string{base + "*"}}}
		return doc
	}
	arns := make([]string, len(resources))
	for i, r := range resources {
		arns[i] = base + r
	}
	doc.Statement = []events.IAMPolicyStatement{{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: arns}}
	return doc
}

// apiBase turns arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/path
// into arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/.
func apiBase(methodArn string) (string, bool) {
	parts := strings.SplitN(methodArn, ":", 6)
	if len(parts) != 6 || parts[2] != "execute-api" {
		return "", false
	}
	path := strings.SplitN(parts[5], "/", 3)
	if len(path) < 3 || path[0] == "" || path[1] == "" {
		return "", false
	}
	return strings.Join(parts[:5], ":") + ":" + path[0] + "/" + path[1] + "/", true
}

func reason(err error) string {
	for _, e := range []struct {
		err  error
		name string
	}{
		{jwtverify.ErrExpired, "Expired"}, {jwtverify.ErrNotYetValid, "NotYetValid"}, {jwtverify.ErrSignature, "Signature"},
		{jwtverify.ErrAlgorithm, "Algorithm"}, {jwtverify.ErrUnknownKey, "UnknownKey"}, {jwtverify.ErrIssuer, "Issuer"},
		{jwtverify.ErrClient, "Client"}, {jwtverify.ErrTokenUse, "TokenUse"},
	} {
		if errors.Is(err, e.err) {
			return e.name
		}
	}
	return "Malformed"
}

func (h *Handler) deny(ctx context.Context, why string, err error) {
	h.Metrics.Count(contract.AuthorizerDenied, 1, contract.DimReason, why)
	h.Log.InfoContext(ctx, "token refused", "reason", why, "error", fmt.Sprint(err))
}

func (h *Handler) fail(ctx context.Context, what string, err error) {
	h.Metrics.Count(contract.AuthorizerFailures, 1, contract.DimReason, what)
	h.Log.ErrorContext(ctx, "failing closed: dependency unavailable", "dependency", what, "error", err.Error())
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// FromEnv builds a Handler from the environment; revocations answers the
// deny-list lookups.
func FromEnv(getenv func(string) string, revocations Revocations, m *telemetry.Metrics, log *slog.Logger) (*Handler, error) {
	v, err := jwtverify.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	var rs []rules.Rule
	if err := json.Unmarshal([]byte(getenv(contract.EnvRules)), &rs); err != nil {
		return nil, fmt.Errorf("authorizer: %s: %w", contract.EnvRules, err)
	}
	if err := rules.Validate(rs); err != nil {
		return nil, fmt.Errorf("authorizer: %s: %w", contract.EnvRules, err)
	}
	return &Handler{Verifier: v, Revocations: revocations, Rules: rs, Metrics: m, Log: log}, nil
}
