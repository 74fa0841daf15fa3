package pace

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

func TestCallRetriesThrottlingOnlyAndPaces(t *testing.T) {
	p := New(20) // one call every 50 ms
	// GIVEN Cognito throttling twice THEN the third call's answer comes back
	calls := 0
	start := time.Now()
	err := p.Call(context.Background(), func() error {
		calls++
		if calls <= 2 {
			return &ciptypes.TooManyRequestsException{Message: aws.String("Too many requests")}
		}
		return nil
	})
	if err != nil || calls != 3 || time.Since(start) < 1500*time.Millisecond {
		t.Errorf("throttled twice: %v after %d calls in %s; want success after backing off 0.5 s and 1 s", err, calls, time.Since(start))
	}
	// AND any other error is returned at once
	other := &smithy.GenericAPIError{Code: "AccessDeniedException"}
	calls = 0
	if err := p.Call(context.Background(), func() error { calls++; return other }); !errors.Is(err, other) || calls != 1 {
		t.Errorf("denied: %v after %d calls", err, calls)
	}
	// AND calls are spaced by the rate
	start = time.Now()
	for i := 0; i < 5; i++ {
		p.Call(context.Background(), func() error { return nil })
	}
	if took := time.Since(start); took < 180*time.Millisecond {
		t.Errorf("5 calls at 20/s took %s", took)
	}
	if !Throttled(&smithy.GenericAPIError{Code: "ThrottlingException"}) || Throttled(errors.New("x")) {
		t.Error("Throttled")
	}
}
