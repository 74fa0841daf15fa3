// Command cdkapp is authstack's CDK app (cdk.json "app"): it synthesizes one
// AuthStack per environment, checked by cdk-nag's AwsSolutions rules, and
// refuses a change that would replace a user pool (package guard, against
// userpool.lock.json).
//
//	cdk synth                          # every reference environment
//	cdk synth -c env=production        # one environment
//	cdk synth -c config=envs.yaml      # your own environments file
//	cdk synth -c authstack:updateUserPoolLock=true              # record the pools (make update-lock)
//	cdk synth -c authstack:allowUserPoolReplacement=STACK[,...] # a deliberate migration
//	cdk synth -c pipeline=release      # the deployment pipeline (package pipeline) instead of the environments
//	cdk synth -c pipeline=release -c pipelines=my-pipelines.yaml -c config=envs.yaml
//	cdk deploy -c env=production -c authstack:pipelineRoles=release  # a stack deployed by hand, ready for the pipeline
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/guard"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/pipeline"
	"github.com/authstack/authstack/stacks"
)

// Context keys of the user-pool guard.
const (
	ContextUserPoolLock     = "authstack:userPoolLock"             // lock file; default userpool.lock.json
	ContextUpdateLock       = "authstack:updateUserPoolLock"       // "true": write the lock instead of checking it
	ContextAllowReplacement = "authstack:allowUserPoolReplacement" // comma-separated stack names
)

func main() {
	app := awscdk.NewApp(nil)
	if err := run(app); err != nil {
		fmt.Fprintln(os.Stderr, "authstack:", err)
		os.Exit(1)
	}
	if err := guardPools(app, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "authstack:", err)
		os.Exit(1)
	}
}

// run adds the stacks of the environments selected by app's context, or
// the pipeline named by -c pipeline=NAME (its stages hold the environments).
func run(app awscdk.App) error {
	if name, ok := cdkutil.ContextString(app, pipeline.ContextPipeline); ok {
		return runPipeline(app, name)
	}
	envs, err := stacks.Environments(app)
	if err != nil {
		return err
	}
	if name, ok := cdkutil.ContextString(app, pipeline.ContextPipelineRoles); ok {
		// Stacks deployed without their pipeline get its steps' roles, so
		// the pipeline can take over (its backup step needs the role).
		p, err := selectPipeline(app, name, envs)
		if err != nil {
			return err
		}
		for _, c := range envs {
			if _, err := stacks.NewAuthStack(app, jsii.String(c.StackName()), &stacks.AuthStackProps{Config: c, Pipeline: pipeline.Trust(p, c.Environment)}); err != nil {
				return err
			}
		}
		stacks.CheckAwsSolutions(app)
		return nil
	}
	if _, err := stacks.AddAuthStacks(app, envs); err != nil {
		return err
	}
	stacks.CheckAwsSolutions(app)
	return nil
}

// guardPools synthesizes app and checks (or, asked to, updates) the lock
// of its user pools.
func guardPools(app awscdk.App, log io.Writer) error {
	templates, err := guard.FromAssembly(app.Synth(nil))
	if err != nil {
		return err
	}
	path := "userpool.lock.json"
	p, named := cdkutil.ContextString(app, ContextUserPoolLock)
	if named {
		path = p
	}
	update, _ := cdkutil.ContextString(app, ContextUpdateLock)
	if _, err := os.Stat(path); named && update != "true" && err != nil {
		// A mistyped path must not turn the guard off.
		return fmt.Errorf("the user-pool lock %s (-c %s) cannot be read: %w", path, ContextUserPoolLock, err)
	}
	lock, err := guard.Read(path)
	if err != nil {
		return err
	}
	if update == "true" {
		if err := guard.Update(lock, templates); err != nil {
			return err
		}
		fmt.Fprintf(log, "authstack: wrote the user pools of %d stacks to %s\n", len(templates), path)
		return guard.Write(path, lock)
	}
	unlocked, err := guard.Unlocked(templates, lock)
	if err != nil {
		return err
	}
	for _, u := range unlocked {
		fmt.Fprintf(log, "authstack: warning: %s is not in %s, so a change that would replace it is not caught; record it with make update-lock once deployed\n", u, path)
	}
	var allow []string
	if v, ok := cdkutil.ContextString(app, ContextAllowReplacement); ok {
		allow = strings.Split(v, ",")
		fmt.Fprintf(log, "authstack: user pool replacement allowed in %s: their users must be restored from a backup\n", v)
	}
	return guard.Check(templates, lock, allow)
}

// runPipeline adds the pipeline stack called name; the environments come
// from -c config=FILE (or the reference), the pipelines from
// -c pipelines=FILE (or the reference).
func runPipeline(app awscdk.App, name string) error {
	if _, ok := cdkutil.ContextString(app, stacks.ContextEnv); ok {
		return fmt.Errorf("-c %s and -c %s: a pipeline deploys its own environments; choose one", pipeline.ContextPipeline, stacks.ContextEnv)
	}
	envs, err := stacks.Environments(app)
	if err != nil {
		return err
	}
	configFile, _ := cdkutil.ContextString(app, stacks.ContextConfig)
	pipelinesFile, _ := cdkutil.ContextString(app, pipeline.ContextPipelines)
	p, err := selectPipeline(app, name, envs)
	if err != nil {
		return err
	}
	_, err = pipeline.NewPipelineStack(app, jsii.String(p.StackName()), &pipeline.PipelineStackProps{Pipeline: p, Environments: envs,
		ConfigFile: configFile, PipelinesFile: pipelinesFile})
	if err != nil {
		return err
	}
	stacks.CheckAwsSolutions(app) // the pipeline stack; each stage checks its own stacks
	return nil
}

// selectPipeline is the pipeline called name, from -c pipelines=FILE or
// the reference.
func selectPipeline(app awscdk.App, name string, envs []config.Config) (config.Pipeline, error) {
	ps := []config.Pipeline(nil)
	if path, ok := cdkutil.ContextString(app, pipeline.ContextPipelines); ok {
		var err error
		if ps, err = config.LoadPipelines(path, envs); err != nil {
			return config.Pipeline{}, err
		}
	} else {
		ps = config.ReferencePipelines()
	}
	return config.SelectPipeline(ps, name)
}
