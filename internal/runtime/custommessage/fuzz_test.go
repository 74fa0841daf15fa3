package custommessage

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/testevents"
)

// FuzzHandle feeds the trigger custom message events whose every byte the
// fuzzer chooses (user attributes are the user's), decoded as the Lambda
// runtime decodes them. Properties: no panic; a message it writes keeps
// Cognito's code placeholder (and the user name placeholder of an
// invitation) in the email and the SMS, and the SMS fits Cognito's limit.
func FuzzHandle(f *testing.F) {
	for _, name := range []string{"aws/custommessage-signup.json", "aws/custommessage-admincreateuser.json", "lambda-go/cognito-event-userpools-custommessage.json"} {
		f.Add(testevents.Load(f, name))
	}
	r, _ := renderer(f, Brand{AppName: "Shop", Environment: "dev"}, contract.EmailDeveloper)
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev Event
		if json.Unmarshal(raw, &ev) != nil {
			return
		}
		out, err := r.Handle(context.Background(), ev)
		if err != nil || out.Response.SMSMessage == "" {
			return
		}
		for _, msg := range []string{out.Response.EmailMessage, out.Response.SMSMessage} {
			if !strings.Contains(msg, ev.Request.CodeParameter) {
				t.Fatalf("message %q lost the code placeholder %q", msg, ev.Request.CodeParameter)
			}
		}
		if n := len([]rune(out.Response.SMSMessage)); n > MaxSMSLength {
			t.Fatalf("SMS of %d characters", n)
		}
		if _, err := json.Marshal(out); err != nil {
			t.Fatal(err)
		}
	})
}
