package presignup

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/testevents"
)

func handler() (*Handler, *testevents.Buffer) {
	m, buf := testevents.Metrics()
	env := map[string]string{contract.EnvDenyDomains: "blocked.example, other.example", contract.EnvAllowDomains: "allowed.grr.la"}
	return FromEnv(func(k string) string { return env[k] }, nil, m, slog.New(slog.NewJSONHandler(io.Discard, nil))), buf
}

func TestReferenceEvents(t *testing.T) {
	h, buf := handler()
	// GIVEN the reference's normal sample WHEN handled THEN accepted and counted
	var ev events.CognitoEventUserPoolsPreSignup
	testevents.Decode(t, "reference/CognitoUserPreSignUp_Normal.json", &ev)
	out, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatalf("normal sign-up rejected: %v", err)
	}
	if out.Response.AutoConfirmUser || out.Response.AutoVerifyEmail {
		t.Error("the trigger must not auto-confirm or auto-verify")
	}
	if testevents.Counted(t, buf.Buffer, contract.SignUps) != 1 {
		t.Errorf("SignUps not counted: %s", buf)
	}
	// GIVEN the reference's disposable sample THEN rejected with a message a person can act on
	testevents.Decode(t, "reference/CognitoUserPreSignUp_Disposable.json", &ev)
	_, err = h.Handle(context.Background(), ev)
	var rej *Rejection
	if !errors.As(err, &rej) || rej.Reason != contract.ReasonDisposableEmail || err.Error() != MsgDisposableEmail {
		t.Fatalf("disposable sign-up: err = %v; want the disposable rejection", err)
	}
	if testevents.Counted(t, buf.Buffer, contract.SignUpRejections, contract.DimReason, contract.ReasonDisposableEmail) != 1 {
		t.Errorf("rejection not counted by reason: %s", buf)
	}
}

func TestLambdaGoFixture(t *testing.T) {
	h, _ := handler()
	var ev events.CognitoEventUserPoolsPreSignup
	testevents.Decode(t, "lambda-go/cognito-event-userpools-presignup.json", &ev)
	ev.Request.UserAttributes["email"] = "person@example.com"
	if _, err := h.Handle(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

func TestCases(t *testing.T) {
	cases := []struct {
		name, source, email, reason string
	}{
		{"ok", "PreSignUp_SignUp", "Jane.Doe+tag@Example.COM", ""},
		{"ok external provider", "PreSignUp_ExternalProvider", "jane@example.com", ""},
		{"subdomain of disposable", "PreSignUp_SignUp", "x@mx.grr.la", contract.ReasonDisposableEmail},
		{"upper-case disposable", "PreSignUp_SignUp", "x@GRR.LA", contract.ReasonDisposableEmail},
		{"config deny", "PreSignUp_SignUp", "x@sub.blocked.example", contract.ReasonDisposableEmail},
		{"config allow", "PreSignUp_SignUp", "x@allowed.grr.la", ""},
		{"admin skips domain check", "PreSignUp_AdminCreateUser", "x@grr.la", ""},
		{"admin keeps syntax check", "PreSignUp_AdminCreateUser", "not-an-email", contract.ReasonMalformedEmail},
		{"missing", "PreSignUp_SignUp", "", contract.ReasonMissingEmail},
		{"blank", "PreSignUp_SignUp", "   ", contract.ReasonMissingEmail},
		{"no at", "PreSignUp_SignUp", "jane.example.com", contract.ReasonMalformedEmail},
		{"display name", "PreSignUp_SignUp", "Jane <jane@example.com>", contract.ReasonMalformedEmail},
		{"no dot", "PreSignUp_SignUp", "jane@localhost", contract.ReasonMalformedEmail},
		{"bad label", "PreSignUp_SignUp", "jane@-example.com", contract.ReasonMalformedEmail},
		{"underscore host", "PreSignUp_SignUp", "jane@ex_ample.com", contract.ReasonMalformedEmail},
		{"two ats", "PreSignUp_SignUp", "a@b@example.com", contract.ReasonMalformedEmail},
		{"long local part", "PreSignUp_SignUp", strings.Repeat("a", 65) + "@example.com", contract.ReasonMalformedEmail},
		{"oversized", "PreSignUp_SignUp", strings.Repeat("a", 60) + "@" + strings.Repeat("b", 250) + ".com", contract.ReasonMalformedEmail},
		{"huge", "PreSignUp_SignUp", strings.Repeat("x", 1<<20), contract.ReasonMalformedEmail},
		{"newline injection", "PreSignUp_SignUp", "jane@example.com\nBcc: x@y.com", contract.ReasonMalformedEmail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := handler()
			ev := events.CognitoEventUserPoolsPreSignup{}
			ev.TriggerSource = tc.source
			ev.Request.UserAttributes = map[string]string{"email": tc.email}
			_, err := h.Handle(context.Background(), ev)
			var rej *Rejection
			switch {
			case tc.reason == "" && err != nil:
				t.Errorf("Handle(%q) = %v; want accepted", tc.email, err)
			case tc.reason != "" && (!errors.As(err, &rej) || rej.Reason != tc.reason):
				t.Errorf("Handle(%q) = %v; want a %s rejection", tc.email, err, tc.reason)
			}
		})
	}
}

func TestHostileEvents(t *testing.T) {
	h, _ := handler()
	// Unknown trigger source: a clear error, never a panic.
	ev := events.CognitoEventUserPoolsPreSignup{}
	ev.TriggerSource = "PreSignUp_Teleport"
	if _, err := h.Handle(context.Background(), ev); err == nil || !strings.Contains(err.Error(), `unsupported trigger source "PreSignUp_Teleport"`) {
		t.Errorf("unknown source: %v", err)
	}
	// No attributes at all.
	ev.TriggerSource = "PreSignUp_SignUp"
	if _, err := h.Handle(context.Background(), ev); err == nil || err.Error() != MsgMissingEmail {
		t.Errorf("nil attributes: %v", err)
	}
}

var sinkEv events.CognitoEventUserPoolsPreSignup

// BenchmarkHandle is one accepted sign-up through the whole handler
// (syntax check, domain check, EMF record to a discarded writer).
func BenchmarkHandle(b *testing.B) {
	h := &Handler{Metrics: &telemetry.Metrics{W: io.Discard, Stack: "bench"}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	ev := events.CognitoEventUserPoolsPreSignup{}
	ev.TriggerSource = "PreSignUp_SignUp"
	ev.Request.UserAttributes = map[string]string{"email": "jane.doe@mail.example.co.uk"}
	h.Handle(context.Background(), ev)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sinkEv, _ = h.Handle(context.Background(), ev)
	}
}

// BenchmarkValidAddress is the syntax check alone.
func BenchmarkValidAddress(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ValidAddress("jane.doe@mail.example.co.uk")
	}
}

