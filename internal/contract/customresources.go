package contract

// CloudFormation custom resource types of authstack's provider: the
// ResourceType CloudFormation sends it, declared by customresources and
// routed by internal/runtime/customresource.
const (
	CustomResourceParentARecord        = "Custom::AuthstackParentARecord"
	CustomResourceUserPoolDomainActive = "Custom::AuthstackUserPoolDomainActive"
	CustomResourceCrossRegionParameter = "Custom::AuthstackCrossRegionParameter"
	CustomResourceValidationRecords    = "Custom::AuthstackValidationRecords"
)

// CustomResourceMarginSeconds is how long before its invocation's deadline
// the provider stops a handler to answer CloudFormation FAILED with the
// reason; CustomResourceTimeoutMinutes is the provider function's timeout
// (Lambda's longest).
// Source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
const (
	CustomResourceMarginSeconds  = 20
	CustomResourceTimeoutMinutes = 15
)
