package hook

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

type fakeLambda struct {
	in       *lambda.InvokeInput
	deadline time.Time
	out      *lambda.InvokeOutput
	err      error
}

func (f *fakeLambda) Invoke(ctx context.Context, in *lambda.InvokeInput, _ ...func(*lambda.Options)) (*lambda.InvokeOutput, error) {
	f.in = in
	f.deadline, _ = ctx.Deadline()
	return f.out, f.err
}

func TestCall(t *testing.T) {
	event := []byte(`{"triggerSource":"PreSignUp_SignUp","response":{"autoConfirmUser":false}}`)
	answer := []byte(`{"triggerSource":"PreSignUp_SignUp","response":{"autoConfirmUser":true}}`)
	// GIVEN a hook that answers WHEN called within a trigger's deadline
	f := &fakeLambda{out: &lambda.InvokeOutput{StatusCode: 200, Payload: answer}}
	h := &Hook{Function: "arn:aws:lambda:eu-west-1:111111111111:function:hook", Client: f}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(5*time.Second))
	defer cancel()
	got, err := h.Call(ctx, event)
	// THEN its answer is returned, the event went to it synchronously, and
	// the call ends 300 ms before the trigger's own deadline
	if err != nil || string(got) != string(answer) {
		t.Fatalf("Call = %s, %v", got, err)
	}
	if string(f.in.Payload) != string(event) || f.in.InvocationType != "RequestResponse" || aws.ToString(f.in.FunctionName) != h.Function {
		t.Errorf("invoked with %+v", f.in)
	}
	want, _ := ctx.Deadline()
	if d := want.Sub(f.deadline); d < 299*time.Millisecond || d > 301*time.Millisecond {
		t.Errorf("hook deadline %s before the trigger's; want 300ms", d)
	}

	// GIVEN a hook that returns an error (a Go handler's error payload, as
	// the Invoke API documents FunctionError) THEN a Refusal with its message
	f.out = &lambda.InvokeOutput{StatusCode: 200, FunctionError: aws.String("Unhandled"),
		Payload: []byte(`{"errorMessage":"Sign-ups are closed for this region","errorType":"errorString"}`)}
	_, err = h.Call(ctx, event)
	var r *Refusal
	if !errors.As(err, &r) || r.Message != "Sign-ups are closed for this region" {
		t.Errorf("hook error: %v; want its message as a Refusal", err)
	}

	// GIVEN Lambda's own failures, an invoke error, or a non-event answer THEN Unavailable, not a refusal
	for name, c := range map[string]*fakeLambda{
		"timed out": {out: &lambda.InvokeOutput{FunctionError: aws.String("Unhandled"),
			Payload: []byte(`{"errorMessage":"2026-11-25T10:00:00Z 1 Task timed out after 3.00 seconds","errorType":"Sandbox.Timedout"}`)}},
		"exited":        {out: &lambda.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"exit status 2","errorType":"Runtime.ExitError"}`)}},
		"no message":    {out: &lambda.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{}`)}},
		"throttled":     {err: errors.New("TooManyRequestsException: Rate Exceeded")},
		"not an event":  {out: &lambda.InvokeOutput{Payload: []byte(`"ok"`)}},
		"not even JSON": {out: &lambda.InvokeOutput{Payload: []byte(`ok`)}},
	} {
		h := &Hook{Function: "hook", Client: c}
		if _, err := h.Call(context.Background(), event); !errors.Is(err, ErrUnavailable) || errors.As(err, &r) {
			t.Errorf("%s: %v; want ErrUnavailable", name, err)
		} else if !strings.Contains(err.Error(), "hook") {
			t.Errorf("%s: %v does not name the hook", name, err)
		}
	}
	// Without a deadline the call is bounded too.
	h = &Hook{Function: "hook", Client: f}
	f.out = &lambda.InvokeOutput{Payload: answer}
	start := time.Now()
	if _, err := h.Call(context.Background(), event); err != nil || f.deadline.Sub(start) > 4*time.Second+time.Second || f.deadline.IsZero() {
		t.Errorf("no deadline: %v, bounded at %s", err, f.deadline.Sub(start))
	}
}
