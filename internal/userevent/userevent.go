// Package userevent turns Cognito pre authentication, post authentication
// and post confirmation trigger events into user events published to the
// user-events SNS topic. The schema is documented in docs/EVENTS.md.
//
// Publishing never blocks a person: a failed publish is retried inside the
// invocation's time budget, then logged and counted
// (telemetry.PublishFailures), and the trigger still succeeds.
package userevent

import (
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

	"github.com/authstack/authstack/internal/telemetry"
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

// DedupWindow is the width of the time window in the event id: Cognito's
// retries of one trigger call (up to 3 attempts within its 5-second limit
// each) fall in one window and get the same id.
const DedupWindow = 30 * time.Second

// Event is a user event, serialized as the SNS message body.
type Event struct {
	SchemaVersion string `json:"schemaVersion"`
	// EventID is the same for Cognito's retries of one trigger call;
	// subscribers drop events whose id they have seen.
	EventID    string    `json:"eventId"`
	EventType  string    `json:"eventType"`
	Time       time.Time `json:"time"`
	Region     string    `json:"region"`
	UserPoolID string    `json:"userPoolId"`
	ClientID   string    `json:"clientId,omitempty"`
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
	} `json:"request"`
}

// EventFrom builds the user event of a Cognito trigger event (raw JSON) at
// time now. It errors on unknown trigger sources and missing identity fields.
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
	ev := Event{
		SchemaVersion: SchemaVersion,
		EventType:     typ,
		Time:          now.UTC().Truncate(time.Millisecond),
		Region:        h.Region,
		UserPoolID:    h.UserPoolID,
		ClientID:      h.CallerContext.ClientID,
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
	ev.EventID = eventID(ev, now)
	return ev, nil
}

// eventID hashes what identifies one trigger call: pool, user, client, type
// and the DedupWindow the call falls in.
func eventID(ev Event, now time.Time) string {
	window := now.UTC().Truncate(DedupWindow).Unix()
	sum := sha256.Sum256([]byte(strings.Join([]string{
		ev.UserPoolID, ev.Sub, ev.ClientID, ev.EventType, strconv.FormatInt(window, 10),
	}, "\x00")))
	return hex.EncodeToString(sum[:16])
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
	// Reserve is the time kept back from the invocation deadline so the
	// trigger answers Cognito in time. Default: 500ms.
	Reserve time.Duration
	// Metrics and Log record outcomes. Required.
	Metrics *telemetry.Metrics
	Log     *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
}

// Handle is the trigger handler: it publishes the event and returns the
// trigger event unchanged (Cognito expects its own event back). Only a
// malformed or unsupported event is an error.
func (p *Publisher) Handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	ev, err := EventFrom(raw, now())
	if err != nil {
		p.Log.ErrorContext(ctx, "rejected trigger event", "error", err)
		return nil, err
	}
	p.Metrics.Count(metricOf(ev.EventType), 1)
	if !p.Enabled {
		return raw, nil
	}
	if err := p.publish(ctx, ev); err != nil {
		p.Metrics.Count(telemetry.PublishFailures, 1)
		p.Log.ErrorContext(ctx, "user event not published", "eventType", ev.EventType, "eventId", ev.EventID, "error", err)
	}
	return raw, nil
}

func (p *Publisher) publish(ctx context.Context, ev Event) error {
	reserve := p.Reserve
	if reserve == 0 {
		reserve = 500 * time.Millisecond
	}
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-reserve))
		defer cancel()
	}
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
		return telemetry.Confirmations
	case ForgotPasswordConfirmed:
		return telemetry.PasswordResets
	case SignInAttempted:
		return telemetry.SignInAttempts
	default:
		return telemetry.SignIns
	}
}

// Environment variables read by FromEnv (set by constructs/triggers).
const (
	// EnvTopicARN is the user-events topic.
	EnvTopicARN = "AUTHSTACK_USER_EVENTS_TOPIC_ARN"
	// EnvPublish is "true" to publish (config publishUserEvents).
	EnvPublish = "AUTHSTACK_PUBLISH_USER_EVENTS"
)

// FromEnv builds a Publisher configured by the environment, sending with
// client (which should not retry itself: set RetryMaxAttempts to 1).
func FromEnv(getenv func(string) string, client SNSPublisher, m *telemetry.Metrics, log *slog.Logger) (*Publisher, error) {
	p := &Publisher{Client: client, TopicARN: getenv(EnvTopicARN), Enabled: getenv(EnvPublish) == "true", Metrics: m, Log: log}
	if p.Enabled && !strings.HasPrefix(p.TopicARN, "arn:") {
		return nil, fmt.Errorf("userevent: %s=%q is not a topic ARN", EnvTopicARN, p.TopicARN)
	}
	return p, nil
}
