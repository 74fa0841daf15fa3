// Package logkey provides NewLogKey: a customer-managed KMS key that
// CloudWatch Logs may use for the log groups of one account and region, to
// share between authstack's constructs (their LogKey props) and your own
// functions (gofunction.GoFunctionProps.LogKey), so a stack pays for one
// key rather than one per log group.
package logkey

import (
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/authstack/authstack/internal/cdk/kmskey"
)

// LogKeyProps configures a log key.
type LogKeyProps struct {
	// Description completes "Encrypts ...". Default: "the log groups of
	// <construct path>".
	Description *string
}

// NewLogKey creates a rotating key (yearly), retained with the stack, whose
// policy lets CloudWatch Logs use it for this account's log groups in this
// region (condition kms:EncryptionContext:aws:logs:arn) and denies grants
// except to AWS services.
// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
func NewLogKey(scope constructs.Construct, id *string, props *LogKeyProps) kms.Key {
	what := "the log groups of " + *scope.Node().Path() + "/" + *id
	if props != nil && props.Description != nil {
		what = *props.Description
	}
	return kmskey.NewForLogs(scope, *id, what)
}
