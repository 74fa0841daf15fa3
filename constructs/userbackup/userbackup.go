// Package userbackup provides UserBackup: the scheduled export of a user
// pool (package backup) into an encrypted, versioned S3 bucket, with
// alarms when a backup fails or the newest complete one is too old.
//
// Cognito has no export of its own and AWS Backup does not cover user
// pools. A Step Functions state machine loops over one Go function
// (functions/backup) that exports until its invocation's time runs out and
// saves a checkpoint: a pool of any size completes, and a step that fails
// is retried from the checkpoint, without duplicates or gaps. An EventBridge
// rule starts it on the schedule. Backups land in
// s3://BUCKET/backups/POOL_ID/START_TIME/ (docs/BACKUP.md).
package userbackup

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	cw "github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	events "github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	targets "github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	s3 "github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	sfn "github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctions"
	tasks "github.com/aws/aws-cdk-go/awscdk/v2/awsstepfunctionstasks"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
)

// UserBackupProps configures UserBackup.
type UserBackupProps struct {
	// UserPool to back up. Required.
	UserPool cognito.IUserPool
	// StackName is the value of the BackupsCompleted metric's Stack
	// dimension (the age alarm reads it). Default: the stack's name.
	StackName *string
	// Schedule starts a backup. Default: once a day (rate(1 day)).
	Schedule events.Schedule
	// RetentionDays is how long a backup is kept (S3 lifecycle expiration of
	// current objects; replaced versions go after 7 days). Default: 35.
	RetentionDays *float64
	// MaxAgeHours: the age alarm fires when no backup completed in this
	// many hours, 1-168 (a CloudWatch alarm evaluates up to 7 days).
	// Default: 36 (a daily backup missed once, with slack).
	MaxAgeHours *float64
	// QuotaShare is the share of Cognito's list quota the export uses,
	// (0, 1]. Default: 0.8 (backup.Options.QuotaShare).
	QuotaShare *float64
	// ServerAccessLogsBucket receives the bucket's access logs.
	// Default: none (AuthStack passes the identity pool's log bucket).
	ServerAccessLogsBucket s3.IBucket
	// Key encrypts the bucket. Default: a new rotating customer-managed key.
	Key kms.IKey
	// LogKey, LogRetention, LogLevel and Tracing configure the function's
	// and the state machine's logs and X-Ray. Default: one new key for both
	// log groups, three months, INFO, no tracing.
	LogKey       kms.IKey
	LogRetention logs.RetentionDays
	LogLevel     lambda.ApplicationLogLevel
	Tracing      bool
}

// UserBackup is an L3 construct: bucket, function, state machine, schedule
// and alarms.
type UserBackup struct {
	constructs.Construct
	// Bucket holds the backups (versioned, KMS-encrypted, TLS only, retained).
	Bucket s3.Bucket
	// Key encrypts the bucket.
	Key kms.IKey
	// Function is one export step.
	Function *gofunction.GoFunction
	// StateMachine runs a backup; start it yourself for one now.
	StateMachine sfn.StateMachine
	// Schedule is the EventBridge rule that starts it.
	Schedule events.Rule
	// FailedAlarm fires when a backup run fails; AgeAlarm when no backup
	// completed within MaxAgeHours (runs that time out or are aborted too). No actions:
	// put them on a dashboard (dashboard.Dashboard.AddAlarms) or add your own.
	FailedAlarm, AgeAlarm cw.Alarm
}

