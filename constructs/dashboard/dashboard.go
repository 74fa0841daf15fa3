// Package dashboard provides Dashboard: a CloudWatch dashboard of the auth
// stack's business metrics (sign-ups, sign-ins, confirmations, pre-sign-up
// rejections by reason, event-publish failures, emitted by the triggers in
// Embedded Metric Format) and of each trigger function's invocations,
// errors, throttles and p99 duration against Cognito's 5-second limit, plus
// alarms that notify an encrypted operations topic.
package dashboard

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	cw "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	cwactions "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	sns "github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	subs "github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/contract"
)

// Function is a function to chart and alarm on.
type Function struct {
	// Name shown on widgets and alarms.
	Name string
	// Function to watch.
	Function lambda.IFunction
}

// DashboardProps configures a Dashboard.
type DashboardProps struct {
	// StackName is the value of the metrics' Stack dimension. Required.
	StackName *string
	// Functions to chart and alarm on. Default: none.
	Functions []Function
	// DurationLimit is the hard limit the p99 duration is drawn against.
	// Default: 5 seconds (Cognito's trigger limit).
	DurationLimit awscdk.Duration
	// DurationAlarmRatio of DurationLimit at which the p99 alarm fires.
	// Default: 0.8.
	DurationAlarmRatio *float64
	// AlarmEmails are subscribed to the operations topic. Default: none.
	AlarmEmails []string
	// DashboardName is the dashboard's name. Default: generated.
	DashboardName *string
}

// Dashboard is an L3 construct: dashboard, alarms and operations topic.
type Dashboard struct {
	constructs.Construct
	// Dashboard is the CloudWatch dashboard (construct id "Resource").
	Dashboard cw.Dashboard
	// AlarmTopic receives every alarm's state changes.
	AlarmTopic sns.Topic
	// Alarms created, in order.
	Alarms []cw.Alarm
	stack  *string
}

// NewDashboard creates the dashboard, alarms and operations topic.
func NewDashboard(scope constructs.Construct, id *string, props *DashboardProps) *Dashboard {
	if props == nil || props.StackName == nil {
		panic(fmt.Errorf("dashboard %s: StackName is required", *id))
	}
	limit := props.DurationLimit
	if limit == nil {
		limit = awscdk.Duration_Seconds(jsii.Number(5))
	}
	ratio := 0.8
	if props.DurationAlarmRatio != nil {
		ratio = *props.DurationAlarmRatio
	}
	if ratio <= 0 || ratio > 1 {
		panic(fmt.Errorf("dashboard %s: DurationAlarmRatio %v must be in (0, 1]", *id, ratio))
	}
	d := &Dashboard{stack: props.StackName}
	constructs.NewConstruct_Override(d, scope, id)

	key := kmskey.New(d, "AlarmTopicKey", "the operations topic of "+*d.Node().Path())
	key.AddToResourcePolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Sid:        jsii.String("CloudWatchAlarmsPublish"),
		Principals: &[]iam.IPrincipal{iam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{"StringEquals": map[string]interface{}{"aws:SourceAccount": awscdk.Aws_ACCOUNT_ID()}},
	}), jsii.Bool(true))
	d.AlarmTopic = sns.NewTopic(d, jsii.String("AlarmTopic"), &sns.TopicProps{MasterKey: key, EnforceSSL: jsii.Bool(true)})
	for _, e := range props.AlarmEmails {
		d.AlarmTopic.AddSubscription(subs.NewEmailSubscription(jsii.String(e), nil))
	}
	action := cwactions.NewSnsAction(d.AlarmTopic)

	d.Dashboard = cw.NewDashboard(d, jsii.String("Resource"), &cw.DashboardProps{
		DashboardName:   props.DashboardName,
		DefaultInterval: awscdk.Duration_Days(jsii.Number(1)),
	})
	d.Dashboard.AddWidgets(
		graph("Sign-ups and sign-ins", d.Metric(contract.SignUps), d.Metric(contract.Confirmations),
			d.Metric(contract.SignInAttempts), d.Metric(contract.SignIns), d.Metric(contract.PasswordResets),
			d.Metric(contract.UnknownUserSignInAttempts).With(&cw.MetricOptions{Label: jsii.String("sign-in attempts, unknown users")})),
		graph("Sign-up rejections by reason", d.rejections(contract.ReasonDisposableEmail),
			d.rejections(contract.ReasonMalformedEmail), d.rejections(contract.ReasonMissingEmail)),
		graph("User events not published", d.Metric(contract.PublishFailures)),
		graph("API authorizer decisions", d.Metric(contract.AuthorizerAllowed).With(&cw.MetricOptions{Label: jsii.String("allowed")}),
			d.denials(), d.Metric(contract.SignOuts).With(&cw.MetricOptions{Label: jsii.String("sign-outs")}),
			d.Metric(contract.LogoutsIncomplete).With(&cw.MetricOptions{Label: jsii.String("sign-outs Cognito did not complete")})),
		graph("API authorizer failing closed", d.failures("JWKS"), d.failures("DenyList")),
	)
	alarm := func(cid, description string, metric cw.IMetric, threshold float64) {
		a := cw.NewAlarm(d, jsii.String(cid), &cw.AlarmProps{
			AlarmDescription:   jsii.String(description),
			Metric:             metric,
			Threshold:          jsii.Number(threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: cw.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   cw.TreatMissingData_NOT_BREACHING,
		})
		a.AddAlarmAction(action)
		a.AddOkAction(action)
		d.Alarms = append(d.Alarms, a)
	}
	alarm("PublishFailuresAlarm", "User events could not be published to SNS after retries", d.Metric(contract.PublishFailures), 1)
	alarm("AuthorizerJwksAlarm", "The API authorizer cannot reach the user pool's JWKS and is denying every request", d.failures("JWKS"), 1)
	alarm("AuthorizerDenyListAlarm", "The API authorizer cannot read the deny-list and is denying every request", d.failures("DenyList"), 1)
	alarm("LogoutsIncompleteAlarm", "Logouts where Cognito did not end the user's sessions (AdminUserGlobalSignOut failed): the API refuses the tokens, but refresh tokens still work elsewhere",
		d.Metric(contract.LogoutsIncomplete), 1)

	limitMs := *limit.ToMilliseconds(nil)
	for i, f := range props.Functions {
		fn := f.Function
		p99 := fn.MetricDuration(&cw.MetricOptions{Statistic: jsii.String("p99"), Period: awscdk.Duration_Minutes(jsii.Number(5))})
		d.Dashboard.AddWidgets(
			graph(f.Name+": invocations, errors, throttles",
				fn.MetricInvocations(sum()), fn.MetricErrors(sum()), fn.MetricThrottles(sum())),
			cw.NewGraphWidget(&cw.GraphWidgetProps{
				Title: jsii.String(f.Name + ": p99 duration (ms)"), Width: jsii.Number(12),
				Left: &[]cw.IMetric{p99},
				LeftAnnotations: &[]*cw.HorizontalAnnotation{
					{Value: jsii.Number(limitMs), Label: jsii.String("limit"), Color: jsii.String("#d13212")},
					{Value: jsii.Number(limitMs * ratio), Label: jsii.String("alarm")},
				},
			}),
		)
		cid := fmt.Sprintf("Function%d", i)
		alarm(cid+"Errors", f.Name+": the function returned errors (Cognito fails the user's request)", fn.MetricErrors(sum()), 1)
		alarm(cid+"Throttles", f.Name+": invocations were throttled", fn.MetricThrottles(sum()), 1)
		alarm(cid+"Duration", fmt.Sprintf("%s: p99 duration reached %.0f%% of the %.0f ms limit", f.Name, ratio*100, limitMs), p99, limitMs*ratio)
	}
	return d
}

