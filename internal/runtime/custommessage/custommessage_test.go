package custommessage

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/testevents"
)

func renderer(t testing.TB, b Brand, account string) (*Renderer, *testevents.Buffer) {
	m, buf := testevents.Metrics()
	r, err := New(b, account, m, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return r, buf
}

// answer is the response object Lambda returns to Cognito.
func answer(t *testing.T, ev Event) map[string]interface{} {
	t.Helper()
	b, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Response map[string]interface{} `json:"response"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Response
}

func TestThroughSESEveryTriggerSourceGetsEmailAndSMS(t *testing.T) {
	// GIVEN a pool that sends through SES (EmailSendingAccount DEVELOPER)
	r, buf := renderer(t, Brand{AppName: "Shop <&>", Environment: "test"}, contract.EmailDeveloper)
	var base Event
	testevents.Decode(t, "aws/custommessage-admincreateuser.json", &base)
	for source := range kinds {
		ev := base
		ev.TriggerSource = source
		out, err := r.Handle(context.Background(), ev)
		if err != nil {
			t.Errorf("%s: %v", source, err)
			continue
		}
		resp := out.Response
		// THEN the email and the SMS keep the code placeholder, and the invitation the username
		for _, msg := range []string{resp.EmailMessage, resp.SMSMessage} {
			if !strings.Contains(msg, "{####}") {
				t.Errorf("%s: message lost {####}: %q", source, msg)
			}
		}
		if source == "CustomMessage_AdminCreateUser" && (!strings.Contains(resp.EmailMessage, "{username}") || !strings.Contains(resp.SMSMessage, "{username}")) {
			t.Errorf("invitation lost {username}")
		}
		if !strings.HasPrefix(resp.EmailMessage, "<!DOCTYPE html>") || !strings.Contains(resp.EmailMessage, "Shop &lt;&amp;&gt;") {
			t.Errorf("%s: email is not escaped HTML: %.200s", source, resp.EmailMessage)
		}
		if !strings.Contains(resp.EmailSubject, "(test)") || strings.Contains(resp.EmailSubject, "\n") {
			t.Errorf("%s: subject = %q", source, resp.EmailSubject)
		}
		if strings.Contains(resp.SMSMessage, "&lt;") || strings.Contains(resp.SMSMessage, "<p") || len(resp.SMSMessage) > MaxSMSLength {
			t.Errorf("%s: SMS = %q", source, resp.SMSMessage)
		}
	}
	if n := testevents.Counted(t, buf.Buffer, contract.MessagesCustomized); n != len(kinds) {
		t.Errorf("counted %d; want %d", n, len(kinds))
	}
}

func TestWithCognitosDefaultSenderNoEmailFields(t *testing.T) {
	// GIVEN a pool that sends with Cognito's default sender (COGNITO_DEFAULT):
	// the custom message page says emailMessage and emailSubject are used only
	// with DEVELOPER, else Cognito answers InvalidLambdaResponseException
	// (and MessageTemplateType: "EmailMessage is allowed only if
	// EmailSendingAccount is DEVELOPER").
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-custom-message.html
	r, _ := renderer(t, Brand{AppName: "Shop", Environment: "test"}, contract.EmailCognitoDefault)
	for _, file := range []string{"aws/custommessage-signup.json", "aws/custommessage-admincreateuser.json"} {
		var ev Event
		testevents.Decode(t, file, &ev)
		out, err := r.Handle(context.Background(), ev)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		// THEN the answer carries the SMS text alone
		resp := answer(t, out)
		if _, ok := resp["emailMessage"]; ok {
			t.Errorf("%s: answer has emailMessage: %v", file, resp)
		}
		if _, ok := resp["emailSubject"]; ok {
			t.Errorf("%s: answer has emailSubject: %v", file, resp)
		}
		if sms, _ := resp["smsMessage"].(string); !strings.Contains(sms, "{####}") {
			t.Errorf("%s: smsMessage = %q", file, sms)
		}
	}
}

func TestUnknownSourceLeavesCognitosDefault(t *testing.T) {
	r, buf := renderer(t, Brand{AppName: "Shop", Environment: "dev"}, contract.EmailDeveloper)
	var ev Event
	testevents.Decode(t, "aws/custommessage-signup.json", &ev)
	ev.TriggerSource = "CustomMessage_Teleport"
	out, err := r.Handle(context.Background(), ev)
	// An empty response (no "" fields) leaves Cognito's default message.
	if resp := answer(t, out); err != nil || len(resp) != 0 {
		t.Errorf("unknown source: %v, response %v; want no error and {}", err, resp)
	}
	if testevents.Counted(t, buf.Buffer, contract.MessagesCustomized) != 0 {
		t.Error("an untouched message was counted")
	}
}

func TestProductionHidesEnvironment(t *testing.T) {
	r, _ := renderer(t, Brand{AppName: "Shop", Environment: "production", Production: true}, contract.EmailDeveloper)
	ev := Event{}
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "{####}"
	out, err := r.Handle(context.Background(), ev)
	if err != nil || strings.Contains(out.Response.EmailSubject+out.Response.EmailMessage, "production") {
		t.Errorf("subject %q, err %v: production messages must not show the environment", out.Response.EmailSubject, err)
	}
}

func TestEveryBrandWithinTheContractFits(t *testing.T) {
	// contract.MaxBrandLength is what constructs and config allow; every
	// split of it between app and environment name must render every SMS
	// text within 140 characters.
	for app := 1; app < contract.MaxBrandLength; app += 7 {
		b := Brand{AppName: strings.Repeat("a", app), Environment: strings.Repeat("e", contract.MaxBrandLength-app)}
		if _, err := New(b, contract.EmailDeveloper, &telemetry.Metrics{W: io.Discard}, slog.New(slog.NewJSONHandler(io.Discard, nil))); err != nil {
			t.Errorf("app %d + environment %d characters: %v", app, contract.MaxBrandLength-app, err)
		}
	}
}

func TestStartupChecks(t *testing.T) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if _, err := New(Brand{AppName: "Shop"}, "SES", &telemetry.Metrics{W: io.Discard}, log); err == nil {
		t.Error("accepted an unknown email sending account")
	}
	// An SMS text over 140 characters is refused at start-up.
	long := Brand{AppName: strings.Repeat("a", 120), Environment: "test"}
	if _, err := New(long, contract.EmailCognitoDefault, &telemetry.Metrics{W: io.Discard}, log); err == nil || !strings.Contains(err.Error(), "140") {
		t.Errorf("New with a 120-character app name = %v; want the SMS limit named", err)
	}
}

func TestHostileEvents(t *testing.T) {
	r, _ := renderer(t, Brand{AppName: "Shop", Environment: "dev"}, contract.EmailDeveloper)
	ev := Event{}
	ev.TriggerSource = "CustomMessage_SignUp"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted an event without codeParameter")
	}
	ev.TriggerSource = "CustomMessage_AdminCreateUser"
	ev.Request.CodeParameter = "{####}"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted an invitation without usernameParameter")
	}
	// A code parameter that HTML would escape cannot silently vanish.
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "<code>"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted a message whose code placeholder was escaped away")
	}
}

var sinkMsg Event

// BenchmarkHandle renders one sign-up email (HTML, subject) and SMS.
func BenchmarkHandle(b *testing.B) {
	r, err := New(Brand{AppName: "Shop", Environment: "test"}, contract.EmailDeveloper, &telemetry.Metrics{W: io.Discard, Stack: "bench"}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ev := Event{}
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "{####}"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkMsg, _ = r.Handle(context.Background(), ev)
	}
}
