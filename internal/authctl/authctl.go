// Package authctl is the authstack command-line tool (cmd/authctl): every
// auth flow of a deployed authstack environment from one command. It finds
// the stack by itself (an outputs file of `cdk deploy --outputs-file`, the
// CloudFormation stack of a configured environment, or the `make local`
// deployment), signs in with SRP, caches tokens per environment in the
// user's config directory (0600), and maps Cognito's exceptions to
// sentences with the next step to take.
//
// Main is the whole program; cmd/authctl only calls it. Tests call Main
// with Deps whose AWS clients and HTTP transport are fakes.
package authctl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/restore"
)

// Exit codes scripts can rely on (also in the README and `authctl --help`).
const (
	ExitOK        = 0 // done
	ExitError     = 1 // anything not below: a network failure, an unexpected answer
	ExitUsage     = 2 // a wrong command line, or no environment to talk to
	ExitAuth      = 3 // not signed in, a wrong password, a revoked session, no AWS credentials or permission
	ExitNotFound  = 4 // no such user, group, app client, stack or output
	ExitConflict  = 5 // already exists: a username, an alias
	ExitInvalid   = 6 // Cognito refused the input: a wrong or expired code, a weak password, a trigger's refusal
	ExitThrottled = 7 // Cognito's quota was reached; retry later
	ExitCancelled = 8 // a destructive action was not confirmed
	ExitFailed    = 9 // the API answered with an error status (call), or a smoke step failed
	// ExitInterrupted is the shell's code for SIGINT (128+2): Ctrl-C; what
	// was done before it stays done.
	ExitInterrupted = 130
)

const exitCodesHelp = `Exit codes:
  0  done
  1  anything not below (a network failure, an unexpected answer)
  2  a wrong command line, or no environment to talk to
  3  not signed in, a wrong password, a revoked session, no AWS credentials or permission
  4  no such user, group, app client, stack or output
  5  already exists (a username, an alias)
  6  Cognito refused the input (a wrong or expired code, a weak password, a trigger's refusal)
  7  Cognito's quota was reached; retry later
  8  a destructive action was not confirmed
  9  the API answered with an error status (call), or a smoke step failed
130  interrupted (Ctrl-C); what was done before stays done`

// Cognito is what authctl calls of the Cognito user pools API
// (cognitoidentityprovider.Client).
type Cognito interface {
	backup.Cognito
	restore.Cognito
	SignUp(context.Context, *cip.SignUpInput, ...func(*cip.Options)) (*cip.SignUpOutput, error)
	ConfirmSignUp(context.Context, *cip.ConfirmSignUpInput, ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error)
	AdminConfirmSignUp(context.Context, *cip.AdminConfirmSignUpInput, ...func(*cip.Options)) (*cip.AdminConfirmSignUpOutput, error)
	ResendConfirmationCode(context.Context, *cip.ResendConfirmationCodeInput, ...func(*cip.Options)) (*cip.ResendConfirmationCodeOutput, error)
	InitiateAuth(context.Context, *cip.InitiateAuthInput, ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	RespondToAuthChallenge(context.Context, *cip.RespondToAuthChallengeInput, ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error)
	ForgotPassword(context.Context, *cip.ForgotPasswordInput, ...func(*cip.Options)) (*cip.ForgotPasswordOutput, error)
	ConfirmForgotPassword(context.Context, *cip.ConfirmForgotPasswordInput, ...func(*cip.Options)) (*cip.ConfirmForgotPasswordOutput, error)
	ChangePassword(context.Context, *cip.ChangePasswordInput, ...func(*cip.Options)) (*cip.ChangePasswordOutput, error)
	AssociateSoftwareToken(context.Context, *cip.AssociateSoftwareTokenInput, ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error)
	VerifySoftwareToken(context.Context, *cip.VerifySoftwareTokenInput, ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error)
	SetUserMFAPreference(context.Context, *cip.SetUserMFAPreferenceInput, ...func(*cip.Options)) (*cip.SetUserMFAPreferenceOutput, error)
	DeleteUser(context.Context, *cip.DeleteUserInput, ...func(*cip.Options)) (*cip.DeleteUserOutput, error)
	AdminDeleteUser(context.Context, *cip.AdminDeleteUserInput, ...func(*cip.Options)) (*cip.AdminDeleteUserOutput, error)
	AdminEnableUser(context.Context, *cip.AdminEnableUserInput, ...func(*cip.Options)) (*cip.AdminEnableUserOutput, error)
	RevokeToken(context.Context, *cip.RevokeTokenInput, ...func(*cip.Options)) (*cip.RevokeTokenOutput, error)
	AdminRemoveUserFromGroup(context.Context, *cip.AdminRemoveUserFromGroupInput, ...func(*cip.Options)) (*cip.AdminRemoveUserFromGroupOutput, error)
}

// Identity is what authctl calls of the Cognito identity pools API.
type Identity interface {
	GetId(context.Context, *cognitoidentity.GetIdInput, ...func(*cognitoidentity.Options)) (*cognitoidentity.GetIdOutput, error)
	GetCredentialsForIdentity(context.Context, *cognitoidentity.GetCredentialsForIdentityInput, ...func(*cognitoidentity.Options)) (*cognitoidentity.GetCredentialsForIdentityOutput, error)
}

// StepFunctions is what authctl calls of Step Functions (backup --remote).
type StepFunctions interface {
	StartExecution(context.Context, *sfn.StartExecutionInput, ...func(*sfn.Options)) (*sfn.StartExecutionOutput, error)
	DescribeExecution(context.Context, *sfn.DescribeExecutionInput, ...func(*sfn.Options)) (*sfn.DescribeExecutionOutput, error)
}

// Stacks is what authctl calls of CloudFormation.
type Stacks interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
}

