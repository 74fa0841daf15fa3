// Package userevent turns Cognito pre authentication, post authentication
// and post confirmation trigger events into user events published to the
// user-events SNS topic. The schema is documented in docs/EVENTS.md.
//
// Publishing never blocks a person: a failed publish is retried inside the
// invocation's time budget, then logged and counted
// (contract.PublishFailures), and the trigger still succeeds.
package userevent

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/hook"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// SchemaVersion is the version of Event; it changes only when a field is
// removed or changes meaning (added fields keep the version).
const SchemaVersion = "1"

// Event types (the "eventType" field and message attribute).
const (
	SignUpConfirmed         = "SignUpConfirmed"
	ForgotPasswordConfirmed = "ForgotPasswordConfirmed"
	SignInAttempted         = "SignInAttempted"
	SignedIn                = "SignedIn"
)

// IDWindow is how long the first attempt of a Cognito request claims its
// event id: every attempt that follows within it (Cognito tries a trigger
// call up to 3 times, 5 seconds each) gets the same id. Two identical
// requests (same user, client and request body) within it are taken for
// attempts of one and share the id.
const IDWindow = 30 * time.Second

// ClientIDNotApplicable is what Cognito writes as callerContext.clientId
// when an administrator, not an app client, caused the event
// (AdminConfirmSignUp, AdminCreateUser, ...); events carry no clientId then.
const ClientIDNotApplicable = "CLIENT_ID_NOT_APPLICABLE"

// Event is a user event, serialized as the SNS message body.
type Event struct {
	SchemaVersion string `json:"schemaVersion"`
	// EventID is the same for every attempt of one Cognito request (see
	// IDWindow); subscribers drop events whose id they have seen.
	EventID    string    `json:"eventId"`
	EventType  string    `json:"eventType"`
	Time       time.Time `json:"time"`
	Region     string    `json:"region"`
	UserPoolID string    `json:"userPoolId"`
	// ClientID is the app client the person used; absent for events an
	// administrator caused.
	ClientID string `json:"clientId,omitempty"`
	// Sub is the user's immutable id (the "sub" claim).
	Sub string `json:"sub"`
	// Email is set on SignUpConfirmed only (for welcome flows).
	Email string `json:"email,omitempty"`
	// NewDeviceUsed is set on SignedIn.
	NewDeviceUsed *bool `json:"newDeviceUsed,omitempty"`
}

// header is the part every Cognito trigger event shares, plus the request
// fields user events use; it is decoded first to pick the event type.
type header struct {
	events.CognitoEventUserPoolsHeader
	Request struct {
		UserAttributes map[string]string `json:"userAttributes"`
		NewDeviceUsed  *bool             `json:"newDeviceUsed"`
		UserNotFound   bool              `json:"userNotFound"`
	} `json:"request"`
}

// ErrUserNotFound is returned by EventFrom for a pre authentication call
// about a user who does not exist: Cognito makes it, with
// request.userNotFound = true, when the app client prevents user-existence
// errors. It is no user event, and the trigger must answer it as any other
// (an error would tell the caller the account does not exist).
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-authentication.html
var ErrUserNotFound = errors.New("userevent: sign-in attempt for a user who does not exist")

// EventFrom builds the user event of a Cognito trigger event (raw JSON) at
// time now; its EventID is derived from RequestKey and the 30-second window
// of now (Publisher.Handle replaces it with the request's claimed id). It
// errors on unknown trigger sources and missing identity fields, and with
// ErrUserNotFound for attempts on users who do not exist.
func EventFrom(raw []byte, now time.Time) (Event, error) {
	var h header
	if err := json.Unmarshal(raw, &h); err != nil {
		return Event{}, fmt.Errorf("userevent: not a Cognito trigger event: %w", err)
	}
	var typ string
	switch h.TriggerSource {
	case "PostConfirmation_ConfirmSignUp":
		typ = SignUpConfirmed
	case "PostConfirmation_ConfirmForgotPassword":
		typ = ForgotPasswordConfirmed
	case "PreAuthentication_Authentication":
		typ = SignInAttempted
		if h.Request.UserNotFound {
			return Event{}, ErrUserNotFound
		}
	case "PostAuthentication_Authentication":
		typ = SignedIn
	default:
		return Event{}, fmt.Errorf("userevent: unsupported trigger source %q", h.TriggerSource)
	}
	sub := h.Request.UserAttributes["sub"]
	if sub == "" {
		sub = h.UserName // pools with email as username use the sub as userName
	}
	if h.UserPoolID == "" || sub == "" {
		return Event{}, fmt.Errorf("userevent: %s event without userPoolId or sub", h.TriggerSource)
	}
	if len(sub) > 128 || len(h.UserPoolID) > 55 || len(h.CallerContext.ClientID) > 128 {
		return Event{}, fmt.Errorf("userevent: %s event with oversized identity fields", h.TriggerSource)
	}
	client := h.CallerContext.ClientID
	if client == ClientIDNotApplicable {
		client = ""
	}
	ev := Event{
		SchemaVersion: SchemaVersion,
		EventType:     typ,
		Time:          now.UTC().Truncate(time.Millisecond),
		Region:        h.Region,
		UserPoolID:    h.UserPoolID,
		ClientID:      client,
		Sub:           sub,
	}
	switch typ {
	case SignUpConfirmed:
		ev.Email = h.Request.UserAttributes["email"]
	case SignedIn:
		ev.NewDeviceUsed = h.Request.NewDeviceUsed
		if ev.NewDeviceUsed == nil {
			ev.NewDeviceUsed = aws.Bool(false)
		}
	}
	ev.EventID = windowID(RequestKey(raw), now)
	return ev, nil
}

