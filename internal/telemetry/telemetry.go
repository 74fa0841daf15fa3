// Package telemetry is the logging and metrics plumbing shared by authstack's
// Lambda functions: JSON logs through log/slog at the level Lambda's advanced
// logging controls pass in AWS_LAMBDA_LOG_LEVEL, and CloudWatch metrics in
// Embedded Metric Format (EMF) written as log lines.
//
// Metric names and dimensions are constants here because the dashboard and
// alarms (constructs/dashboard) must name exactly what the functions emit.
// This package never imports the CDK.
package telemetry

import (
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/prozz/aws-embedded-metrics-golang/emf"
)

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
	SignUps            = "SignUps"              // accepted by pre sign-up
	SignUpRejections   = "SignUpRejections"     // rejected by pre sign-up, by DimReason
	Confirmations      = "Confirmations"        // sign-up confirmed (post confirmation)
	PasswordResets     = "PasswordResets"       // forgot-password confirmed (post confirmation)
	SignInAttempts     = "SignInAttempts"       // pre authentication
	SignIns            = "SignIns"              // post authentication
	PublishFailures    = "EventPublishFailures" // user events not published after retries
	TokensCustomized   = "TokensCustomized"     // pre token generation
	MessagesCustomized = "MessagesCustomized"   // custom message
	UsersMigrated      = "UsersMigrated"        // user migration succeeded
	MigrationFailures  = "MigrationFailures"    // legacy endpoint unreachable or erroring
	AuthorizerAllowed  = "AuthorizerAllowed"    // tokens the authorizer accepted
	AuthorizerDenied   = "AuthorizerDenied"     // tokens refused (401), by DimReason
	AuthorizerFailures = "AuthorizerFailures"   // JWKS or deny-list unreachable (fail closed), by DimReason
	SignOuts           = "SignOuts"             // logouts recorded
)

// Rejection reasons (DimReason values).
const (
	ReasonMissingEmail    = "MissingEmail"
	ReasonMalformedEmail  = "MalformedEmail"
	ReasonDisposableEmail = "DisposableEmail"
)

// EnvStack names the environment variable holding the stack name; the
// constructs set it on every function.
const EnvStack = "AUTHSTACK_STACK"

// NewLogger returns a JSON logger writing to w at the level in
// AWS_LAMBDA_LOG_LEVEL (TRACE and DEBUG map to debug; default INFO).
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: levelFrom(os.Getenv("AWS_LAMBDA_LOG_LEVEL"))}))
}

func levelFrom(s string) slog.Level {
	switch strings.ToUpper(s) {
	case "TRACE", "DEBUG":
		return slog.LevelDebug
	case "WARN":
		return slog.LevelWarn
	case "ERROR", "FATAL":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Metrics writes EMF records. The zero value writes to os.Stdout with the
// stack name from AUTHSTACK_STACK.
type Metrics struct {
	// W receives one JSON line per record. Default: os.Stdout.
	W io.Writer
	// Stack is the DimStack value. Default: $AUTHSTACK_STACK.
	Stack string
}

// Count records value of metric name, with the stack dimension and the
// extra dimension pairs given (key, value, key, value...).
func (m *Metrics) Count(name string, value int, dims ...string) {
	w := m.W
	if w == nil {
		w = os.Stdout
	}
	stack := m.Stack
	if stack == "" {
		stack = os.Getenv(EnvStack)
	}
	set := []emf.Dimension{emf.NewDimension(DimStack, stack)}
	for i := 0; i+1 < len(dims); i += 2 {
		set = append(set, emf.NewDimension(dims[i], dims[i+1]))
	}
	emf.New(emf.WithWriter(w), emf.WithoutDimensions()).
		Namespace(Namespace).
		DimensionSet(set...).
		MetricAs(name, value, emf.Count).
		Log()
}