// Metric is the authstack metric name for this stack, summed over 5 minutes,
// with extra dimension pairs (key, value, ...).
func (d *Dashboard) Metric(name string, dims ...string) cw.Metric {
	m := map[string]*string{contract.DimStack: d.stack}
	for i := 0; i+1 < len(dims); i += 2 {
		m[dims[i]] = jsii.String(dims[i+1])
	}
	return cw.NewMetric(&cw.MetricProps{
		Namespace: jsii.String(contract.Namespace), MetricName: jsii.String(name), DimensionsMap: &m,
		Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(5)),
	})
}

// denials sums the authorizer's refusals over every reason.
func (d *Dashboard) denials() cw.IMetric {
	return cw.NewMathExpression(&cw.MathExpressionProps{
		Expression: jsii.String(fmt.Sprintf(`SUM(SEARCH('{%s,%s,%s} MetricName="%s" %s="%s"', 'Sum', 300))`,
			contract.Namespace, contract.DimStack, contract.DimReason, contract.AuthorizerDenied, contract.DimStack, *d.stack)),
		Label:  jsii.String("refused (401)"),
		Period: awscdk.Duration_Minutes(jsii.Number(5)),
	})
}

// failures is the authorizer's fail-closed count for one dependency.
func (d *Dashboard) failures(dependency string) cw.Metric {
	return d.Metric(contract.AuthorizerFailures, contract.DimReason, dependency)
}

// rejections is the rejection count for one reason, labelled with the reason.
func (d *Dashboard) rejections(reason string) cw.IMetric {
	return d.Metric(contract.SignUpRejections, contract.DimReason, reason).With(&cw.MetricOptions{Label: jsii.String(reason)})
}

func sum() *cw.MetricOptions {
	return &cw.MetricOptions{Statistic: jsii.String("Sum"), Period: awscdk.Duration_Minutes(jsii.Number(5))}
}

func graph(title string, metrics ...cw.IMetric) cw.GraphWidget {
	return cw.NewGraphWidget(&cw.GraphWidgetProps{Title: jsii.String(title), Left: &metrics, Width: jsii.Number(12)})
}

// AddAlarms puts alarms of another construct (the user-pool backup's) on
// the dashboard under title, each notifying the operations topic, in
// Alarms too.
func (d *Dashboard) AddAlarms(title string, alarms ...cw.Alarm) {
	action := cwactions.NewSnsAction(d.AlarmTopic)
	for _, a := range alarms {
		a.AddAlarmAction(action)
		a.AddOkAction(action)
		d.Alarms = append(d.Alarms, a)
	}
	w := make([]cw.IWidget, 0, len(alarms))
	for _, a := range alarms {
		w = append(w, cw.NewAlarmWidget(&cw.AlarmWidgetProps{Title: jsii.String(title + ": " + *a.Node().Id()), Alarm: a, Width: jsii.Number(12)}))
	}
	d.Dashboard.AddWidgets(w...)
}
