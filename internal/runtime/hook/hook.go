// Package hook lets a user's own Lambda function run inside one of
// authstack's Cognito triggers: the trigger does its own work, then invokes
// the hook synchronously with the same event and answers Cognito with the
// hook's answer, all within Cognito's 5-second budget for one trigger call.
//
// A hook that returns an error refuses the request: its error message is
// what Cognito shows ("PreSignUp failed with error <message>."), as if the
// hook were the trigger. A hook that cannot answer in time, or cannot be
// invoked, is Unavailable: the trigger fails the request with its own
// message and logs why.
//
// Source: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
// (FunctionError and the error payload) and
// https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-working-with-lambda-triggers.html
// (synchronous calls, 5 seconds).
package hook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// Invoker is what Hook needs of the Lambda client (safe for concurrent use).
type Invoker interface {
	Invoke(ctx context.Context, in *lambda.InvokeInput, opts ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Hook is a user's function a trigger invokes. It is safe for concurrent use.
type Hook struct {
	// Function is the hook's name or ARN. Required.
	Function string
	// Client invokes it. Required.
	Client Invoker
	// Reserve is the time kept, before the trigger's own deadline, for the
	// trigger to answer Cognito after the hook. Default: 300 ms.
	Reserve time.Duration
	// Timeout bounds the call when the context has no deadline. Default: 4 s.
	Timeout time.Duration
}

// Refusal is the hook's own error: Message is its errorMessage, meant for
// the person Cognito shows it to.
type Refusal struct {
	Message string
}

func (r *Refusal) Error() string { return r.Message }

// ErrUnavailable wraps every failure to get the hook's answer: the invoke
// failed, timed out, or returned something that is not an event.
var ErrUnavailable = errors.New("hook unavailable")

// Call invokes the hook with event (the trigger's event, JSON) and returns
// its answer: the event Cognito receives back. The error is a *Refusal when
// the hook returned an error, else wraps ErrUnavailable.
func (h *Hook) Call(ctx context.Context, event []byte) ([]byte, error) {
	reserve := h.Reserve
	if reserve == 0 {
		reserve = 300 * time.Millisecond
	}
	var cancel context.CancelFunc
	if deadline, ok := ctx.Deadline(); ok {
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-reserve))
	} else {
		timeout := h.Timeout
		if timeout == 0 {
			timeout = 4 * time.Second
		}
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()
	out, err := h.Client.Invoke(ctx, &lambda.InvokeInput{
		FunctionName:   aws.String(h.Function),
		InvocationType: types.InvocationTypeRequestResponse,
		Payload:        event,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: invoking %s: %v", ErrUnavailable, h.Function, err)
	}
	if out.FunctionError != nil {
		var e struct {
			ErrorMessage string `json:"errorMessage"`
			ErrorType    string `json:"errorType"`
		}
		if json.Unmarshal(out.Payload, &e) != nil || e.ErrorMessage == "" {
			return nil, fmt.Errorf("%w: %s failed (%s) without an error message", ErrUnavailable, h.Function, aws.ToString(out.FunctionError))
		}
		// Lambda's own failures (the runtime exited, the call timed out)
		// carry Runtime.* and Sandbox.* error types; they are not the
		// hook's answer.
		// Source: https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html
		if strings.HasPrefix(e.ErrorType, "Runtime.") || strings.HasPrefix(e.ErrorType, "Sandbox.") {
			return nil, fmt.Errorf("%w: %s failed (%s): %s", ErrUnavailable, h.Function, e.ErrorType, e.ErrorMessage)
		}
		return nil, &Refusal{Message: e.ErrorMessage}
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(out.Payload, &answer); err != nil {
		return nil, fmt.Errorf("%w: %s answered something that is not an event: %v", ErrUnavailable, h.Function, err)
	}
	return out.Payload, nil
}