// Deps are what Main talks to; DefaultDeps gives the real ones.
type Deps struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads the environment (AUTHCTL_*, AWS_*).
	Getenv func(string) string
	// Terminal reports whether Stdin is a terminal: prompts then hide
	// secrets (ReadSecret) and progress bars are drawn on Stderr.
	Terminal bool
	// ReadSecret reads a line from the terminal without echo.
	ReadSecret func() (string, error)
	// ConfigDir is the user's config directory (os.UserConfigDir).
	ConfigDir func() (string, error)
	// LoadAWS loads the AWS configuration for region (and a named profile).
	LoadAWS func(ctx context.Context, region, profile string) (aws.Config, error)
	// Clients of the AWS APIs.
	Cognito  func(aws.Config) Cognito
	Identity func(aws.Config) Identity
	Stacks   func(aws.Config) Stacks
	S3       func(aws.Config) backup.S3API
	Sfn      func(aws.Config) StepFunctions
	// HTTP sends the API, token-endpoint and key-set requests.
	HTTP http.RoundTripper
	// Now is the clock.
	Now func() time.Time
}

// DefaultDeps returns the process's terminal, environment and AWS clients.
func DefaultDeps() Deps {
	fd := int(os.Stdin.Fd())
	return Deps{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv:   os.Getenv,
		Terminal: term.IsTerminal(fd),
		ReadSecret: func() (string, error) {
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(os.Stderr)
			return string(b), err
		},
		ConfigDir: os.UserConfigDir,
		LoadAWS: func(ctx context.Context, region, profile string) (aws.Config, error) {
			opts := []func(*awsconfig.LoadOptions) error{awsconfig.WithRegion(region)}
			if profile != "" {
				opts = append(opts, awsconfig.WithSharedConfigProfile(profile))
			}
			return awsconfig.LoadDefaultConfig(ctx, opts...)
		},
		Cognito:  func(c aws.Config) Cognito { return cip.NewFromConfig(c) },
		Identity: func(c aws.Config) Identity { return cognitoidentity.NewFromConfig(c) },
		Stacks:   func(c aws.Config) Stacks { return cloudformation.NewFromConfig(c) },
		S3: func(c aws.Config) backup.S3API {
			// Path-style addressing works with every endpoint (an emulator's too).
			return s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = c.BaseEndpoint != nil })
		},
		Sfn:  func(c aws.Config) StepFunctions { return sfn.NewFromConfig(c) },
		HTTP: http.DefaultTransport,
		Now:  time.Now,
	}
}

