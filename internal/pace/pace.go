// Package pace paces calls to a shared AWS quota and retries them while
// the service throttles: what the user-pool backup and restore share.
package pace

import (
	"context"
	"errors"
	"time"

	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"golang.org/x/time/rate"
)

// Pacer spaces calls to at most a rate per second (a token bucket of one).
type Pacer struct{ limiter *rate.Limiter }

// New paces calls at perSecond.
func New(perSecond float64) *Pacer { return &Pacer{limiter: rate.NewLimiter(rate.Limit(perSecond), 1)} }

// Call waits its turn, calls f, and calls it again, backing off (0.5 s
// doubling to 20 s, eight retries), while the answer is throttling (the
// client's own retryer, adaptive mode recommended, retries first).
func (p *Pacer) Call(ctx context.Context, f func() error) error {
	wait := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if err := p.limiter.Wait(ctx); err != nil {
			return err
		}
		err := f()
		if err == nil || !Throttled(err) || attempt == 8 {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 20*time.Second)
	}
}

// Throttled reports Cognito's (or any AWS API's) throttling answer.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
func Throttled(err error) bool {
	var tooMany *ciptypes.TooManyRequestsException
	if errors.As(err, &tooMany) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "ThrottlingException" || api.ErrorCode() == "TooManyRequestsException")
}
