// Command backup is one step of the scheduled user-pool backup (see
// internal/runtime/backupjob and constructs/userbackup).
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/awsenv"
	"github.com/authstack/authstack/internal/runtime/backupjob"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

func main() {
	ctx := context.Background()
	idpCfg, err := awsenv.Config(ctx, os.Getenv, "COGNITO_IDENTITY_PROVIDER")
	if err != nil {
		telemetry.Fatal(err)
	}
	s3Cfg, err := awsenv.Config(ctx, os.Getenv, "S3")
	if err != nil {
		telemetry.Fatal(err)
	}
	// Adaptive retry: the SDK slows down when Cognito throttles.
	idp := cip.NewFromConfig(idpCfg, func(o *cip.Options) { o.Retryer = retry.NewAdaptiveMode() })
	// An endpoint override (a local emulator) takes path-style requests.
	s3c := s3.NewFromConfig(s3Cfg, func(o *s3.Options) { o.UsePathStyle = s3Cfg.BaseEndpoint != nil })
	bucket := os.Getenv(contract.EnvBackupBucket)
	h, err := backupjob.FromEnv(os.Getenv, idp, func(prefix string) backup.Store { return backup.S3(s3c, bucket, prefix) }, &telemetry.Metrics{})
	if err != nil {
		telemetry.Fatal(err)
	}
	lambda.Start(h.Handle)
}
