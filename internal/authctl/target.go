package authctl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/spf13/cobra"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/localdeploy"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
)

const localStateDefault = localdeploy.DefaultPath

// target is the environment authctl talks to.
type target struct {
	// Name keys the token cache: the stack and its region, or "local-STACK".
	Name    string
	Stack   string
	Region  string
	Outputs map[string]string
	AWS     aws.Config
	// HTTP reaches the API, the token endpoint and the key set (through the
	// emulator for a local deployment).
	HTTP *http.Client
	// Endpoint is the emulator's, for a local deployment.
	Endpoint string
}

// Target resolves the environment from the flags (or their AUTHCTL_
// variables), once.
func (a *app) Target(ctx context.Context) (*target, error) {
	if a.target != nil {
		return a.target, nil
	}
	if a.outputsEnv {
		if a.env != "" || a.outputsFile != "" || a.local != "" {
			return nil, usageErr("choose one of --env, --outputs-file, --local and --outputs-env")
		}
		t, err := a.envVarTarget(ctx)
		if err != nil {
			return nil, err
		}
		a.target = t
		return t, nil
	}
	env, file, local := a.env, a.outputsFile, a.local
	if env == "" && file == "" && local == "" {
		env, file, local = a.deps.Getenv("AUTHCTL_ENV"), a.deps.Getenv("AUTHCTL_OUTPUTS_FILE"), a.deps.Getenv("AUTHCTL_LOCAL")
	}
	set := 0
	for _, s := range []string{env, file, local} {
		if s != "" {
			set++
		}
	}
	if set > 1 {
		return nil, usageErr("choose one of --env, --outputs-file and --local")
	}
	if set == 0 {
		if _, err := os.Stat(localStateDefault); err != nil {
			return nil, &Error{Code: ExitUsage, Message: "No environment given, and no make local deployment here (" + localStateDefault + ").",
				Next: "add --env NAME (its CloudFormation stack), --outputs-file FILE (cdk deploy --outputs-file), or --local"}
		}
		local = localStateDefault
		a.note("using the make local deployment (%s)", local)
	}
	var (
		t   *target
		err error
	)
	switch {
	case local != "":
		t, err = a.localTarget(local)
	case file != "":
		t, err = a.fileTarget(ctx, file)
	default:
		t, err = a.envTarget(ctx, env)
	}
	if err != nil {
		return nil, err
	}
	if t.Outputs[contract.OutputUserPoolID] == "" {
		return nil, &Error{Code: ExitNotFound, Message: fmt.Sprintf("Stack %s has no %s output: it is not an authstack environment.", t.Stack, contract.OutputUserPoolID)}
	}
	a.target = t
	return t, nil
}