// RequestKey identifies a Cognito request across its attempts: a hash of
// what Cognito sends identically each time (trigger source, pool, user name,
// client and the whole request object, in canonical JSON).
func RequestKey(raw []byte) string {
	var ev struct {
		TriggerSource string `json:"triggerSource"`
		UserPoolID    string `json:"userPoolId"`
		UserName      string `json:"userName"`
		CallerContext struct {
			ClientID string `json:"clientId"`
		} `json:"callerContext"`
		Request interface{} `json:"request"`
	}
	json.Unmarshal(raw, &ev)
	request, _ := json.Marshal(ev.Request) // sorted keys
	sum := sha256.Sum256([]byte(strings.Join([]string{
		ev.TriggerSource, ev.UserPoolID, ev.UserName, ev.CallerContext.ClientID, string(request),
	}, "\x00")))
	return hex.EncodeToString(sum[:])
}

// claimedID is the id a request's first attempt claims: its key and the
// first attempt's time.
func claimedID(key string, first time.Time) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strconv.FormatInt(first.UnixNano(), 10)))
	return hex.EncodeToString(sum[:16])
}

// windowID is the fallback id when no claim can be made: the key and the
// IDWindow the attempt falls in (attempts on both sides of a window edge get
// two ids).
func windowID(key string, now time.Time) string {
	sum := sha256.Sum256([]byte(key + "\x00w" + strconv.FormatInt(now.UTC().Truncate(IDWindow).Unix(), 10)))
	return hex.EncodeToString(sum[:16])
}

// IDs remembers the event id a request's first attempt claimed, for
// IDWindow. Implementations are safe for concurrent use.
type IDs interface {
	// Claim stores id for key unless an unexpired id is stored already, and
	// returns the stored id (id itself when it was stored).
	Claim(ctx context.Context, key, id string, now time.Time) (string, error)
}

