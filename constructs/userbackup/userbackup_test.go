package userbackup_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	events "github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userbackup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestScheduledBackup(t *testing.T) {
	// GIVEN a pool WHEN it is backed up every 12 hours, kept 10 days, alarmed after 30 hours
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	b := userbackup.NewUserBackup(stack, jsii.String("Backup"), &userbackup.UserBackupProps{
		UserPool: pool, StackName: jsii.String("shop-prod"), Schedule: events.Schedule_Expression(jsii.String("rate(12 hours)")),
		RetentionDays: jsii.Number(10), MaxAgeHours: jsii.Number(30), QuotaShare: jsii.Number(0.5), Tracing: true,
	})
	tpl := assertions.Template_FromStack(stack, nil)
	poolID := *stack.GetLogicalId(pool.Node().DefaultChild().(awscdk.CfnElement))
	for _, ch := range []struct {
		typ   string
		props map[string]interface{}
	}{
		// The bucket: KMS, versioned, TLS only (its policy), expiring backups
		{"AWS::S3::Bucket", map[string]interface{}{
			"VersioningConfiguration": map[string]interface{}{"Status": "Enabled"},
			"BucketEncryption": map[string]interface{}{"ServerSideEncryptionConfiguration": []interface{}{assertions.Match_ObjectLike(&map[string]interface{}{
				"ServerSideEncryptionByDefault": map[string]interface{}{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": assertions.Match_AnyValue()},
			})}},
			"LifecycleConfiguration": map[string]interface{}{"Rules": []interface{}{assertions.Match_ObjectLike(&map[string]interface{}{
				"ExpirationInDays": 10, "NoncurrentVersionExpiration": map[string]interface{}{"NoncurrentDays": 7},
			})}},
			"PublicAccessBlockConfiguration": map[string]interface{}{"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true},
		}},
		{"AWS::S3::BucketPolicy", map[string]interface{}{"PolicyDocument": assertions.Match_ObjectLike(&map[string]interface{}{
			"Statement": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(&map[string]interface{}{
				"Effect": "Deny", "Condition": map[string]interface{}{"Bool": map[string]interface{}{"aws:SecureTransport": "false"}},
			})}),
		})}},
		// The function: the pool, the bucket, the quota share, the metric's stack
		{"AWS::Lambda::Function", map[string]interface{}{"Timeout": 900, "Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			contract.EnvUserPoolID: map[string]interface{}{"Ref": poolID}, contract.EnvBackupQuotaShare: "0.5", contract.EnvStack: "shop-prod",
		})}}},
		// Read-only Cognito calls on this pool only
		{"AWS::IAM::Policy", map[string]interface{}{"PolicyDocument": assertions.Match_ObjectLike(&map[string]interface{}{
			"Statement": assertions.Match_ArrayWith(&[]interface{}{map[string]interface{}{
				"Action": []interface{}{"cognito-idp:DescribeUserPool", "cognito-idp:DescribeUserPoolClient", "cognito-idp:GetUserPoolMfaConfig",
					"cognito-idp:ListGroups", "cognito-idp:ListUserPoolClients", "cognito-idp:ListUsers", "cognito-idp:ListUsersInGroup"},
				"Effect": "Allow", "Resource": map[string]interface{}{"Fn::GetAtt": []interface{}{poolID, "Arn"}},
			}}),
		})}},
		{"AWS::StepFunctions::StateMachine", map[string]interface{}{
			"TracingConfiguration": map[string]interface{}{"Enabled": true},
			"LoggingConfiguration": assertions.Match_ObjectLike(&map[string]interface{}{"Level": "ALL", "IncludeExecutionData": false}),
		}},
		{"AWS::Events::Rule", map[string]interface{}{"ScheduleExpression": "rate(12 hours)", "State": "ENABLED"}},
		// The alarms: any failed run; no completed backup for 30 hours (no data is no backup)
		{"AWS::CloudWatch::Alarm", map[string]interface{}{"ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1, "TreatMissingData": "notBreaching"}},
		{"AWS::CloudWatch::Alarm", map[string]interface{}{
			"ComparisonOperator": "LessThanThreshold", "Threshold": 1, "EvaluationPeriods": 30, "DatapointsToAlarm": 30, "Period": 3600,
			"TreatMissingData": "breaching", "MetricName": contract.BackupsCompleted, "Namespace": contract.Namespace,
			"Dimensions": []interface{}{map[string]interface{}{"Name": contract.DimStack, "Value": "shop-prod"}},
		}},
	} {
		if err := cdktest.Has(tpl, ch.typ, ch.props); err != nil {
			t.Errorf("%s: %v", ch.typ, err)
		}
	}
	// AND the state machine loops over the export until it reports done
	sm := tpl.FindResources(jsii.String("AWS::StepFunctions::StateMachine"), nil)
	def, _ := json.Marshal(sm)
	for _, want := range []string{`\"backupId.$\":\"$$.Execution.StartTime\"`, `\"Variable\":\"$.done\",\"BooleanEquals\":true`, `\"Default\":\"Export\"`, `\"ErrorEquals\":[\"States.ALL\"]`} {
		if !strings.Contains(string(def), want) {
			t.Errorf("definition lacks %s: %s", want, def)
		}
	}
	if b.BucketName() == nil {
		t.Error("no bucket name")
	}
}

func TestInvalidProps(t *testing.T) {
	for _, tc := range []struct {
		props func(cognito.IUserPool) *userbackup.UserBackupProps
		want  string
	}{
		{func(cognito.IUserPool) *userbackup.UserBackupProps { return &userbackup.UserBackupProps{} }, "UserPool is required"},
		{func(p cognito.IUserPool) *userbackup.UserBackupProps {
			return &userbackup.UserBackupProps{UserPool: p, MaxAgeHours: jsii.Number(200)}
		}, "MaxAgeHours 200 must be 1-168"},
		{func(p cognito.IUserPool) *userbackup.UserBackupProps {
			return &userbackup.UserBackupProps{UserPool: p, RetentionDays: jsii.Number(0)}
		}, "RetentionDays 0 must be a whole number of days"},
		{func(p cognito.IUserPool) *userbackup.UserBackupProps {
			return &userbackup.UserBackupProps{UserPool: p, QuotaShare: jsii.Number(1.5)}
		}, "QuotaShare 1.5 must be in (0, 1]"},
	} {
		stack := cdktest.NewStack(t)
		pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
		props := tc.props(pool)
		if msg := cdktest.Panics(func() { userbackup.NewUserBackup(stack, jsii.String("B"), props) }); !strings.Contains(msg, "userbackup B: "+tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
}

func TestTheFunctionCannotDeleteBackups(t *testing.T) {
	stack := cdktest.NewStack(t)
	userbackup.NewUserBackup(stack, jsii.String("Backup"), &userbackup.UserBackupProps{UserPool: cognito.NewUserPool(stack, jsii.String("Pool"), nil)})
	b, _ := json.Marshal(assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::IAM::Policy"), nil))
	for _, never := range []string{"s3:DeleteObject", "s3:PutBucket", "s3:PutLifecycle"} {
		if strings.Contains(string(b), never) {
			t.Errorf("the backup function may %s: %s", never, b)
		}
	}
	if !strings.Contains(string(b), `"/backups/*"`) {
		t.Errorf("the grants are not limited to backups/*: %s", b)
	}
}
