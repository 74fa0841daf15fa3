package authctl

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"
)

// Error is a failure explained: a sentence, the next step, the exit code.
type Error struct {
	Code    int
	Message string
	Next    string
	Err     error // the cause, when there is one
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

func usageErr(format string, args ...interface{}) error {
	return &Error{Code: ExitUsage, Message: fmt.Sprintf(format, args...), Next: "authctl --help"}
}

// cognitoErrors maps Cognito's exception names to a sentence, the next step
// and an exit code. Cognito's own message follows the sentence when it adds
// something. Names: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/CommonErrors.html
// and each operation's Errors section (e.g. InitiateAuth, SignUp).
var cognitoErrors = map[string]Error{
	"NotAuthorizedException":                {ExitAuth, "Cognito refused: the username or password is wrong.", "check the password (forgot-password resets it), or sign in again: authctl login", nil},
	"UserNotConfirmedException":             {ExitAuth, "This user has not confirmed the sign-up yet.", "authctl confirm USERNAME CODE (authctl resend-code USERNAME sends a new code)", nil},
	"PasswordResetRequiredException":        {ExitAuth, "An administrator requires a new password for this user.", "authctl forgot-password USERNAME, then authctl reset-password USERNAME", nil},
	"UserNotFoundException":                 {ExitNotFound, "There is no such user in this pool.", "check the username (authctl users list), or sign up: authctl signup", nil},
	"ResourceNotFoundException":             {ExitNotFound, "Cognito does not know this pool, app client, group or identity pool.", "check the environment (--env, --local, --outputs-file) and that the stack is deployed", nil},
	"UsernameExistsException":               {ExitConflict, "A user with this username already exists.", "sign in (authctl login); if it is not confirmed yet: authctl confirm USERNAME CODE, or authctl resend-code USERNAME", nil},
	"AliasExistsException":                  {ExitConflict, "Another user already has this email address or phone number.", "sign in as that user, or use another address", nil},
	"GroupExistsException":                  {ExitConflict, "The group already exists.", "", nil},
	"CodeMismatchException":                 {ExitInvalid, "The code is wrong.", "enter the latest code: an authenticator's current one, or that of the latest message (authctl resend-code or forgot-password sends a new one)", nil},
	"ExpiredCodeException":                  {ExitInvalid, "The code has expired (or was already used).", "ask for a new one: authctl resend-code USERNAME, or authctl forgot-password USERNAME", nil},
	"InvalidPasswordException":              {ExitInvalid, "The password does not meet the pool's password policy.", "choose a longer password with the character classes the policy asks for", nil},
	"UserLambdaValidationException":         {ExitInvalid, "A trigger of the user pool refused the request.", "read the trigger's reason above and change the input", nil},
	"InvalidParameterException":             {ExitInvalid, "Cognito refused a parameter.", "", nil},
	"CodeDeliveryFailureException":          {ExitError, "Cognito could not deliver the code (email or SMS).", "check the address, or the pool's email/SMS configuration", nil},
	"EnableSoftwareTokenMFAException":       {ExitInvalid, "The authenticator code is wrong.", "enter the current 6-digit code of the authenticator app (check the device's clock)", nil},
	"SoftwareTokenMFANotFoundException":     {ExitInvalid, "No authenticator app is set up for this user.", "authctl mfa setup", nil},
	"InvalidUserPoolConfigurationException": {ExitInvalid, "The user pool is not configured for this (MFA, or the way it sends messages).", "check the environment's mfa and email settings", nil},
	"MFAMethodNotFoundException":            {ExitInvalid, "The user has no MFA method the pool accepts.", "authctl mfa setup", nil},
	"UnsupportedOperationException":         {ExitInvalid, "The user pool does not support this operation (feature plan or settings).", "", nil},
	"TooManyRequestsException":              {ExitThrottled, "Cognito is throttling requests (its per-account quota).", "wait a little and run the command again", nil},
	"LimitExceededException":                {ExitThrottled, "A Cognito limit was reached (e.g. too many codes sent or attempts made).", "wait before trying again", nil},
	"TooManyFailedAttemptsException":        {ExitThrottled, "Too many failed attempts for this user.", "wait before trying again", nil},
	"AccessDeniedException":                 {ExitAuth, "Your AWS credentials are not allowed to do this.", "use an administrator's credentials (--profile, AWS_PROFILE) for admin commands", nil},
	"UnrecognizedClientException":           {ExitAuth, "AWS does not recognise your credentials.", "check --profile / AWS_PROFILE, or run aws sso login", nil},
	"ExpiredTokenException":                 {ExitAuth, "Your AWS session has expired.", "renew it (aws sso login, or new credentials) and run the command again", nil},
	"ValidationError":                       {ExitNotFound, "CloudFormation refused: the stack does not exist in this account and region.", "deploy it (cdk deploy STACK), or check --env, --region and --profile", nil},
}

// explain turns any error into an Error.
func explain(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Code: ExitInterrupted, Message: "Interrupted; what was done before stays done.", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Code: ExitError, Message: "Timed out: " + err.Error(), Err: err}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		if known, ok := cognitoErrors[api.ErrorCode()]; ok {
			out := known
			out.Err = err
			if detail := cognitoDetail(api.ErrorMessage()); detail != "" && !strings.Contains(out.Message, detail) {
				out.Message += " (" + api.ErrorCode() + ": " + detail + ")"
			}
			if api.ErrorCode() == "NotAuthorizedException" {
				notAuthorized(&out, api.ErrorMessage())
			}
			if api.ErrorCode() == "InvalidParameterException" && strings.Contains(api.ErrorMessage(), "flow not enabled") {
				out.Next = "this app client does not allow the flow: sign in with SRP (the default, without --password-auth), or enable the flow on the client"
			}
			return &out
		}
		return &Error{Code: ExitError, Message: fmt.Sprintf("AWS refused: %s: %s", api.ErrorCode(), api.ErrorMessage()), Err: err}
	}
	if strings.Contains(err.Error(), "failed to retrieve credentials") || strings.Contains(err.Error(), "no EC2 IMDS role found") {
		return &Error{Code: ExitAuth, Message: "No AWS credentials were found.", Next: "set --profile or AWS_PROFILE, or sign in to AWS (aws sso login); admin commands and --env need them, user commands with --outputs-file or --local do not", Err: err}
	}
	if strings.HasPrefix(err.Error(), "unknown command") || strings.HasPrefix(err.Error(), "unknown flag") ||
		strings.HasPrefix(err.Error(), "unknown shorthand flag") || strings.Contains(err.Error(), "arg(s)") ||
		strings.HasPrefix(err.Error(), "invalid argument") || strings.HasPrefix(err.Error(), "flag needs an argument") ||
		strings.HasPrefix(err.Error(), "required flag") {
		next := "authctl COMMAND --help"
		if strings.HasPrefix(err.Error(), "unknown command") && strings.Contains(err.Error(), ".json") {
			next = "--local takes its file with '=': --local=FILE"
		}
		return &Error{Code: ExitUsage, Message: err.Error(), Next: next, Err: err}
	}
	return &Error{Code: ExitError, Message: err.Error(), Err: err}
}

// cognitoDetail is Cognito's message without the trigger boilerplate
// ("PreSignUp failed with error X." becomes "X").
func cognitoDetail(msg string) string {
	msg = strings.TrimSpace(msg)
	if _, after, ok := strings.Cut(msg, " failed with error "); ok {
		return strings.TrimSuffix(strings.TrimSpace(after), ".")
	}
	return msg
}

// notAuthorized words Cognito's NotAuthorizedException by its message: the
// same exception means a wrong password, a disabled user, a confirmed user
// confirmed again, a revoked token or a refused identity-pool login.
func notAuthorized(e *Error, msg string) {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "incorrect username or password"):
		// The default sentence.
	case strings.Contains(m, "user is disabled"):
		e.Message, e.Next = "This user is disabled.", "an administrator can enable it: authctl users enable USERNAME"
	case strings.Contains(m, "current status is confirmed"):
		e.Message, e.Next = "This user is confirmed already.", "sign in: authctl login"
	case strings.Contains(m, "token"):
		e.Message, e.Next = "Cognito refused the token ("+msg+"): it was revoked, has expired, or belongs elsewhere.", "sign in again: authctl login"
	default:
		e.Message, e.Next = "Cognito refused: "+msg, ""
	}
}
