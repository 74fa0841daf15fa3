// Package custommessage is the custom message trigger: it renders the
// emails (HTML) and SMS texts Cognito sends, from templates embedded in the
// binary, branded per application and environment.
//
// Every message keeps the placeholders Cognito requires: the code parameter
// ({####}) in every message, and the username parameter ({username}) in the
// admin invitation. A template that would drop one is a startup error, not a
// silently broken email. Trigger sources this package does not know are passed
// through unchanged (Cognito then sends its default message).
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
package custommessage

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	"strings"
	texttemplate "text/template"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/telemetry"
)

//go:embed templates/*.tmpl
var files embed.FS

// Kinds of message, one per trigger source.
var kinds = map[string]string{
	"CustomMessage_SignUp":              "signup",
	"CustomMessage_ResendCode":          "resend",
	"CustomMessage_ForgotPassword":      "forgot",
	"CustomMessage_AdminCreateUser":     "invite",
	"CustomMessage_UpdateUserAttribute": "verify",
	"CustomMessage_VerifyUserAttribute": "verify",
	"CustomMessage_Authentication":      "mfa",
}

// Brand is what the templates may show besides the placeholders.
type Brand struct {
	// AppName is the application's display name.
	AppName string
	// Environment is shown in non-production subjects ("[test] ...").
	Environment string
	// Production hides the environment.
	Production bool
}

// data is what a template sees.
type data struct {
	Brand
	Code     string // Cognito's code placeholder, e.g. {####}
	Username string // Cognito's username placeholder (invitations)
}

// Renderer renders messages. Build it with New; it is safe for concurrent use.
type Renderer struct {
	brand   Brand
	html    *htmltemplate.Template
	text    *texttemplate.Template
	Metrics *telemetry.Metrics
	Log     *slog.Logger
}

// New parses the embedded templates and proves each keeps the placeholders.
func New(b Brand, m *telemetry.Metrics, log *slog.Logger) (*Renderer, error) {
	h, err := htmltemplate.ParseFS(files, "templates/*.html.tmpl")
	if err != nil {
		return nil, err
	}
	t, err := texttemplate.ParseFS(files, "templates/*.txt.tmpl")
	if err != nil {
		return nil, err
	}
	r := &Renderer{brand: b, html: h, text: t, Metrics: m, Log: log}
	for source := range kinds {
		probe := events.CognitoEventUserPoolsCustomMessage{}
		probe.TriggerSource = source
		probe.Request.CodeParameter = "{####}"
		probe.Request.UsernameParameter = "{username}"
		if _, err := r.render(probe); err != nil {
			return nil, fmt.Errorf("custommessage: %s: %w", source, err)
		}
	}
	return r, nil
}

// Handle sets the response's email subject and HTML body and the SMS text.
func (r *Renderer) Handle(ctx context.Context, ev events.CognitoEventUserPoolsCustomMessage) (events.CognitoEventUserPoolsCustomMessage, error) {
	if _, ok := kinds[ev.TriggerSource]; !ok {
		r.Log.WarnContext(ctx, "unknown custom message trigger source; Cognito's default message is used", "triggerSource", ev.TriggerSource)
		return ev, nil
	}
	if ev.Request.CodeParameter == "" {
		return ev, fmt.Errorf("custommessage: %s event without codeParameter", ev.TriggerSource)
	}
	if ev.TriggerSource == "CustomMessage_AdminCreateUser" && ev.Request.UsernameParameter == "" {
		return ev, fmt.Errorf("custommessage: %s event without usernameParameter", ev.TriggerSource)
	}
	resp, err := r.render(ev)
	if err != nil {
		return ev, err
	}
	ev.Response = resp
	r.Metrics.Count(telemetry.MessagesCustomized, 1)
	return ev, nil
}

func (r *Renderer) render(ev events.CognitoEventUserPoolsCustomMessage) (events.CognitoEventUserPoolsCustomMessageResponse, error) {
	kind := kinds[ev.TriggerSource]
	d := data{Brand: r.brand, Code: ev.Request.CodeParameter, Username: ev.Request.UsernameParameter}
	var subject, body, sms bytes.Buffer
	if err := r.text.ExecuteTemplate(&subject, kind+".subject.txt.tmpl", d); err != nil {
		return events.CognitoEventUserPoolsCustomMessageResponse{}, err
	}
	if err := r.html.ExecuteTemplate(&body, kind+".html.tmpl", d); err != nil {
		return events.CognitoEventUserPoolsCustomMessageResponse{}, err
	}
	if err := r.text.ExecuteTemplate(&sms, kind+".sms.txt.tmpl", d); err != nil {
		return events.CognitoEventUserPoolsCustomMessageResponse{}, err
	}
	resp := events.CognitoEventUserPoolsCustomMessageResponse{
		EmailSubject: strings.TrimSpace(subject.String()),
		EmailMessage: body.String(),
		SMSMessage:   strings.TrimSpace(sms.String()),
	}
	for _, msg := range []string{resp.EmailMessage, resp.SMSMessage} {
		if !strings.Contains(msg, d.Code) {
			return resp, fmt.Errorf("message lost the code placeholder %q", d.Code)
		}
		if kind == "invite" && !strings.Contains(msg, d.Username) {
			return resp, fmt.Errorf("invitation lost the username placeholder %q", d.Username)
		}
	}
	return resp, nil
}

// Environment variables read by FromEnv (set by constructs/triggers).
const (
	EnvAppName     = "AUTHSTACK_APP_NAME"
	EnvEnvironment = "AUTHSTACK_ENVIRONMENT"
	EnvProduction  = "AUTHSTACK_PRODUCTION"
)

// FromEnv builds a Renderer branded by the environment.
func FromEnv(getenv func(string) string, m *telemetry.Metrics, log *slog.Logger) (*Renderer, error) {
	return New(Brand{AppName: getenv(EnvAppName), Environment: getenv(EnvEnvironment), Production: getenv(EnvProduction) == "true"}, m, log)
}
