// Package awsenv builds the aws.Config of a Lambda function from the
// environment Lambda sets: AWS_REGION and the execution role's
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, plus the
// endpoint overrides AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL (which
// tests point at moto). It takes tens of microseconds where
// config.LoadDefaultConfig takes about 3 ms per call on this machine kind
// (docs/BENCHMARKS.md), a third of a trigger's cold-start budget. Without
// those variables it falls back to config.LoadDefaultConfig.
//
// Source for the variables: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
package awsenv

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config returns the configuration for clients of service (its SDK ID as in
// AWS_ENDPOINT_URL_<SERVICE>, e.g. "DYNAMODB", "SNS", "SECRETS_MANAGER").
func Config(ctx context.Context, getenv func(string) string, service string) (aws.Config, error) {
	key, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	region := getenv("AWS_REGION")
	if key == "" || secret == "" || region == "" {
		return config.LoadDefaultConfig(ctx)
	}
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, getenv("AWS_SESSION_TOKEN"))),
	}
	for _, name := range []string{"AWS_ENDPOINT_URL_" + strings.ToUpper(service), "AWS_ENDPOINT_URL"} {
		if u := getenv(name); u != "" {
			cfg.BaseEndpoint = aws.String(u)
			break
		}
	}
	return cfg, nil
}
