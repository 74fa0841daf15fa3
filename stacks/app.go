package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
)

// Context keys read by Environments.
const (
	// ContextEnv selects one environment by name: cdk synth -c env=test.
	ContextEnv = "env"
	// ContextConfig loads environments from a YAML or JSON file instead of
	// the embedded reference: cdk synth -c config=my-envs.yaml.
	ContextConfig = "config"
)

// Environments returns the environments an app synthesizes, from its context:
// the file named by "config" (default: the embedded reference environments),
// narrowed to the one named by "env" (default: all).
func Environments(app awscdk.App) ([]config.Config, error) {
	envs := []config.Config(nil)
	if path, ok := cdkutil.ContextString(app, ContextConfig); ok {
		var err error
		if envs, err = config.LoadFile(path); err != nil {
			return nil, err
		}
	} else {
		envs = config.Reference()
	}
	if name, ok := cdkutil.ContextString(app, ContextEnv); ok {
		c, err := config.Select(envs, name)
		if err != nil {
			return nil, err
		}
		envs = []config.Config{c}
	}
	return envs, nil
}

// AddAuthStacks adds one AuthStack per environment to app, each with the
// construct id and stack name "<appName>-<environment>".
func AddAuthStacks(app awscdk.App, envs []config.Config) ([]*AuthStack, error) {
	var out []*AuthStack
	for _, c := range envs {
		s, err := NewAuthStack(app, jsii.String(c.StackName()), &AuthStackProps{Config: c})
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// CheckAwsSolutions applies cdk-nag's AwsSolutions rules to every stack of
// app; unsuppressed findings become error annotations, which fail `cdk synth`.
func CheckAwsSolutions(app awscdk.App) {
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}
