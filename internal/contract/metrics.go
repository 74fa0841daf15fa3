package contract

// CloudWatch metrics the functions emit (Embedded Metric Format, written by
// internal/runtime/telemetry) and the dashboard and alarms read
// (constructs/dashboard).

// Namespace is the CloudWatch namespace of every authstack metric.
const Namespace = "authstack"

// Dimensions.
const (
	// DimStack is the stack ("<appName>-<environment>") a metric comes from.
	DimStack = "Stack"
	// DimReason is the pre-sign-up rejection reason.
	DimReason = "Reason"
)

// Metric names.
const (
	SignUps          = "SignUps"          // accepted by pre sign-up
	SignUpRejections = "SignUpRejections" // rejected by pre sign-up, by DimReason
	Confirmations    = "Confirmations"    // sign-up confirmed (post confirmation)
	PasswordResets   = "PasswordResets"   // forgot-password confirmed (post confirmation)
	SignInAttempts   = "SignInAttempts"   // pre authentication
	// UnknownUserSignInAttempts are pre authentication calls for users who
	// do not exist (no user event; a rise suggests credential stuffing).
	UnknownUserSignInAttempts = "UnknownUserSignInAttempts"
	SignIns                   = "SignIns"              // post authentication
	PublishFailures           = "EventPublishFailures" // user events not published after retries
	TokensCustomized          = "TokensCustomized"     // pre token generation
	MessagesCustomized        = "MessagesCustomized"   // custom message
	UsersMigrated             = "UsersMigrated"        // user migration succeeded
	MigrationFailures         = "MigrationFailures"    // legacy endpoint unreachable or erroring
	AuthorizerAllowed         = "AuthorizerAllowed"    // tokens the authorizer accepted
	AuthorizerDenied          = "AuthorizerDenied"     // tokens refused (401), by DimReason
	AuthorizerFailures        = "AuthorizerFailures"   // JWKS or deny-list unreachable (fail closed), by DimReason
	SignOuts                  = "SignOuts"             // logouts recorded
	// HookFailures are calls of a user's hook that gave no answer (failed
	// to invoke, timed out, crashed): Cognito's request failed with them.
	HookFailures = "HookFailures"
	// BackupsCompleted counts complete user-pool backups (manifest written);
	// BackupUsers is the number of users the last one holds.
	BackupsCompleted = "BackupsCompleted"
	BackupUsers      = "BackupUsers"
	// LogoutsIncomplete are logouts Cognito refused to complete: the API
	// refuses the tokens, but the user's Cognito sessions live on.
	LogoutsIncomplete = "LogoutsIncomplete"
)

// Rejection reasons (DimReason values).
const (
	ReasonMissingEmail    = "MissingEmail"
	ReasonMalformedEmail  = "MalformedEmail"
	ReasonDisposableEmail = "DisposableEmail"
	ReasonHook            = "Hook" // the user's hook refused the sign-up
)
