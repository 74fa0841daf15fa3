// Package customresource is authstack's CloudFormation custom-resource
// provider: one Go function (functions/customresources) that CloudFormation
// calls for every custom resource type authstack declares
// (customresources/), answering through the custom-resource protocol with
// aws-lambda-go's cfn helpers (cfn.LambdaWrap sends SUCCESS or FAILED, with
// the reason, to the pre-signed ResponseURL).
//
// CloudFormation waits up to an hour for an answer, so Router bounds every
// handler by the invocation's deadline less a margin: a handler that runs
// out of time returns an error, which is answered FAILED with the reason,
// never left unanswered. Delete requests never fail for a type this
// provider no longer knows, so a stack can always be deleted.
//
// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-custom-resources.html
package customresource

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/smithy-go"

	"github.com/authstack/authstack/internal/contract"
)

// Handler handles one custom resource type. Handle returns the physical
// resource id and the attributes Fn::GetAtt reads; an error fails the
// request with its text as the reason.
type Handler interface {
	Handle(ctx context.Context, ev cfn.Event) (physicalID string, data map[string]interface{}, err error)
}

// Router dispatches events by ResourceType. It is safe for concurrent use.
type Router struct {
	// Handlers by resource type ("Custom::AuthstackUserPoolDomainActive").
	Handlers map[string]Handler
	// Margin is the time kept before the invocation's deadline to send the
	// answer. Default: contract.CustomResourceMarginSeconds.
	Margin time.Duration

	failing error // set by Failing
}

// Failing is the Router of a provider that cannot start (its
// configuration is broken): it answers every request FAILED with err,
// except deletes, which succeed, so no stack waits for CloudFormation's
// hour and every stack can still be deleted.
func Failing(err error) *Router { return &Router{failing: err} }

// Handle is the cfn.CustomResourceFunction of the provider.
func (r *Router) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	if r.failing != nil {
		if ev.RequestType == cfn.RequestDelete {
			return ev.PhysicalResourceID, nil, nil
		}
		return "", nil, fmt.Errorf("authstack's custom-resource provider cannot start: %w", r.failing)
	}
	h, ok := r.Handlers[ev.ResourceType]
	if !ok {
		if ev.RequestType == cfn.RequestDelete {
			return ev.PhysicalResourceID, nil, nil
		}
		return "", nil, fmt.Errorf("authstack's custom-resource provider does not know %s (it knows %s)", ev.ResourceType, strings.Join(r.types(), ", "))
	}
	margin := r.Margin
	if margin == 0 {
		margin = contract.CustomResourceMarginSeconds * time.Second
	}
	if deadline, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline.Add(-margin))
		defer cancel()
	}
	return h.Handle(ctx, ev)
}

func (r *Router) types() []string {
	var out []string
	for t := range r.Handlers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// prop reads a string property of the event.
func prop(ev cfn.Event, name string) (string, error) {
	v, _ := ev.ResourceProperties[name].(string)
	if v == "" {
		return "", fmt.Errorf("property %s is required", name)
	}
	return v, nil
}

// permanentCodes are API error codes no retry can change: a missing
// resource or a bad parameter; deniedCodes are those of a missing
// permission, which a new role has for its first seconds too.
var (
	permanentCodes = []string{"InvalidParameterException", "InvalidInput", "ValidationException", "ParameterNotFound", "NoSuchHostedZone", "ResourceNotFoundException"}
	deniedCodes    = []string{"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}
)

func apiCodeIn(err error, codes []string) bool {
	var api smithy.APIError
	return errors.As(err, &api) && slices.Contains(codes, api.ErrorCode())
}

// grace is how long retry retries a denial: a new role's policy takes
// seconds to reach every endpoint (IAM propagation), and until then its
// calls are denied.
var grace = 30 * time.Second

// retry calls f until it succeeds, fails permanently (a denial after
// grace), or ctx ends: IAM propagation, throttling and network errors
// pass. The SDK retries each call too; this spans its attempts.
func retry(ctx context.Context, f func() error) error {
	start, wait := time.Now(), time.Second
	for {
		err := f()
		if err == nil || apiCodeIn(err, permanentCodes) || apiCodeIn(err, deniedCodes) && time.Since(start) >= grace {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 15*time.Second)
	}
}
