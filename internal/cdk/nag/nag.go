// Package nag records cdk-nag suppressions next to the resource they are
// about, so each construct states why a rule does not apply to it.
package nag

import (
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Suppress suppresses the cdk-nag rule id on c and its children, for the
// reason given (which cdk-nag requires to be at least 10 characters and which
// a security reviewer reads). appliesTo narrows the suppression to specific
// findings, such as "Resource::*" for IAM5.
func Suppress(c constructs.IConstruct, id, reason string, appliesTo ...string) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		findings := make([]interface{}, len(appliesTo))
		for i, a := range appliesTo {
			if len(a) > 1 && strings.HasPrefix(a, "/") && strings.HasSuffix(a, "/") {
				findings[i] = map[string]interface{}{"regex": a}
			} else {
				findings[i] = a
			}
		}
		s.AppliesTo = &findings
	}
	cdknag.NagSuppressions_AddResourceSuppressions(c, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}
