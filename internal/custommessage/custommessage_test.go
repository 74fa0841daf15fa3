package custommessage

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/telemetry"
	"github.com/authstack/authstack/internal/testevents"
)

func renderer(t *testing.T, b Brand) (*Renderer, *testevents.Buffer) {
	m, buf := testevents.Metrics()
	r, err := New(b, m, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return r, buf
}

func TestEveryTriggerSourceKeepsPlaceholders(t *testing.T) {
	r, buf := renderer(t, Brand{AppName: "Shop <&>", Environment: "test"})
	var base events.CognitoEventUserPoolsCustomMessage
	testevents.Decode(t, "lambda-go/cognito-event-userpools-custommessage.json", &base)
	for source := range kinds {
		ev := base
		ev.TriggerSource = source
		ev.Request.CodeParameter = "{####}"
		ev.Request.UsernameParameter = "{username}"
		out, err := r.Handle(context.Background(), ev)
		if err != nil {
			t.Errorf("%s: %v", source, err)
			continue
		}
		resp := out.Response
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
		if strings.Contains(resp.SMSMessage, "&lt;") || strings.Contains(resp.SMSMessage, "<p") || len(resp.SMSMessage) > 140 {
			t.Errorf("%s: SMS = %q", source, resp.SMSMessage)
		}
	}
	if n := testevents.Counted(t, buf.Buffer, telemetry.MessagesCustomized); n != len(kinds) {
		t.Errorf("counted %d; want %d", n, len(kinds))
	}
}

func TestProductionHidesEnvironment(t *testing.T) {
	r, _ := renderer(t, Brand{AppName: "Shop", Environment: "production", Production: true})
	ev := events.CognitoEventUserPoolsCustomMessage{}
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "{####}"
	out, err := r.Handle(context.Background(), ev)
	if err != nil || strings.Contains(out.Response.EmailSubject+out.Response.EmailMessage, "production") {
		t.Errorf("subject %q, err %v: production messages must not show the environment", out.Response.EmailSubject, err)
	}
}

func TestHostileEvents(t *testing.T) {
	r, _ := renderer(t, Brand{AppName: "Shop", Environment: "dev"})
	ev := events.CognitoEventUserPoolsCustomMessage{}
	ev.TriggerSource = "CustomMessage_SignUp"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted an event without codeParameter")
	}
	ev.TriggerSource = "CustomMessage_AdminCreateUser"
	ev.Request.CodeParameter = "{####}"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted an invitation without usernameParameter")
	}
	ev.TriggerSource = "CustomMessage_Teleport"
	out, err := r.Handle(context.Background(), ev)
	if err != nil || out.Response.EmailMessage != "" {
		t.Errorf("unknown source: %v, %q; want Cognito's default (unchanged event)", err, out.Response.EmailMessage)
	}
	// A code parameter that HTML would escape cannot silently vanish.
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "<code>"
	if _, err := r.Handle(context.Background(), ev); err == nil {
		t.Error("accepted a message whose code placeholder was escaped away")
	}
}

var sinkMsg events.CognitoEventUserPoolsCustomMessage

// BenchmarkHandle renders one sign-up email (HTML, subject) and SMS.
func BenchmarkHandle(b *testing.B) {
	r, err := New(Brand{AppName: "Shop", Environment: "test"}, &telemetry.Metrics{W: io.Discard, Stack: "bench"}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ev := events.CognitoEventUserPoolsCustomMessage{}
	ev.TriggerSource = "CustomMessage_SignUp"
	ev.Request.CodeParameter = "{####}"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkMsg, _ = r.Handle(context.Background(), ev)
	}
}
