// Package kmskey creates authstack's customer-managed KMS keys, so every key
// gets the same policy: yearly automatic rotation, retained with the stack,
// and grants only for AWS services.
package kmskey

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// New creates a rotating customer-managed key described as "Encrypts <what>".
//
// Its policy denies kms:CreateGrant unless an AWS service creates the grant
// for an AWS resource (DynamoDB does so for its tables): nobody can hand the
// key's use to a principal through a grant, which IAM policies do not show.
// This is AWS Control Tower's control CT.KMS.PR.3.
// Source: https://docs.aws.amazon.com/controltower/latest/controlreference/kms-rules.html
// and https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
func New(scope constructs.Construct, id, what string) kms.Key {
	k := kms.NewKey(scope, jsii.String(id), &kms.KeyProps{
		Description:       jsii.String("Encrypts " + what),
		EnableKeyRotation: jsii.Bool(true),
	})
	k.AddToResourcePolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Sid:        jsii.String("GrantsOnlyForAWSServices"),
		Effect:     iam.Effect_DENY,
		Principals: &[]iam.IPrincipal{iam.NewAnyPrincipal()},
		Actions:    jsii.Strings("kms:CreateGrant"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"BoolIfExists": map[string]interface{}{
			"kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false",
		}},
	}), jsii.Bool(true))
	return k
}

// NewForLogs creates a key that CloudWatch Logs may use for the log groups
// of this account and region (the key policy is bounded by the
// kms:EncryptionContext:aws:logs:arn condition).
// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
func NewForLogs(scope constructs.Construct, id, what string) kms.Key {
	k := New(scope, id, what)
	k.AddToResourcePolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchLogsInThisAccount"),
		Principals: &[]iam.IPrincipal{iam.NewServicePrincipal(jsii.String("logs.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"ArnLike": map[string]interface{}{
			"kms:EncryptionContext:aws:logs:arn": awscdk.Fn_Join(jsii.String(""), &[]*string{
				jsii.String("arn:"), awscdk.Aws_PARTITION(), jsii.String(":logs:"), awscdk.Aws_REGION(), jsii.String(":"),
				awscdk.Aws_ACCOUNT_ID(), jsii.String(":log-group:*"),
			}),
		}},
	}), jsii.Bool(true))
	return k
}
