package presignup

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/test/testevents"
)

// FuzzHandle feeds the trigger pre sign-up events whose every byte the
// fuzzer chooses (the email attribute is the sign-up form's), decoded as the
// Lambda runtime decodes them (encoding/json). Properties: no panic; an
// accepted address is a valid one whose mapped domain is not disposable; a
// refusal carries one of the messages meant for people.
func FuzzHandle(f *testing.F) {
	for _, name := range []string{"reference/CognitoUserPreSignUp_Normal.json", "reference/CognitoUserPreSignUp_Disposable.json", "lambda-go/cognito-event-userpools-presignup.json"} {
		f.Add(testevents.Load(f, name))
	}
	f.Add([]byte(`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"email":"a@ｍａｉｌｉｎａｔｏｒ．ｃｏｍ"}}}`))
	f.Add([]byte(`{"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"email":"a@mai\u00adlinator.com"}}}`))
	h, _ := handler()
	f.Fuzz(func(t *testing.T, raw []byte) {
		var ev events.CognitoEventUserPoolsPreSignup
		if json.Unmarshal(raw, &ev) != nil {
			return
		}
		_, err := h.Handle(context.Background(), ev)
		if err == nil {
			// The trigger reads the address with surrounding blanks trimmed.
			email := strings.TrimSpace(ev.Request.UserAttributes["email"])
			domain, ok := ValidAddress(email)
			if !ok {
				t.Fatalf("accepted the invalid address %q", email)
			}
			if ev.TriggerSource != "PreSignUp_AdminCreateUser" && (h.Checker.Disposable(domain) || h.Checker.Disposable(transitional(email))) {
				t.Fatalf("accepted the disposable domain %q", domain)
			}
			return
		}
		if rej, ok := err.(*Rejection); ok && rej.Message != MsgMissingEmail && rej.Message != MsgMalformedEmail && rej.Message != MsgDisposableEmail {
			t.Fatalf("refusal %q is none of the messages for people", rej.Message)
		}
	})
}
