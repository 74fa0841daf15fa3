package userbackup_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	events "github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userbackup"
)

func ExampleNewUserBackup() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	b := userbackup.NewUserBackup(stack, jsii.String("Backup"), &userbackup.UserBackupProps{
		UserPool: pool,
		Schedule: events.Schedule_Expression(jsii.String("cron(0 3 * * ? *)")), // 03:00 UTC
		// Daily at 03:00: alarm when a day and a half passed without one.
		MaxAgeHours: jsii.Number(36),
	})
	awscdk.NewCfnOutput(stack, jsii.String("BackupBucket"), &awscdk.CfnOutputProps{Value: b.BucketName()})
}
