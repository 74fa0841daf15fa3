// Package migration is the user migration trigger: when a person who is not
// yet in the user pool signs in (or asks to reset their password), it asks a
// legacy HTTPS endpoint whether the user exists there (and whether the
// password is right), and if so Cognito creates the user just in time:
// CONFIRMED, email verified, welcome message suppressed.
//
// The legacy endpoint contract (JSON over HTTPS, bearer token):
//
//	POST {endpoint}/authenticate {"username": "...", "password": "..."}
//	POST {endpoint}/lookup       {"username": "..."}
//	200 {"attributes": {"email": "...", "name": "...", ...}}   user found (and password right)
//	401 or 404                                                 no such user, or wrong password
//
// The bearer token is the "token" field of a Secrets Manager secret (JSON),
// cached for CacheTTL.
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html
package migration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// ErrNotFound means the legacy system has no such user or the password is wrong.
var ErrNotFound = errors.New("migration: user not found or wrong password")

// MsgUnavailable is the error for a sign-in the legacy system could not
// answer (unreachable, failing, or its credentials unreadable); it says
// nothing about the user. Cognito shows it as "UserMigration failed with
// error <message>." and adds the final period itself.
const MsgUnavailable = "Sign-in is unavailable right now, please try again in a few minutes"

// userMessage is an error whose text Cognito shows the user as it is
// (a sentence, capitalised), unlike Go's lower-case error strings.
type userMessage string

func (m userMessage) Error() string { return string(m) }

// CacheTTL is how long the bearer token is cached.
const CacheTTL = 5 * time.Minute

// maxResponse bounds what is read from the legacy endpoint.
const maxResponse = 64 << 10

// SecretGetter is the part of *secretsmanager.Client the Legacy client uses.
type SecretGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Legacy is a client of the legacy endpoint. It is safe for concurrent use.
type Legacy struct {
	// Endpoint is the https:// base URL. Required.
	Endpoint string
	// SecretID is the ARN of the secret holding {"token": "..."}. Required.
	SecretID string
	// Secrets reads the secret. Required.
	Secrets SecretGetter
	// HTTP sends requests; redirects are never followed, whatever its
	// CheckRedirect. Default: a client with a 2-second timeout.
	HTTP *http.Client

	mu      sync.Mutex
	token   string
	fetched time.Time
}

// Authenticate checks username and password and returns the user's attributes.
func (l *Legacy) Authenticate(ctx context.Context, username, password string) (map[string]string, error) {
	return l.call(ctx, "authenticate", map[string]string{"username": username, "password": password})
}

// Lookup returns the user's attributes.
func (l *Legacy) Lookup(ctx context.Context, username string) (map[string]string, error) {
	return l.call(ctx, "lookup", map[string]string{"username": username})
}

