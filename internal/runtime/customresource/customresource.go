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
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
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
	// answer. Default: 20 seconds.
	Margin time.Duration
}

// Handle is the cfn.CustomResourceFunction of the provider.
func (r *Router) Handle(ctx context.Context, ev cfn.Event) (string, map[string]interface{}, error) {
	h, ok := r.Handlers[ev.ResourceType]
	if !ok {
		if ev.RequestType == cfn.RequestDelete {
			return ev.PhysicalResourceID, nil, nil
		}
		return "", nil, fmt.Errorf("authstack's custom-resource provider does not know %s (it knows %s)", ev.ResourceType, strings.Join(r.types(), ", "))
	}
	margin := r.Margin
	if margin == 0 {
		margin = 20 * time.Second
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
