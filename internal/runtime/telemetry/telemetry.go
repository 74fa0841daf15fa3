// Package telemetry is the logging and metrics plumbing shared by authstack's
// Lambda functions: JSON logs through log/slog at the level Lambda's advanced
// logging controls pass in AWS_LAMBDA_LOG_LEVEL, and CloudWatch metrics in
// Embedded Metric Format (EMF) written as log lines.
//
// Metric names and dimensions live in internal/contract, which the
// dashboard and alarms (constructs/dashboard) read too, so both name exactly
// what the functions emit. This package never imports the CDK.
package telemetry

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/prozz/aws-embedded-metrics-golang/emf"

	"github.com/authstack/authstack/internal/contract"
)

// Keys Lambda reads from a JSON log line to filter it by level. A line
// whose "level" is missing or invalid, or whose "timestamp" is not RFC 3339,
// is treated as INFO, and so dropped when the function's application log
// level is WARN, ERROR or FATAL.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
const (
	KeyLevel     = "level"
	KeyTimestamp = "timestamp"
)

// NewLogger returns a JSON logger writing to w at the level in
// AWS_LAMBDA_LOG_LEVEL (TRACE and DEBUG map to debug; default INFO), with
// the level and an RFC 3339 timestamp under the keys Lambda reads.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: levelFrom(os.Getenv("AWS_LAMBDA_LOG_LEVEL")),
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.String(KeyTimestamp, a.Value.Time().UTC().Format(time.RFC3339Nano))
			}
			return a // slog.LevelKey is already "level", its values DEBUG, INFO, WARN, ERROR
		},
	}))
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
//
// Each record carries Lambda's "level" and "timestamp" keys, with the level
// set to the function's application log level itself (AWS_LAMBDA_LOG_LEVEL,
// INFO without one), so no log-level setting can filter metrics out: at
// WARN a record says WARN, at FATAL it says FATAL. CloudWatch ignores both
// keys when it extracts the metrics (they are plain properties).
// Source: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
type Metrics struct {
	// W receives one JSON line per record. Default: os.Stdout.
	W io.Writer
	// Stack is the contract.DimStack value. Default: $AUTHSTACK_STACK.
	Stack string
	// Level is the records' "level". Default: $AWS_LAMBDA_LOG_LEVEL, else INFO.
	Level string
	// Now is the clock. Default: time.Now.
	Now func() time.Time
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
		stack = os.Getenv(contract.EnvStack)
	}
	now := time.Now()
	if m.Now != nil {
		now = m.Now()
	}
	set := []emf.Dimension{emf.NewDimension(contract.DimStack, stack)}
	for i := 0; i+1 < len(dims); i += 2 {
		set = append(set, emf.NewDimension(dims[i], dims[i+1]))
	}
	emf.New(emf.WithWriter(w), emf.WithoutDimensions(), emf.WithTimestamp(now)).
		Namespace(contract.Namespace).
		DimensionSet(set...).
		Property(KeyLevel, m.level()).
		Property(KeyTimestamp, now.UTC().Format(time.RFC3339Nano)).
		MetricAs(name, value, emf.Count).
		Log()
}

// level is the level metric records carry: one every filter lets through.
func (m *Metrics) level() string {
	l := m.Level
	if l == "" {
		l = os.Getenv("AWS_LAMBDA_LOG_LEVEL")
	}
	switch l = strings.ToUpper(l); l {
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL":
		return l
	}
	return "INFO"
}

// Fatal ends a function that cannot start: it writes err as one JSON line
// at level FATAL (which every log-level filter keeps; log.Fatal's plain
// text would count as INFO and vanish at WARN and above) to os.Stderr, and
// exits with status 1, which Lambda reports as Runtime.ExitError.
func Fatal(err error) {
	b, _ := json.Marshal(map[string]string{
		KeyLevel: "FATAL", KeyTimestamp: time.Now().UTC().Format(time.RFC3339Nano), "msg": "start-up failed", "error": err.Error(),
	})
	os.Stderr.Write(append(b, '\n'))
	os.Exit(1)
}