func (l *Legacy) call(ctx context.Context, op string, body map[string]string) (map[string]string, error) {
	token, err := l.bearer(ctx)
	if err != nil {
		return nil, err
	}
	payload, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(l.Endpoint, "/")+"/"+op, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	client := http.Client{Timeout: 2 * time.Second}
	if l.HTTP != nil {
		client = *l.HTTP
	}
	// Never follow a redirect: a 307 would re-send the password wherever it
	// points (plain http:// included), a 302 would turn into a GET whose 200
	// migrates the user. A 3xx is a failure like any other.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("migration: %s: %w", op, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusNotFound:
		return nil, ErrNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("migration: %s: legacy endpoint answered %s", op, resp.Status)
	}
	var out struct {
		Attributes map[string]string `json:"attributes"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(&out); err != nil {
		return nil, fmt.Errorf("migration: %s: bad response: %w", op, err)
	}
	return out.Attributes, nil
}

func (l *Legacy) bearer(ctx context.Context) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.token != "" && time.Since(l.fetched) < CacheTTL {
		return l.token, nil
	}
	out, err := l.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(l.SecretID)})
	if err != nil {
		return "", fmt.Errorf("migration: reading the legacy credentials: %w", err)
	}
	var s struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.SecretString)), &s); err != nil || s.Token == "" {
		return "", fmt.Errorf("migration: secret %s must be JSON with a non-empty \"token\"", l.SecretID)
	}
	l.token, l.fetched = s.Token, time.Now()
	return l.token, nil
}

// Directory is what the handler needs of the legacy system.
type Directory interface {
	Authenticate(ctx context.Context, username, password string) (map[string]string, error)
	Lookup(ctx context.Context, username string) (map[string]string, error)
}

// allowedAttributes may be copied from the legacy system; others are dropped.
var allowedAttributes = map[string]bool{
	"email": true, "name": true, "given_name": true, "family_name": true, "phone_number": true,
	"locale": true, "zoneinfo": true, "preferred_username": true,
}

// Event is a user migration event: Cognito's header and request as
// aws-lambda-go decodes them, and a response of our own. Ours writes only
// the fields that are set, because aws-lambda-go's writes every field
// (finalUserStatus "" is not one of the documented values) and an empty
// response is how a trigger says "no such user".
type Event struct {
	events.CognitoEventUserPoolsHeader
	Request  events.CognitoEventUserPoolsMigrateUserRequest `json:"request"`
	Response Response                                       `json:"response"`
}

// Response is the user migration response.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-migrate-user.html
type Response struct {
	UserAttributes  map[string]string `json:"userAttributes,omitempty"`
	FinalUserStatus string            `json:"finalUserStatus,omitempty"` // CONFIRMED or RESET_REQUIRED
	MessageAction   string            `json:"messageAction,omitempty"`   // SUPPRESS or RESEND
}

// Handler handles user migration events.
type Handler struct {
	Directory Directory
	Metrics   *telemetry.Metrics
	Log       *slog.Logger
}

// Handle migrates the user. For a user the legacy system does not know, or
// a wrong password, it answers with an empty response and no error: with
// PreventUserExistenceErrors on the app client (authstack turns it on for
// every client), Cognito then answers as for any user who does not exist
// ("Incorrect username or password."), so the migration path reveals
// nothing. When the legacy system cannot answer, the sign-in fails with
// MsgUnavailable.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
func (h *Handler) Handle(ctx context.Context, ev Event) (Event, error) {
	// A fresh response: nothing the caller put in the event's response survives.
	ev.Response = Response{}
	var attrs map[string]string
	var err error
	switch ev.TriggerSource {
	case "UserMigration_Authentication":
		if ev.UserName == "" || ev.Request.Password == "" {
			return ev, nil
		}
		attrs, err = h.Directory.Authenticate(ctx, ev.UserName, ev.Request.Password)
	case "UserMigration_ForgotPassword":
		if ev.UserName == "" {
			return ev, nil
		}
		attrs, err = h.Directory.Lookup(ctx, ev.UserName)
	default:
		return ev, fmt.Errorf("migration: unsupported trigger source %q", ev.TriggerSource)
	}
	if errors.Is(err, ErrNotFound) {
		return ev, nil
	}
	if err != nil {
		h.Metrics.Count(contract.MigrationFailures, 1)
		h.Log.ErrorContext(ctx, "legacy endpoint failed", "triggerSource", ev.TriggerSource, "error", err)
		return ev, userMessage(MsgUnavailable)
	}
	email := strings.ToLower(strings.TrimSpace(attrs["email"]))
	if email == "" {
		email = strings.ToLower(ev.UserName)
	}
	user := map[string]string{}
	for k, v := range attrs {
		if allowedAttributes[k] || strings.HasPrefix(k, "custom:") {
			user[k] = v
		}
	}
	user["email"] = email
	user["email_verified"] = "true"
	ev.Response = Response{UserAttributes: user, MessageAction: "SUPPRESS"}
	if ev.TriggerSource == "UserMigration_Authentication" {
		// The password just checked becomes the user's Cognito password.
		// In the forgot-password flow Cognito decides (the user resets).
		ev.Response.FinalUserStatus = "CONFIRMED"
	}
	h.Metrics.Count(contract.UsersMigrated, 1)
	return ev, nil
}

// FromEnv builds a Handler for the legacy endpoint named by the environment.
func FromEnv(getenv func(string) string, secrets SecretGetter, m *telemetry.Metrics, log *slog.Logger) (*Handler, error) {
	endpoint, secret := getenv(contract.EnvMigrationEndpoint), getenv(contract.EnvMigrationSecretARN)
	if !strings.HasPrefix(endpoint, "https://") {
		return nil, fmt.Errorf("migration: %s=%q must be an https:// URL", contract.EnvMigrationEndpoint, endpoint)
	}
	if secret == "" {
		return nil, fmt.Errorf("migration: %s is required", contract.EnvMigrationSecretARN)
	}
	return &Handler{Directory: &Legacy{Endpoint: endpoint, SecretID: secret, Secrets: secrets}, Metrics: m, Log: log}, nil
}