// SNSPublisher is the part of *sns.Client the Publisher uses.
type SNSPublisher interface {
	Publish(ctx context.Context, in *sns.PublishInput, opts ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Publisher publishes user events. It is safe for concurrent use.
type Publisher struct {
	// Client sends to SNS (its own retryer retries throttling and 5xx). Required.
	Client SNSPublisher
	// TopicARN is the user-events topic. Required.
	TopicARN string
	// Enabled turns publishing on; when false, Handle only counts metrics.
	Enabled bool
	// IDs gives every attempt of one Cognito request the same event id.
	// Default: none, ids from the 30-second window alone.
	IDs IDs
	// ClaimTimeout bounds claiming the id, so a slow table never costs the
	// person their sign-in (the id then comes from the time window).
	// Default: 300ms.
	ClaimTimeout time.Duration
	// Reserve is the time kept back from the invocation deadline so the
	// trigger answers Cognito in time. Default: 500ms.
	Reserve time.Duration
	// Metrics and Log record outcomes. Required.
	Metrics *telemetry.Metrics
	Log     *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Hook is the user's function invoked after the event is published, with
	// the trigger's event; its answer is Cognito's, its error fails the
	// request with its message (a pre authentication hook refuses the
	// sign-in). Default: none.
	Hook *hook.Hook
}

// MsgUnavailable is shown when the hook gives no answer in time.
const MsgUnavailable = "Sign-in is unavailable right now, please try again in a few minutes"

// shown is an error whose text Cognito shows the person as it is.
type shown string

func (s shown) Error() string { return string(s) }

// Handle is the trigger handler: it publishes the event and returns the
// trigger event unchanged (Cognito expects its own event back), or the
// hook's answer when there is a hook. A malformed or unsupported event is an
// error, and so is the hook's.
func (p *Publisher) Handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	out, err := p.publishEvent(ctx, raw)
	if err != nil || p.Hook == nil {
		return out, err
	}
	answer, err := p.Hook.Call(ctx, raw)
	var refusal *hook.Refusal
	switch {
	case errors.As(err, &refusal):
		return nil, refusal
	case err != nil:
		p.Metrics.Count(contract.HookFailures, 1)
		p.Log.ErrorContext(ctx, "user-events hook gave no answer", "error", err)
		return nil, shown(MsgUnavailable)
	}
	return answer, nil
}

// publishEvent publishes the user event of raw and returns raw.
func (p *Publisher) publishEvent(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	at := now()
	ev, err := EventFrom(raw, at)
	if errors.Is(err, ErrUserNotFound) {
		// No user, no event, no error: anything else would reveal that the
		// account does not exist.
		p.Metrics.Count(contract.UnknownUserSignInAttempts, 1)
		return raw, nil
	}
	if err != nil {
		p.Log.ErrorContext(ctx, "rejected trigger event", "error", err)
		return nil, err
	}
	p.Metrics.Count(metricOf(ev.EventType), 1)
	if !p.Enabled {
		return raw, nil
	}
	if p.IDs != nil {
		key := RequestKey(raw)
		cctx, cancel := p.budget(ctx, cmp.Or(p.ClaimTimeout, 300*time.Millisecond))
		id, err := p.IDs.Claim(cctx, key, claimedID(key, at), at)
		cancel()
		if err == nil {
			ev.EventID = id
		} else {
			p.Log.WarnContext(ctx, "event id not claimed; using the time-window id", "eventType", ev.EventType, "error", err)
		}
	}
	if err := p.publish(ctx, ev); err != nil {
		p.Metrics.Count(contract.PublishFailures, 1)
		p.Log.ErrorContext(ctx, "user event not published", "eventType", ev.EventType, "eventId", ev.EventID, "error", err)
	}
	return raw, nil
}

// budget is ctx ending Reserve before the invocation's deadline (if it has
// one) and after at most limit (if > 0), so the trigger answers Cognito in
// time whatever its calls do.
func (p *Publisher) budget(ctx context.Context, limit time.Duration) (context.Context, context.CancelFunc) {
	if deadline, ok := ctx.Deadline(); ok {
		end := deadline.Add(-cmp.Or(p.Reserve, 500*time.Millisecond))
		if limit > 0 && time.Until(end) > limit {
			end = time.Now().Add(limit)
		}
		return context.WithDeadline(ctx, end)
	}
	if limit > 0 {
		return context.WithTimeout(ctx, limit)
	}
	return context.WithCancel(ctx)
}

func (p *Publisher) publish(ctx context.Context, ev Event) error {
	ctx, cancel := p.budget(ctx, 0)
	defer cancel()
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	backoff := 50 * time.Millisecond
	for attempt := 1; ; attempt++ {
		_, err = p.Client.Publish(ctx, &sns.PublishInput{
			TopicArn: aws.String(p.TopicARN),
			Message:  aws.String(string(body)),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{
				"eventType":     {DataType: aws.String("String"), StringValue: aws.String(ev.EventType)},
				"schemaVersion": {DataType: aws.String("String"), StringValue: aws.String(SchemaVersion)},
			},
		})
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || attempt == 3 {
			return fmt.Errorf("after %d attempts: %w", attempt, errors.Join(err, ctx.Err()))
		}
		select {
		case <-time.After(backoff):
			backoff *= 4
		case <-ctx.Done():
			return fmt.Errorf("after %d attempts: %w", attempt, errors.Join(err, ctx.Err()))
		}
	}
}

func metricOf(eventType string) string {
	switch eventType {
	case SignUpConfirmed:
		return contract.Confirmations
	case ForgotPasswordConfirmed:
		return contract.PasswordResets
	case SignInAttempted:
		return contract.SignInAttempts
	default:
		return contract.SignIns
	}
}

// FromEnv builds a Publisher configured by the environment, sending with
// client (which should not retry itself: set RetryMaxAttempts to 1) and
// claiming event ids in contract.EnvEventIDTable through ddb when the
// variable is set.
func FromEnv(getenv func(string) string, client SNSPublisher, ddb DynamoDB, invoker hook.Invoker, m *telemetry.Metrics, log *slog.Logger) (*Publisher, error) {
	p := &Publisher{Client: client, TopicARN: getenv(contract.EnvUserEventsTopicARN), Enabled: getenv(contract.EnvPublishUserEvents) == "true", Metrics: m, Log: log}
	if fn := getenv(contract.EnvHookFunction); fn != "" {
		p.Hook = &hook.Hook{Function: fn, Client: invoker}
	}
	if p.Enabled && !strings.HasPrefix(p.TopicARN, "arn:") {
		return nil, fmt.Errorf("userevent: %s=%q is not a topic ARN", contract.EnvUserEventsTopicARN, p.TopicARN)
	}
	if table := getenv(contract.EnvEventIDTable); table != "" && ddb != nil {
		p.IDs = &TableIDs{Client: ddb, Table: table}
	}
	return p, nil
}
