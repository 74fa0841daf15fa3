package dashboard_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/dashboard"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestDashboardAndAlarms(t *testing.T) {
	// GIVEN a function WHEN a dashboard watches it
	stack := cdktest.NewStack(t)
	fn := lambda.Function_FromFunctionName(stack, jsii.String("Fn"), jsii.String("pre-sign-up"))
	d := dashboard.NewDashboard(stack, jsii.String("Dash"), &dashboard.DashboardProps{
		StackName: jsii.String("auth-test"), Functions: []dashboard.Function{{Name: "Pre sign-up", Function: fn}},
		AlarmEmails: []string{"ops@example.com"},
	})
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN 1 publish-failure alarm, 2 authorizer fail-closed ones, 1 for incomplete logouts, and 3 per
	// function, all notifying the ops topic on alarm and OK
	tpl.ResourceCountIs(jsii.String("AWS::CloudWatch::Alarm"), jsii.Number(7))
	if len(d.Alarms) != 7 {
		t.Errorf("Alarms = %d", len(d.Alarms))
	}
	if err := cdktest.Has(tpl, "AWS::CloudWatch::Alarm", map[string]interface{}{
		"MetricName": contract.PublishFailures, "Namespace": contract.Namespace,
		"Dimensions": []interface{}{map[string]interface{}{"Name": "Stack", "Value": "auth-test"}},
		"Threshold":  1, "TreatMissingData": "notBreaching",
		"AlarmActions": []interface{}{map[string]interface{}{"Ref": assertions.Match_AnyValue()}},
		"OKActions":    []interface{}{map[string]interface{}{"Ref": assertions.Match_AnyValue()}},
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::CloudWatch::Alarm", map[string]interface{}{
		"MetricName": contract.AuthorizerFailures,
		"Dimensions": assertions.Match_ArrayWith(&[]interface{}{map[string]interface{}{"Name": "Reason", "Value": "DenyList"}}),
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::CloudWatch::Alarm", map[string]interface{}{
		"MetricName": contract.LogoutsIncomplete, "Threshold": 1,
	}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::CloudWatch::Alarm", map[string]interface{}{
		"MetricName": "Duration", "ExtendedStatistic": "p99", "Threshold": 4000,
	}); err != nil {
		t.Error(err)
	}
	// AND the ops topic is encrypted, TLS-only, with the email subscribed
	if err := cdktest.Has(tpl, "AWS::SNS::Topic", map[string]interface{}{"KmsMasterKeyId": assertions.Match_AnyValue()}); err != nil {
		t.Error(err)
	}
	if err := cdktest.Has(tpl, "AWS::SNS::Subscription", map[string]interface{}{"Protocol": "email", "Endpoint": "ops@example.com"}); err != nil {
		t.Error(err)
	}
	// AND the dashboard charts the business metrics and the 5 s limit
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::CloudWatch::Dashboard"), nil))
	for _, want := range []string{contract.SignUps, contract.SignIns, contract.Confirmations, contract.ReasonDisposableEmail, `\"value\":5000`, "Throttles"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("dashboard body lacks %s", want)
		}
	}
}

func TestInvalidProps(t *testing.T) {
	stack := cdktest.NewStack(t)
	if msg := cdktest.Panics(func() { dashboard.NewDashboard(stack, jsii.String("D"), nil) }); !strings.Contains(msg, "StackName is required") {
		t.Errorf("panic = %q", msg)
	}
	if msg := cdktest.Panics(func() {
		dashboard.NewDashboard(stack, jsii.String("D2"), &dashboard.DashboardProps{StackName: jsii.String("s"), DurationAlarmRatio: jsii.Number(1.5)})
	}); !strings.Contains(msg, "DurationAlarmRatio 1.5") {
		t.Errorf("panic = %q", msg)
	}
}
