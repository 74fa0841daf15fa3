package userevents_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestEncryptedTopicWithTLSOnly(t *testing.T) {
	// GIVEN a stack WHEN the user-events topic is created
	stack := cdktest.NewStack(t)
	e := userevents.NewUserEvents(stack, jsii.String("Events"), nil)
	tpl := assertions.Template_FromStack(stack, nil)
	if e.TopicArn() == nil {
		t.Fatal("TopicArn() = nil")
	}
	// THEN a rotating customer key encrypts it
	if err := cdktest.Has(tpl, "AWS::KMS::Key", map[string]interface{}{"EnableKeyRotation": true}); err != nil {
		t.Fatal(err)
	}
	if err := cdktest.Has(tpl, "AWS::SNS::Topic", map[string]interface{}{
		"KmsMasterKeyId": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_AnyValue(), "Arn"}},
	}); err != nil {
		t.Fatal(err)
	}
	// AND the topic policy denies any request without TLS
	if err := cdktest.Has(tpl, "AWS::SNS::TopicPolicy", map[string]interface{}{
		"PolicyDocument": map[string]interface{}{"Statement": []interface{}{assertions.Match_ObjectLike(&map[string]interface{}{
			"Effect": "Deny", "Condition": map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
		})}},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestGrantPublishIncludesKey(t *testing.T) {
	stack := cdktest.NewStack(t)
	e := userevents.NewUserEvents(stack, jsii.String("Events"), nil)
	role := iam.NewRole(stack, jsii.String("Publisher"), &iam.RoleProps{AssumedBy: iam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil)})
	e.GrantPublish(role)
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, "AWS::IAM::Policy", map[string]interface{}{
		"PolicyDocument": map[string]interface{}{"Statement": assertions.Match_ArrayWith(&[]interface{}{
			assertions.Match_ObjectLike(&map[string]interface{}{"Action": []string{"kms:Decrypt", "kms:GenerateDataKey"}}),
			assertions.Match_ObjectLike(&map[string]interface{}{"Action": "sns:Publish"}),
		})},
	}); err != nil {
		t.Fatal(err)
	}
}
