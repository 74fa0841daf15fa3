// Package apihandler is the API's Lambda integration: JSON answers for the
// guest, user, client and users/{id} routes (with the caller's identity as
// the authorizer saw it), and POST /auth/logout, which ends the user's
// sessions for real: the session and the user's sign-out time go to the
// deny-list (so the authorizer refuses every token issued before, at once),
// then Cognito ends every session of the user (AdminUserGlobalSignOut:
// their refresh tokens stop working; a refresh token in the body is also
// revoked with RevokeToken). When Cognito refuses, the answer says so (502,
// counted as LogoutsIncomplete), never "Signed out". Logout is idempotent.
//
// GlobalSignOut is not used: it needs the aws.cognito.signin.user.admin
// scope on the access token, which the app clients do not grant.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUserGlobalSignOut.html
package apihandler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/denylist"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// Cognito is the part of the Cognito user-pools client logout uses.
type Cognito interface {
	RevokeToken(ctx context.Context, in *cip.RevokeTokenInput, opts ...func(*cip.Options)) (*cip.RevokeTokenOutput, error)
	AdminUserGlobalSignOut(ctx context.Context, in *cip.AdminUserGlobalSignOutInput, opts ...func(*cip.Options)) (*cip.AdminUserGlobalSignOutOutput, error)
}

// Revoker records a sign-out (*denylist.List).
type Revoker interface {
	Revoke(ctx context.Context, c *jwtverify.Claims, now time.Time) error
}

// Handler serves the API. It is safe for concurrent use.
type Handler struct {
	// UserPoolID is the pool whose users sign out (from the issuer).
	UserPoolID string
	// HostedUIURL is the hosted UI's base URL; logout answers name its
	// /logout endpoint, where the browser must go to end managed login's
	// session cookie. Default: none.
	HostedUIURL string
	Verifier    *jwtverify.Verifier
	DenyList    Revoker
	Cognito     Cognito
	AdminGroup  string
	Metrics     *telemetry.Metrics
	Log         *slog.Logger
	Now         func() time.Time
}

// Identity is the caller as the authorizer saw it.
type Identity struct {
	Sub       string   `json:"sub"`
	Principal string   `json:"principal"` // user or machine
	Username  string   `json:"username,omitempty"`
	Groups    []string `json:"groups"`
	Scopes    []string `json:"scopes"`
	TokenUse  string   `json:"tokenUse,omitempty"`
	ClientID  string   `json:"clientId,omitempty"`
}

// Response is every answer's body.
type Response struct {
	Message  string    `json:"message"`
	Status   int       `json:"status"`
	Identity *Identity `json:"identity,omitempty"`
	UserID   string    `json:"userId,omitempty"`
	// HostedUILogoutURL is managed login's logout endpoint for the caller's
	// client (logout answers, when the hosted UI URL is known): send the
	// browser there, adding &logout_uri= one of the client's sign-out URLs,
	// or managed login's session cookie (valid up to an hour) signs the user
	// in again without credentials.
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/logout-endpoint.html
	HostedUILogoutURL string `json:"hostedUiLogoutUrl,omitempty"`
}

// Handle routes a request by its resource template and method.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	id := identity(req.RequestContext.Authorizer)
	switch req.HTTPMethod + " " + req.Resource {
	case "GET /guest":
		return reply(http.StatusOK, Response{Message: "OK"}), nil
	case "GET /user", "GET /client":
		if id == nil {
			return reply(http.StatusUnauthorized, Response{Message: "Unauthorized"}), nil
		}
		return reply(http.StatusOK, Response{Message: "OK", Identity: id}), nil
	case "GET /users/{id}":
		target := req.PathParameters["id"]
		// The authorizer's policy already enforces this; check again so a
		// misconfigured policy cannot leak another user's data.
		if id == nil || (id.Sub != target && !slices.Contains(id.Groups, h.AdminGroup)) {
			return reply(http.StatusForbidden, Response{Message: "Forbidden: you may only read your own user unless you are an administrator"}), nil
		}
		return reply(http.StatusOK, Response{Message: "OK", Identity: id, UserID: target}), nil
	case "POST /auth/logout":
		return h.logout(ctx, req), nil
	}
	return reply(http.StatusNotFound, Response{Message: "Not found"}), nil
}