func TestMessagesLeaveTheFinalPeriodToCognito(t *testing.T) {
	// Cognito shows a trigger's error as "PreSignUp failed with error <message>."
	// (it appends the period), so a message ending in one reads "..".
	for _, m := range []string{MsgMissingEmail, MsgMalformedEmail, MsgDisposableEmail} {
		if strings.HasSuffix(m, ".") {
			t.Errorf("%q ends with a period", m)
		}
	}
}

// TestUnicodeSpellingsOfDisposableDomains: invisible and format characters,
// full-width letters and ideographic full stops do not hide a listed domain;
// the domain is mapped as mail systems resolve it (IDNA UTS #46) and checked
// in its mapped form; what cannot be mapped is malformed.
// refused reports whether err refuses the address as disposable or malformed.
func refused(err error) bool {
	var rej *Rejection
	return errors.As(err, &rej) && (rej.Reason == contract.ReasonDisposableEmail || rej.Reason == contract.ReasonMalformedEmail)
}

// disposableDomains is the embedded list (internal/runtime/disposable/domains.txt).
func disposableDomains(t *testing.T) string {
	b, err := os.ReadFile("../disposable/domains.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnicodeSpellingsOfDisposableDomains(t *testing.T) {
	h, _ := handler()
	signUp := func(email string) error {
		ev := events.CognitoEventUserPoolsPreSignup{}
		ev.TriggerSource = "PreSignUp_SignUp"
		ev.Request.UserAttributes = map[string]string{"email": email}
		_, err := h.Handle(context.Background(), ev)
		return err
	}
	disposable := map[string]string{
		"soft hyphen":              "someone@mai\u00adlinator.com",
		"zero-width joiner-free":   "someone@mailinator\u200b.com",
		"full-width letters":       "someone@ｍａｉｌｉｎａｔｏｒ.com",
		"full-width everything":    "someone@ｍａｉｌｉｎａｔｏｒ．ｃｏｍ",
		"ideographic full stop":    "someone@mailinator\u3002com",
		"upper case":               "someone@MAILINATOR.COM",
		"combining enclosing mark": "someone@mailinator.co\u200dm",
		"subdomain, full width":    "someone@inbox.ｇｒｒ.la",
	}
	for name, email := range disposable {
		if err := signUp(email); !refused(err) {
			t.Errorf("%s (%q): %v; want it refused", name, email, err)
		}
	}
	// The deviation characters: every listed domain with "ss" spelled with
	// "ß" (nontransitional IDNA keeps ß, transitional maps it to ss), and a
	// ZWNJ, which transitional processing drops.
	deviations := 0
	for _, d := range strings.Split(disposableDomains(t), "\n") {
		if strings.Contains(d, "ss") && !strings.HasPrefix(d, "#") {
			if err := signUp("someone@" + strings.Replace(d, "ss", "ß", 1)); !refused(err) {
				t.Fatalf("%q with ß for ss: %v; want it refused", d, err)
			}
			deviations++
		}
	}
	if deviations < 1000 {
		t.Errorf("only %d listed domains with ss checked", deviations)
	}
	if err := signUp("someone@mailinator\u200c.com"); !refused(err) {
		t.Errorf("ZWNJ: %v; want it refused", err)
	}
	// A real internationalized domain is accepted (checked as its A-label).
	for _, ok := range []string{"person@bücher.example", "person@例え.jp", "person@example.com"} {
		if err := signUp(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	// What cannot be mapped is malformed.
	for _, bad := range []string{"person@exa\u0000mple.com", "person@-x-.com", "person@\u202eexample.com", "person@ex ample.com"} {
		var rej *Rejection
		if err := signUp(bad); !errors.As(err, &rej) || rej.Reason != contract.ReasonMalformedEmail {
			t.Errorf("%q: %v; want malformed", bad, err)
		}
	}
	if d, ok := ValidAddress("someone@ｍａｉｌｉｎａｔｏｒ．ｃｏｍ"); !ok || d != "mailinator.com" {
		t.Errorf("ValidAddress(full width) = %q, %v; want the mapped mailinator.com", d, ok)
	}
}

// fakeLambda answers Invoke as Lambda does for a hook: its answer, or its
// error payload with FunctionError set.
type fakeLambda struct {
	calls  int
	answer func(in []byte) (*lambdasdk.InvokeOutput, error)
}

func (f *fakeLambda) Invoke(_ context.Context, in *lambdasdk.InvokeInput, _ ...func(*lambdasdk.Options)) (*lambdasdk.InvokeOutput, error) {
	f.calls++
	return f.answer(in.Payload)
}

func TestHook(t *testing.T) {
	withHook := func(f *fakeLambda) (*Handler, *testevents.Buffer) {
		m, buf := testevents.Metrics()
		env := map[string]string{contract.EnvHookFunction: "arn:aws:lambda:eu-west-1:111111111111:function:shop-presignup"}
		return FromEnv(func(k string) string { return env[k] }, f, m, slog.New(slog.NewJSONHandler(io.Discard, nil))), buf
	}
	var ev events.CognitoEventUserPoolsPreSignup
	testevents.Decode(t, "reference/CognitoUserPreSignUp_Normal.json", &ev)

	// GIVEN a hook that auto-confirms WHEN an accepted address signs up
	// THEN the hook received the event and its answer is Cognito's
	f := &fakeLambda{answer: func(in []byte) (*lambdasdk.InvokeOutput, error) {
		var got events.CognitoEventUserPoolsPreSignup
		if err := json.Unmarshal(in, &got); err != nil || got.Request.UserAttributes["email"] != ev.Request.UserAttributes["email"] {
			t.Errorf("hook received %s", in)
		}
		got.Response.AutoConfirmUser = true
		b, _ := json.Marshal(got)
		return &lambdasdk.InvokeOutput{StatusCode: 200, Payload: b}, nil
	}}
	h, buf := withHook(f)
	out, err := h.Handle(context.Background(), ev)
	if err != nil || !out.Response.AutoConfirmUser || f.calls != 1 {
		t.Fatalf("Handle = %+v, %v after %d hook calls; want the hook's auto-confirmation", out.Response, err, f.calls)
	}
	if testevents.Counted(t, buf.Buffer, contract.SignUps) != 1 {
		t.Error("sign-up not counted")
	}

	// GIVEN a disposable address THEN refused before the hook is called
	var bad events.CognitoEventUserPoolsPreSignup
	testevents.Decode(t, "reference/CognitoUserPreSignUp_Disposable.json", &bad)
	if _, err := h.Handle(context.Background(), bad); !refused(err) || f.calls != 1 {
		t.Errorf("disposable: %v after %d hook calls; want refused without a call", err, f.calls)
	}

	// GIVEN a hook that refuses (a Go handler's error: errorMessage and
	// errorType, FunctionError Unhandled; https://docs.aws.amazon.com/lambda/latest/dg/golang-exceptions.html)
	// THEN the sign-up is refused with the hook's message, counted by reason
	h, buf = withHook(&fakeLambda{answer: func([]byte) (*lambdasdk.InvokeOutput, error) {
		return &lambdasdk.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"),
			Payload: []byte(`{"errorMessage":"Invitation code required","errorType":"errorString"}`)}, nil
	}})
	if _, err := h.Handle(context.Background(), ev); err == nil || err.Error() != "Invitation code required" {
		t.Errorf("hook refusal: %v", err)
	}
	if testevents.Counted(t, buf.Buffer, contract.SignUpRejections, contract.DimReason, contract.ReasonHook) != 1 {
		t.Error("hook refusal not counted")
	}

	// GIVEN a hook that cannot be reached THEN the sign-up fails with our
	// message (never the SDK's), and HookFailures counts it
	h, buf = withHook(&fakeLambda{answer: func([]byte) (*lambdasdk.InvokeOutput, error) {
		return nil, errors.New("operation error Lambda: Invoke, exceeded maximum number of attempts, 3")
	}})
	if _, err := h.Handle(context.Background(), ev); err == nil || err.Error() != MsgUnavailable {
		t.Errorf("hook unavailable: %v", err)
	}
	if testevents.Counted(t, buf.Buffer, contract.HookFailures) != 1 || testevents.Counted(t, buf.Buffer, contract.SignUps) != 0 {
		t.Error("hook failure not counted, or counted as a sign-up")
	}
}