// NewUserBackup creates the scheduled backup. It panics with a message
// naming the prop when props are invalid (nothing is added then).
func NewUserBackup(scope constructs.Construct, id *string, props *UserBackupProps) *UserBackup {
	if err := props.validate(); err != nil {
		panic(fmt.Errorf("userbackup %s: %w", *id, err))
	}
	b := &UserBackup{}
	constructs.NewConstruct_Override(b, scope, id)
	stackName := props.StackName
	if stackName == nil {
		stackName = awscdk.Stack_Of(b).StackName()
	}
	b.Key = props.Key
	if b.Key == nil {
		b.Key = kmskey.New(b, "Key", "the user-pool backups of "+*b.Node().Path())
	}
	retention := num(props.RetentionDays, 35)
	b.Bucket = s3.NewBucket(b, jsii.String("Bucket"), &s3.BucketProps{
		Encryption: s3.BucketEncryption_KMS, EncryptionKey: b.Key, BucketKeyEnabled: jsii.Bool(true),
		Versioned: jsii.Bool(true), EnforceSSL: jsii.Bool(true), BlockPublicAccess: s3.BlockPublicAccess_BLOCK_ALL(),
		ObjectOwnership: s3.ObjectOwnership_BUCKET_OWNER_ENFORCED, RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
		ServerAccessLogsBucket: props.ServerAccessLogsBucket, ServerAccessLogsPrefix: serverLogsPrefix(props),
		LifecycleRules: &[]*s3.LifecycleRule{{
			Id:                                  jsii.String("expire-backups"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(retention)),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(7)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
	})
	if props.ServerAccessLogsBucket == nil {
		nag.Suppress(b.Bucket, "AwsSolutions-S1", "Server access logs need a log bucket: pass ServerAccessLogsBucket (AuthStack passes the identity pool's). Reads and writes are the backup function's own, recorded by CloudTrail.")
	}

	tracing := lambda.Tracing_DISABLED
	if props.Tracing {
		tracing = lambda.Tracing_ACTIVE
	}
	root, err := module.Root()
	if err != nil {
		panic(err)
	}
	env := map[string]*string{
		contract.EnvUserPoolID: props.UserPool.UserPoolId(), contract.EnvBackupBucket: b.Bucket.BucketName(), contract.EnvStack: stackName,
	}
	if props.QuotaShare != nil {
		env[contract.EnvBackupQuotaShare] = jsii.String(fmt.Sprint(*props.QuotaShare))
	}
	b.Function = gofunction.NewGoFunction(b, jsii.String("Function"), &gofunction.GoFunctionProps{
		Entry: jsii.String(module.Function("backup")), ModuleDir: jsii.String(root),
		FunctionOptions: lambda.FunctionOptions{
			Description: jsii.String("authstack: one step of the scheduled user-pool backup"),
			// Lambda's longest: each step exports until a minute before it.
			Timeout:               awscdk.Duration_Minutes(jsii.Number(15)),
			MemorySize:            jsii.Number(512),
			Environment:           &env,
			Tracing:               tracing,
			ApplicationLogLevelV2: props.LogLevel,
		},
		LogKey: logKeyOf(b, props), LogRetention: props.LogRetention,
	})
	// Only what an export does: read and write objects under backups/ (never
	// delete one, nor a version: versioning keeps every backup recoverable).
	b.Bucket.GrantRead(b.Function.Function, jsii.String("backups/*"))
	b.Bucket.GrantPut(b.Function.Function, jsii.String("backups/*"))
	props.UserPool.Grant(b.Function.Function, jsii.String("cognito-idp:DescribeUserPool"), jsii.String("cognito-idp:GetUserPoolMfaConfig"),
		jsii.String("cognito-idp:ListUserPoolClients"), jsii.String("cognito-idp:DescribeUserPoolClient"),
		jsii.String("cognito-idp:ListGroups"), jsii.String("cognito-idp:ListUsers"), jsii.String("cognito-idp:ListUsersInGroup"))
	nag.Suppress(b.Function.Role, "AwsSolutions-IAM5",
		"The backup function reads and writes objects under backups/ of its bucket (arn:.../backups/*, one folder per run, names chosen at run time) and uses the bucket's key for them (kms:GenerateDataKey*, kms:ReEncrypt*), as Bucket.grantRead and grantPut write them; it cannot delete anything.",
		"Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*", "Action::s3:Abort*",
		"Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*", "Resource::<"+b.bucketLogicalID()+".Arn>/backups/*")

	// The loop: Export until done; a failed step retries from its checkpoint.
	step := tasks.NewLambdaInvoke(b, jsii.String("Export"), &tasks.LambdaInvokeProps{
		LambdaFunction: b.Function.Function, PayloadResponseOnly: jsii.Bool(true), RetryOnServiceExceptions: jsii.Bool(true),
		Payload: sfn.TaskInput_FromObject(&map[string]interface{}{"backupId": sfn.JsonPath_StringAt(jsii.String("$.backupId"))}),
	})
	step.AddRetry(&sfn.RetryProps{Errors: jsii.Strings("States.ALL"), Interval: awscdk.Duration_Seconds(jsii.Number(30)), MaxAttempts: jsii.Number(3), BackoffRate: jsii.Number(2)})
	start := sfn.NewPass(b, jsii.String("Start"), &sfn.PassProps{
		Comment:    jsii.String("The backup's id: the execution's start time"),
		Parameters: &map[string]interface{}{"backupId": sfn.JsonPath_StringAt(jsii.String("$$.Execution.StartTime"))},
	})
	done := sfn.NewChoice(b, jsii.String("Done?"), nil).
		When(sfn.Condition_BooleanEquals(jsii.String("$.done"), jsii.Bool(true)), sfn.NewSucceed(b, jsii.String("Backed up"), nil), nil).
		Otherwise(step)
	logKey := logKeyOf(b, props)
	smLogs := logs.NewLogGroup(b, jsii.String("StateMachineLogs"), &logs.LogGroupProps{
		EncryptionKey: logKey, Retention: orDefault(props.LogRetention), RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	b.StateMachine = sfn.NewStateMachine(b, jsii.String("StateMachine"), &sfn.StateMachineProps{
		DefinitionBody: sfn.DefinitionBody_FromChainable(start.Next(step).Next(done)),
		Timeout:        awscdk.Duration_Hours(jsii.Number(12)),
		Comment:        jsii.String("authstack: back up the user pool (users, groups, memberships, configuration)"),
		Logs:           &sfn.LogOptions{Destination: smLogs, Level: sfn.LogLevel_ALL, IncludeExecutionData: jsii.Bool(false)},
		TracingEnabled: jsii.Bool(props.Tracing),
	})
	if !props.Tracing {
		nag.Suppress(b.StateMachine, "AwsSolutions-SF2", "X-Ray is the Tracing prop (config tracing, off by default: X-Ray bills per trace); the state machine logs every event.")
	}
	// The L2 makes the state machine depend on its role, which its RoleArn
	// already references (cfn-lint W3005); the role's policy is what it needs first.
	if policy := b.StateMachine.Role().Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		cfnPolicy := policy.Node().DefaultChild().(awscdk.CfnResource)
		b.StateMachine.Node().DefaultChild().(awscdk.CfnResource).AddOverride(jsii.String("DependsOn"), []*string{cfnPolicy.LogicalId()})
	}
	nag.Suppress(b.StateMachine, "AwsSolutions-IAM5",
		"Step Functions' LambdaInvoke task grants lambda:InvokeFunction on the function and its versions (<Arn>:*); CloudWatch Logs delivery and X-Ray take no resource-level permissions.",
		"Resource::<"+b.functionLogicalID()+".Arn>:*", "Resource::*")

	sched := props.Schedule
	if sched == nil {
		sched = events.Schedule_Rate(awscdk.Duration_Days(jsii.Number(1)))
	}
	b.Schedule = events.NewRule(b, jsii.String("Schedule"), &events.RuleProps{
		Description: jsii.String("authstack: start the user-pool backup"),
		Schedule:    sched, Targets: &[]events.IRuleTarget{targets.NewSfnStateMachine(b.StateMachine, nil)},
	})

	period := awscdk.Duration_Hours(jsii.Number(1))
	// A failed run; a run that times out or is aborted completes nothing,
	// which the age alarm catches.
	failed := b.StateMachine.MetricFailed(&cw.MetricOptions{Period: period, Statistic: jsii.String("Sum")})
	b.FailedAlarm = cw.NewAlarm(b, jsii.String("Failed"), &cw.AlarmProps{
		AlarmDescription: jsii.String("A user-pool backup failed: see the state machine's execution and the backup function's logs; redrive the execution to resume it from its checkpoint (a new run starts over)"),
		Metric:           failed, Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(1),
		ComparisonOperator: cw.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD, TreatMissingData: cw.TreatMissingData_NOT_BREACHING,
	})
	maxAge := num(props.MaxAgeHours, 36)
	b.AgeAlarm = cw.NewAlarm(b, jsii.String("TooOld"), &cw.AlarmProps{
		AlarmDescription: jsii.String(fmt.Sprintf("No user-pool backup completed in the last %.0f hours", maxAge)),
		Metric: cw.NewMetric(&cw.MetricProps{
			Namespace: jsii.String(contract.Namespace), MetricName: jsii.String(contract.BackupsCompleted),
			DimensionsMap: &map[string]*string{contract.DimStack: stackName}, Statistic: jsii.String("Sum"), Period: period,
		}),
		Threshold: jsii.Number(1), EvaluationPeriods: jsii.Number(maxAge), DatapointsToAlarm: jsii.Number(maxAge),
		ComparisonOperator: cw.ComparisonOperator_LESS_THAN_THRESHOLD,
		// No data is no backup.
		TreatMissingData: cw.TreatMissingData_BREACHING,
	})
	return b
}

// BucketName is the backup bucket's name.
func (b *UserBackup) BucketName() *string { return b.Bucket.BucketName() }

func (b *UserBackup) bucketLogicalID() string {
	return *awscdk.Stack_Of(b).GetLogicalId(b.Bucket.Node().DefaultChild().(awscdk.CfnElement))
}

func (b *UserBackup) functionLogicalID() string {
	return *awscdk.Stack_Of(b).GetLogicalId(b.Function.Function.Node().DefaultChild().(awscdk.CfnElement))
}

func serverLogsPrefix(p *UserBackupProps) *string {
	if p.ServerAccessLogsBucket == nil {
		return nil
	}
	return jsii.String("user-pool-backups/")
}

func orDefault(r logs.RetentionDays) logs.RetentionDays {
	if r == "" {
		return logs.RetentionDays_THREE_MONTHS
	}
	return r
}

func num(v *float64, def float64) float64 {
	if v == nil {
		return def
	}
	return *v
}

func (p *UserBackupProps) validate() error {
	if p == nil || p.UserPool == nil {
		return fmt.Errorf("UserPool is required")
	}
	if v := p.RetentionDays; cdkutil.LiteralNumber(v) && (*v < 1 || *v != float64(int(*v))) {
		return fmt.Errorf("RetentionDays %v must be a whole number of days, at least 1", *v)
	}
	if v := p.MaxAgeHours; cdkutil.LiteralNumber(v) && (*v < 1 || *v > 168 || *v != float64(int(*v))) {
		return fmt.Errorf("MaxAgeHours %v must be 1-168 whole hours (a CloudWatch alarm evaluates at most 7 days)", *v)
	}
	if v := p.QuotaShare; cdkutil.LiteralNumber(v) && (*v <= 0 || *v > 1) {
		return fmt.Errorf("QuotaShare %v must be in (0, 1]", *v)
	}
	return nil
}

// logKeyOf is props.LogKey, or one new key for the function's and the
// state machine's logs.
func logKeyOf(b *UserBackup, props *UserBackupProps) kms.IKey {
	if props.LogKey != nil {
		return props.LogKey
	}
	if k := b.Node().TryFindChild(jsii.String("LogKey")); k != nil {
		return k.(kms.IKey)
	}
	return kmskey.NewForLogs(b, "LogKey", "the logs of "+*b.Node().Path())
}
