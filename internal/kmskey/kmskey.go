// Package kmskey creates authstack's customer-managed KMS keys, so every key
// gets the same policy: yearly automatic rotation, retained with the stack.
package kmskey

import (
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// New creates a rotating customer-managed key described as "Encrypts <what>".
func New(scope constructs.Construct, id, what string) kms.Key {
	return kms.NewKey(scope, jsii.String(id), &kms.KeyProps{
		Description:       jsii.String("Encrypts " + what),
		EnableKeyRotation: jsii.Bool(true),
	})
}