func (h *Handler) logout(ctx context.Context, req events.APIGatewayProxyRequest) events.APIGatewayProxyResponse {
	token, ok := jwtverify.Bearer(header(req.Headers, "Authorization"))
	if !ok {
		return reply(http.StatusUnauthorized, Response{Message: "Unauthorized"})
	}
	claims, err := h.Verifier.Verify(ctx, token, jwtverify.Access)
	if err != nil {
		// Already expired or revoked tokens cannot sign out again; the
		// authorizer refuses them before this point in any case.
		return reply(http.StatusUnauthorized, Response{Message: "Unauthorized"})
	}
	if claims.Machine() {
		return reply(http.StatusForbidden, Response{Message: "Forbidden: machine clients have no session to sign out of"})
	}
	var body struct {
		RefreshToken string `json:"refreshToken"`
	}
	if strings.TrimSpace(req.Body) != "" {
		if err := json.Unmarshal([]byte(req.Body), &body); err != nil {
			return reply(http.StatusBadRequest, Response{Message: `Body must be JSON: {"refreshToken": "..."} or empty`})
		}
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	// Deny-list first: from this moment the API refuses the user's tokens.
	if err := h.DenyList.Revoke(ctx, claims, now()); err != nil {
		h.Log.ErrorContext(ctx, "logout: deny-list write failed", "error", err)
		return reply(http.StatusServiceUnavailable, Response{Message: "Sign-out is unavailable; try again"})
	}
	var notAuthorized *ciptypes.NotAuthorizedException
	if body.RefreshToken != "" {
		_, err := h.Cognito.RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(claims.ClientID), Token: aws.String(body.RefreshToken)})
		if err != nil && !errors.As(err, &notAuthorized) {
			// The global sign-out below ends this refresh token too.
			h.Log.WarnContext(ctx, "logout: RevokeToken failed", "error", err)
		}
	}
	// Managed login's own session (a browser cookie) ends only at its logout
	// endpoint, whatever Cognito answers here: both answers name it.
	var logoutURL string
	if h.HostedUIURL != "" {
		logoutURL = strings.TrimSuffix(h.HostedUIURL, "/") + "/logout?client_id=" + url.QueryEscape(claims.ClientID)
	}
	_, err = h.Cognito.AdminUserGlobalSignOut(ctx, &cip.AdminUserGlobalSignOutInput{UserPoolId: aws.String(h.UserPoolID), Username: aws.String(claims.Username)})
	var gone *ciptypes.UserNotFoundException
	if err != nil && !errors.As(err, &gone) {
		// The API already refuses the tokens; Cognito's sessions live on.
		h.Metrics.Count(contract.LogoutsIncomplete, 1)
		h.Log.ErrorContext(ctx, "logout: Cognito did not end the sessions", "error", err)
		return reply(http.StatusBadGateway, Response{Message: "Signed out of this API, whose tokens are now refused; " +
			"Cognito did not end your sessions, so your refresh token may still get new tokens elsewhere: try again",
			HostedUILogoutURL: logoutURL})
	}
	h.Metrics.Count(contract.SignOuts, 1)
	return reply(http.StatusOK, Response{Message: "Signed out", HostedUILogoutURL: logoutURL})
}

// identity reads the authorizer's context (authorizer.Context); nil when
// there is none or it is malformed.
func identity(ctx map[string]interface{}) *Identity {
	sub, _ := ctx["sub"].(string)
	if sub == "" {
		return nil
	}
	str := func(k string) string { s, _ := ctx[k].(string); return s }
	id := &Identity{Sub: sub, Username: str("username"), TokenUse: str("tokenUse"), ClientID: str("clientId"), Principal: str("principal")}
	if json.Unmarshal([]byte(str("groups")), &id.Groups) != nil || json.Unmarshal([]byte(str("scopes")), &id.Scopes) != nil ||
		id.Groups == nil || id.Scopes == nil {
		return nil
	}
	return id
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func reply(status int, r Response) events.APIGatewayProxyResponse {
	r.Status = status
	b, _ := json.Marshal(r)
	return events.APIGatewayProxyResponse{
		StatusCode: status,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(b),
	}
}

// FromEnv builds a Handler from the environment; list is the deny-list
// (its TTL is set from contract.EnvDenyListTTLSeconds).
func FromEnv(getenv func(string) string, list *denylist.List, cognito Cognito, m *telemetry.Metrics, log *slog.Logger) (*Handler, error) {
	v, err := jwtverify.FromEnv(getenv)
	if err != nil {
		return nil, err
	}
	secs, err := strconv.Atoi(getenv(contract.EnvDenyListTTLSeconds))
	if err != nil || secs <= 0 {
		return nil, fmt.Errorf("apihandler: %s=%q must be a positive number of seconds", contract.EnvDenyListTTLSeconds, getenv(contract.EnvDenyListTTLSeconds))
	}
	list.TTL = time.Duration(secs) * time.Second
	return &Handler{
		UserPoolID: v.Issuer[strings.LastIndexByte(v.Issuer, '/')+1:], HostedUIURL: getenv(contract.EnvHostedUIURL),
		Verifier: v, DenyList: list, Cognito: cognito, AdminGroup: getenv(contract.EnvAdminGroup), Metrics: m, Log: log,
	}, nil
}
