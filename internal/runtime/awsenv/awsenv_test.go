package awsenv

import (
	"context"
	"testing"
)

func TestConfig(t *testing.T) {
	env := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "tok",
		"AWS_ENDPOINT_URL": "http://all", "AWS_ENDPOINT_URL_DYNAMODB": "http://ddb",
	}
	get := func(k string) string { return env[k] }
	cfg, err := Config(context.Background(), get, "DYNAMODB")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIA" || creds.SessionToken != "tok" || cfg.Region != "eu-west-1" {
		t.Errorf("config = %+v, creds %+v, %v", cfg, creds, err)
	}
	if *cfg.BaseEndpoint != "http://ddb" {
		t.Errorf("endpoint = %s; want the service-specific one", *cfg.BaseEndpoint)
	}
	cfg, _ = Config(context.Background(), get, "SNS")
	if *cfg.BaseEndpoint != "http://all" {
		t.Errorf("endpoint = %s; want AWS_ENDPOINT_URL", *cfg.BaseEndpoint)
	}
	delete(env, "AWS_ENDPOINT_URL")
	if cfg, _ = Config(context.Background(), get, "SNS"); cfg.BaseEndpoint != nil {
		t.Errorf("endpoint = %s; want none", *cfg.BaseEndpoint)
	}
}

func BenchmarkConfig(b *testing.B) {
	env := map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}
	for i := 0; i < b.N; i++ {
		Config(context.Background(), func(k string) string { return env[k] }, "DYNAMODB")
	}
}
