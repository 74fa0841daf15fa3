package stacks

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/authstack/authstack/config"
)

// AuthStageProps configure an AuthStage.
type AuthStageProps struct {
	// StageProps are passed to the stage. Env defaults to the environment's
	// account and region, the account falling back to PipelineAccount.
	awscdk.StageProps
	// Pipeline is passed to the AuthStack (its pipeline roles). Default: nil.
	Pipeline *PipelineTrust
	// Config is the environment. Required; it is validated.
	Config config.Config
	// PipelineAccount is the account of the pipeline that deploys the stage:
	// the stage's account when the environment names none. Default: "".
	PipelineAccount string
}

// AuthStage is one environment as a deployable unit of a CDK pipeline: its
// AuthStack (and the us-east-1 certificate stack, with custom domains), with
// cdk-nag's AwsSolutions rules applied to the stage itself. Aspects added
// to the App do not reach the stacks of a Stage (aws/aws-cdk#20468, closed
// as by design), so a pipeline whose checks sit on the App checks nothing.
type AuthStage struct {
	awscdk.Stage
	// AuthStack is the environment's stack.
	AuthStack *AuthStack
}

// NewAuthStage adds the stage; like NewAuthStack it returns an error, and
// adds nothing, when the config is invalid.
func NewAuthStage(scope constructs.Construct, id *string, props *AuthStageProps) (*AuthStage, error) {
	if props == nil {
		return nil, fmt.Errorf("stacks: AuthStageProps with a Config is required")
	}
	cfg := props.Config
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("stacks: environment %q: %w", cfg.Environment, err)
	}
	if err := props.Pipeline.Validate(); err != nil {
		return nil, err
	}
	sp := props.StageProps
	if sp.Env == nil {
		account := cfg.Account
		if account == "" {
			account = props.PipelineAccount
		}
		sp.Env = &awscdk.Environment{Region: jsii.String(cfg.Region)}
		if account != "" {
			sp.Env.Account = jsii.String(account)
		}
	}
	st := &AuthStage{Stage: awscdk.NewStage(scope, id, &sp)}
	s, err := NewAuthStack(st.Stage, jsii.String(cfg.StackName()), &AuthStackProps{Config: cfg, Pipeline: props.Pipeline,
		StackProps: awscdk.StackProps{Env: sp.Env}})
	if err != nil {
		return nil, err // validated above: not reached
	}
	st.AuthStack = s
	awscdk.Aspects_Of(st.Stage).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
	return st, nil
}