// Main runs authctl with args (without the program name) and returns the
// process's exit code.
func Main(ctx context.Context, args []string, d Deps) int {
	a := &app{deps: d}
	root := a.root()
	root.SetArgs(args)
	root.SetIn(d.Stdin)
	root.SetOut(d.Stdout)
	root.SetErr(d.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	e := explain(err)
	if a.output == "json" {
		// Scripts reading JSON get the error as JSON too (on stderr).
		b, _ := json.Marshal(map[string]interface{}{"error": e.Message, "next": e.Next, "exitCode": e.Code})
		fmt.Fprintln(d.Stderr, string(b))
		return e.Code
	}
	fmt.Fprintln(d.Stderr, "authctl: "+e.Message)
	if e.Next != "" {
		fmt.Fprintln(d.Stderr, "  next: "+e.Next)
	}
	return e.Code
}

// app is one run of authctl: the flags and what they resolved to.
type app struct {
	deps Deps

	// Global flags.
	env, configFile, outputsFile, stack, local, region, profile, client, output string
	yes, outputsEnv                                                             bool

	showSecret bool // mfa setup and login --show-secret

	target  *target   // resolved by Target on first use
	prompts *prompter // reads Stdin
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "authctl",
		Short: "Every auth flow of an authstack environment from one command",
		Long: `authctl signs users up and in (SRP: the password never leaves this machine),
answers Cognito's challenges, calls the API with cached tokens, administers
users and groups, backs up and restores the user pool, and gets machine and
AWS credentials, for one authstack environment, which it finds by itself:

  --local                    the make local deployment (.local/local.json)
  --outputs-file FILE        a cdk deploy --outputs-file JSON (--stack NAME if it holds several)
  --env NAME                 the environment's CloudFormation stack (config: --config FILE, else
                             the reference environments), read with your AWS credentials
  --outputs-env              AUTHSTACK_OUTPUT_<Name> variables (a CDK pipeline step's envFromCfnOutputs;
                             AUTHSTACK_STACK_NAME names the stack)

Without one of them: AUTHCTL_LOCAL (a state file's path), AUTHCTL_OUTPUTS_FILE
or AUTHCTL_ENV, else .local/local.json when it exists.

Tokens are cached per environment in the user's config directory
(authstack/authctl/, readable by you only) and refreshed when they expire.
Passwords are prompted for (without echo on a terminal) or read as one line
from standard input; AUTHCTL_PASSWORD and AUTHCTL_NEW_PASSWORD serve scripts.

` + exitCodesHelp,
		Example: `  make local && authctl --local signup jane@example.com
  authctl --local confirm jane@example.com --admin
  authctl --local login jane@example.com
  authctl --local call GET /user
  authctl --local logout
  authctl --env test smoke`,
		Version:       version(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			switch a.output {
			case "text", "json":
			default:
				return usageErr("--output %q: choose text or json", a.output)
			}
			a.prompts = newPrompter(a.deps)
			return nil
		},
	}
	f := root.PersistentFlags()
	f.StringVar(&a.env, "env", "", "environment name whose CloudFormation stack to read (e.g. test)")
	f.StringVar(&a.configFile, "config", "", "environments file for --env (default: the reference environments)")
	f.StringVar(&a.outputsFile, "outputs-file", "", "outputs JSON of cdk deploy --outputs-file")
	f.StringVar(&a.stack, "stack", "", "stack of the outputs file to use, when it holds several")
	f.BoolVar(&a.outputsEnv, "outputs-env", false, "read the outputs from AUTHSTACK_OUTPUT_<Name> variables (a pipeline step's envFromCfnOutputs)")
	f.StringVar(&a.local, "local", "", "use the make local deployment (state file; default "+localStateDefault+")")
	f.Lookup("local").NoOptDefVal = localStateDefault
	f.StringVar(&a.region, "region", "", "AWS region (default: the environment's)")
	f.StringVar(&a.profile, "profile", "", "AWS shared-config profile (default: AWS_PROFILE or the default chain)")
	f.StringVar(&a.client, "client", "web", "app client to sign in with, by its name in the stack (web, ios, android, ...)")
	f.StringVarP(&a.output, "output", "o", "text", "output format: text or json")
	f.BoolVarP(&a.yes, "yes", "y", false, "do not ask before a destructive action (for scripts)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("env", a.completeEnvironments)
	_ = root.RegisterFlagCompletionFunc("client", a.completeClients)

	root.AddCommand(a.userCommands()...)
	root.AddCommand(a.mfaCommand(), a.usersCommand(), a.groupsCommand(), a.backupCommand(), a.restoreCommand(),
		a.tokenCommand(), a.identityCommand(), a.callCommand(), a.urlsCommand(), a.smokeCommand())
	return root
}

// print writes v as JSON (--output json) or as text.
func (a *app) print(v interface{}, text func(w io.Writer)) error {
	if a.output == "json" {
		enc := json.NewEncoder(a.deps.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	text(a.deps.Stdout)
	return nil
}

// note writes a line for the person at the terminal (stderr, text only).
func (a *app) note(format string, args ...interface{}) {
	if a.output == "text" {
		fmt.Fprintf(a.deps.Stderr, format+"\n", args...)
	}
}

// confirm asks before a destructive action; --yes answers for scripts.
func (a *app) confirm(question string) error {
	if a.yes {
		return nil
	}
	if !a.deps.Terminal {
		return &Error{Code: ExitCancelled, Message: question + " Not confirmed: standard input is not a terminal.", Next: "add --yes to confirm in a script"}
	}
	answer, err := a.prompts.line(question + " [y/N] ")
	if err != nil {
		return err
	}
	if answer != "y" && answer != "yes" {
		return &Error{Code: ExitCancelled, Message: "Cancelled; nothing was changed."}
	}
	return nil
}

func (a *app) now() time.Time {
	if a.deps.Now != nil {
		return a.deps.Now()
	}
	return time.Now()
}

var errNoSession = errors.New("no session")

// version is the module version authctl was built from (go install
// ...@VERSION), or "devel".
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