func (a *app) localTarget(path string) (*target, error) {
	st, err := localdeploy.ReadState(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, &Error{Code: ExitUsage, Message: "No make local deployment: " + path + " does not exist.", Next: "make local (then run authctl from the repository root, or give --local=FILE)", Err: err}
		}
		return nil, err
	}
	// Everything a local deployment is sent (passwords, tokens, a client
	// secret) goes to its endpoint: only to this machine.
	if u, err := url.Parse(st.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || !jwtverify.Loopback(u.Hostname()) {
		return nil, &Error{Code: ExitUsage, Message: fmt.Sprintf("%s names the endpoint %q, which is not on this machine (a loopback address); authctl sends nothing there.", path, st.Endpoint),
			Next: "make local writes this file; use --env or --outputs-file for a deployed environment"}
	}
	cfg := aws.Config{Region: st.Region, BaseEndpoint: aws.String(st.Endpoint),
		// The emulator accepts any credentials.
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	return &target{Name: "local-" + st.Stack, Stack: st.Stack, Region: st.Region, Outputs: st.Outputs, AWS: cfg, Endpoint: st.Endpoint,
		HTTP: httpClient(&localdeploy.Transport{Endpoint: st.Endpoint, Base: a.deps.HTTP})}, nil
}

// fileTarget reads the JSON `cdk deploy --outputs-file` writes: an object
// of stack names, each an object of output names and values.
func (a *app) fileTarget(ctx context.Context, path string) (*target, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{Code: ExitUsage, Message: "Cannot read the outputs file: " + err.Error(), Next: "cdk deploy STACK --outputs-file " + path + " (make deploy ENV=... writes outputs-ENV.json)", Err: err}
	}
	var stacks map[string]map[string]string
	if err := json.Unmarshal(b, &stacks); err != nil {
		return nil, &Error{Code: ExitUsage, Message: fmt.Sprintf("%s is not an outputs file of cdk deploy --outputs-file (an object of stacks, each an object of outputs): %v", path, err)}
	}
	var names []string
	for name, out := range stacks {
		if a.stack == name || a.stack == "" && out[contract.OutputUserPoolID] != "" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	switch {
	case len(names) == 0 && a.stack != "":
		return nil, &Error{Code: ExitNotFound, Message: fmt.Sprintf("%s has no stack %s.", path, a.stack)}
	case len(names) == 0:
		return nil, &Error{Code: ExitNotFound, Message: fmt.Sprintf("%s holds no stack with a %s output.", path, contract.OutputUserPoolID)}
	case len(names) > 1:
		return nil, usageErr("%s holds several authstack stacks (%s): choose one with --stack", path, strings.Join(names, ", "))
	}
	out := stacks[names[0]]
	region := a.region
	if region == "" {
		m := jwtverify.PoolID.FindStringSubmatch(out[contract.OutputUserPoolID])
		if m == nil {
			return nil, usageErr("cannot tell the region from %s %q: add --region", contract.OutputUserPoolID, out[contract.OutputUserPoolID])
		}
		region = m[1]
	}
	return a.awsTarget(ctx, names[0], region, out)
}

// envTarget reads the outputs of the environment's CloudFormation stack.
func (a *app) envTarget(ctx context.Context, name string) (*target, error) {
	env, err := a.environment(name)
	if err != nil {
		return nil, err
	}
	region := a.region
	if region == "" {
		region = env.Region
	}
	t, err := a.awsTarget(ctx, env.StackName(), region, nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.deps.Stacks(t.AWS).DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(t.Stack)})
	if err != nil {
		e := explain(err)
		e.Message = fmt.Sprintf("Reading stack %s in %s: %s", t.Stack, region, e.Message)
		return nil, e
	}
	if len(resp.Stacks) == 0 {
		return nil, &Error{Code: ExitNotFound, Message: fmt.Sprintf("Stack %s does not exist in %s.", t.Stack, region)}
	}
	t.Outputs = map[string]string{}
	for _, o := range resp.Stacks[0].Outputs {
		t.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return t, nil
}

func (a *app) environments() ([]config.Config, error) {
	if a.configFile == "" {
		a.configFile = a.deps.Getenv("AUTHCTL_CONFIG")
	}
	if a.configFile == "" {
		return config.Reference(), nil
	}
	envs, err := config.LoadFile(a.configFile)
	if err != nil {
		return nil, &Error{Code: ExitUsage, Message: err.Error(), Err: err}
	}
	return envs, nil
}

func (a *app) environment(name string) (config.Config, error) {
	envs, err := a.environments()
	if err != nil {
		return config.Config{}, err
	}
	var known []string
	for _, e := range envs {
		if e.Environment == name {
			return e, nil
		}
		known = append(known, e.Environment)
	}
	return config.Config{}, &Error{Code: ExitNotFound, Message: fmt.Sprintf("No environment %q in the config (it has %s).", name, strings.Join(known, ", ")),
		Next: "choose one of those, or give your environments file with --config"}
}

func (a *app) awsTarget(ctx context.Context, stack, region string, out map[string]string) (*target, error) {
	cfg, err := a.deps.LoadAWS(ctx, region, a.profile)
	if err != nil {
		return nil, &Error{Code: ExitAuth, Message: "Cannot load the AWS configuration: " + err.Error(), Next: "check --profile / AWS_PROFILE", Err: err}
	}
	return &target{Name: stack + "." + region, Stack: stack, Region: region, Outputs: out, AWS: cfg,
		HTTP: httpClient(a.deps.HTTP)}, nil
}

// output returns the stack output key, or an error naming it.
func (t *target) output(key string) (string, error) {
	if v := t.Outputs[key]; v != "" {
		return v, nil
	}
	return "", &Error{Code: ExitNotFound, Message: fmt.Sprintf("Stack %s has no %s output.", t.Stack, key),
		Next: "deploy the stack with this version of authstack (the output may be new), or check the environment"}
}

// clientID is the id of the app client named name (web, ios, ...).
func (t *target) clientID(name string) (string, error) {
	if id := t.Outputs[contract.OutputClientID(pascal(name))]; id != "" {
		return id, nil
	}
	return "", &Error{Code: ExitNotFound, Message: fmt.Sprintf("Stack %s has no app client %q (it has %s).", t.Stack, name, strings.Join(t.clientNames(), ", ")),
		Next: "choose one with --client NAME"}
}

// clientNames are the app clients with a ClientId output, lower case.
func (t *target) clientNames() []string {
	var names []string
	for k := range t.Outputs {
		if name, ok := strings.CutSuffix(k, "ClientId"); ok && name != "" && k != contract.OutputMachineClientID {
			names = append(names, strings.ToLower(name[:1])+name[1:])
		}
	}
	sort.Strings(names)
	return names
}

// keySet is where the pool's signing keys are (through the emulator for a
// local deployment: jwtverify.KeySetURL's rules).
func (t *target) keySet() (issuer, jwks string, err error) {
	if issuer, err = t.output(contract.OutputIssuerURL); err != nil {
		return "", "", err
	}
	getenv := func(k string) string {
		if k == jwtverify.EnvEndpoint {
			return t.Endpoint
		}
		return ""
	}
	jwks, err = jwtverify.KeySetURL(getenv, issuer)
	return issuer, jwks, err
}

func pascal(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (a *app) completeEnvironments(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	envs, err := a.environments()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var names []string
	for _, e := range envs {
		names = append(names, e.Environment)
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

func (a *app) completeClients(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	t, err := a.Target(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return t.clientNames(), cobra.ShellCompDirectiveNoFileComp
}

// httpClient sends authctl's requests: no redirects are followed, so a
// bearer token or a client secret reaches only the URL it was meant for
// (Go's client keeps Authorization on a redirect to the same host or a
// subdomain, http included).
func httpClient(rt http.RoundTripper) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// targetOf resolves the environment of cmd.
func (a *app) targetOf(cmd *cobra.Command) (context.Context, *target, error) {
	ctx := cmd.Context()
	t, err := a.Target(ctx)
	return ctx, t, err
}

// appClient resolves the environment and the app client of --client.
func (a *app) appClient(cmd *cobra.Command) (context.Context, *target, string, error) {
	ctx, t, err := a.targetOf(cmd)
	if err != nil {
		return ctx, nil, "", err
	}
	client, err := t.clientID(a.client)
	return ctx, t, client, err
}

// signedIn resolves the environment and the signed-in user's session,
// refreshed when it is about to expire.
func (a *app) signedIn(cmd *cobra.Command) (context.Context, *target, *session, error) {
	ctx, t, err := a.targetOf(cmd)
	if err != nil {
		return ctx, nil, nil, err
	}
	s, err := a.freshSession(ctx, t)
	return ctx, t, s, err
}

// OutputEnvPrefix prefixes the variables --outputs-env reads: a CDK
// pipeline step's envFromCfnOutputs names them AUTHSTACK_OUTPUT_UserPoolId,
// AUTHSTACK_OUTPUT_ApiUrl, ...
const OutputEnvPrefix = "AUTHSTACK_OUTPUT_"

// envVarTarget reads the outputs from the environment (--outputs-env).
func (a *app) envVarTarget(ctx context.Context) (*target, error) {
	out := map[string]string{}
	for _, k := range append(contract.Outputs(), contract.OutputClientID(pascal(a.client)), contract.OutputSignInURL(pascal(a.client))) {
		if v := a.deps.Getenv(OutputEnvPrefix + k); v != "" {
			out[k] = v
		}
	}
	pool := out[contract.OutputUserPoolID]
	if pool == "" {
		return nil, &Error{Code: ExitUsage, Message: "--outputs-env: " + OutputEnvPrefix + contract.OutputUserPoolID + " is not set.", Next: "pass the stage's outputs to the step (envFromCfnOutputs)"}
	}
	stack := or(a.deps.Getenv("AUTHSTACK_STACK_NAME"), "authstack")
	region := a.region
	if region == "" {
		m := jwtverify.PoolID.FindStringSubmatch(pool)
		if m == nil {
			return nil, usageErr("cannot tell the region from %s %q: add --region", contract.OutputUserPoolID, pool)
		}
		region = m[1]
	}
	return a.awsTarget(ctx, stack, region, out)
}
