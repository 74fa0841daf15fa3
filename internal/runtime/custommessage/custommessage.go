// Package custommessage is the custom message trigger: it renders the
// emails (HTML) and SMS texts Cognito sends, from templates embedded in the
// binary, branded per application and environment.
//
// What it answers depends on how the pool sends email (its
// EmailConfiguration.EmailSendingAccount):
//
//   - DEVELOPER (through your Amazon SES identity): email subject, HTML body
//     and SMS text;
//   - COGNITO_DEFAULT (Cognito's own sender): the SMS text only. The custom
//     message page says Cognito uses emailMessage and emailSubject only with
//     DEVELOPER and otherwise answers InvalidLambdaResponseException, which
//     would fail sign-up, resend, forgot password, invitations, attribute
//     verification and MFA codes alike. Email then keeps Cognito's default
//     text.
//
// Every message keeps the placeholders Cognito requires: the code parameter
// ({####}) in every message, and the username parameter ({username}) in the
// admin invitation; an SMS text stays within 140 characters
// (MessageTemplateType SMSMessage). A template that would break one is a
// start-up error, not a silently broken message. For trigger sources this
// package does not know, the response stays empty, so Cognito sends its
// default message.
//
// Sources: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_MessageTemplateType.html
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
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
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

// MaxSMSLength is the longest SMS text Cognito accepts in a message
// template (MessageTemplateType SMSMessage: 6 to 140 characters).
const MaxSMSLength = 140

// Event is a custom message event: Cognito's header and request as
// aws-lambda-go decodes them, and a response of our own that writes only
// the fields set (aws-lambda-go's writes all three, "" included).
type Event struct {
	events.CognitoEventUserPoolsHeader
	Request  events.CognitoEventUserPoolsCustomMessageRequest `json:"request"`
	Response Response                                         `json:"response"`
}

// Response is the custom message response.
type Response struct {
	SMSMessage   string `json:"smsMessage,omitempty"`
	EmailMessage string `json:"emailMessage,omitempty"`
	EmailSubject string `json:"emailSubject,omitempty"`
}

// Renderer renders messages. Build it with New; it is safe for concurrent use.
type Renderer struct {
	brand   Brand
	email   bool // the pool sends through SES (DEVELOPER): email fields may be returned
	html    *htmltemplate.Template
	text    *texttemplate.Template
	Metrics *telemetry.Metrics
	Log     *slog.Logger
}

// New parses the embedded templates and proves each keeps the
// placeholders; sendingAccount is the pool's EmailSendingAccount
// (contract.EmailCognitoDefault or contract.EmailDeveloper).
func New(b Brand, sendingAccount string, m *telemetry.Metrics, log *slog.Logger) (*Renderer, error) {
	if sendingAccount != contract.EmailCognitoDefault && sendingAccount != contract.EmailDeveloper {
		return nil, fmt.Errorf("custommessage: email sending account %q; want %s or %s", sendingAccount, contract.EmailCognitoDefault, contract.EmailDeveloper)
	}
	h, err := htmltemplate.ParseFS(files, "templates/*.html.tmpl")
	if err != nil {
		return nil, err
	}
	t, err := texttemplate.ParseFS(files, "templates/*.txt.tmpl")
	if err != nil {
		return nil, err
	}
	r := &Renderer{brand: b, email: sendingAccount == contract.EmailDeveloper, html: h, text: t, Metrics: m, Log: log}
	for source := range kinds {
		probe := Event{}
		probe.TriggerSource = source
		probe.Request.CodeParameter = "{####}"
		probe.Request.UsernameParameter = "{username}"
		if _, err := r.render(probe); err != nil {
			return nil, fmt.Errorf("custommessage: %s: %w", source, err)
		}
	}
	return r, nil
}

// Handle answers with the messages the pool can use (see the package doc).
func (r *Renderer) Handle(ctx context.Context, ev Event) (Event, error) {
	ev.Response = Response{}
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
	if !r.email {
		resp.EmailMessage, resp.EmailSubject = "", ""
	}
	ev.Response = resp
	r.Metrics.Count(contract.MessagesCustomized, 1)
	return ev, nil
}

func (r *Renderer) render(ev Event) (Response, error) {
	kind := kinds[ev.TriggerSource]
	d := data{Brand: r.brand, Code: ev.Request.CodeParameter, Username: ev.Request.UsernameParameter}
	var subject, body, sms bytes.Buffer
	if err := r.text.ExecuteTemplate(&subject, kind+".subject.txt.tmpl", d); err != nil {
		return Response{}, err
	}
	if err := r.html.ExecuteTemplate(&body, kind+".html.tmpl", d); err != nil {
		return Response{}, err
	}
	if err := r.text.ExecuteTemplate(&sms, kind+".sms.txt.tmpl", d); err != nil {
		return Response{}, err
	}
	resp := Response{
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
	if n := utf8.RuneCountInString(resp.SMSMessage); n > MaxSMSLength {
		return resp, fmt.Errorf("SMS text is %d characters; Cognito allows %d (shorten the app or environment name)", n, MaxSMSLength)
	}
	return resp, nil
}

// FromEnv builds a Renderer branded by the environment.
func FromEnv(getenv func(string) string, m *telemetry.Metrics, log *slog.Logger) (*Renderer, error) {
	return New(Brand{AppName: getenv(contract.EnvAppName), Environment: getenv(contract.EnvEnvironment), Production: getenv(contract.EnvProduction) == "true"},
		getenv(contract.EnvEmailSendingAccount), m, log)
}
