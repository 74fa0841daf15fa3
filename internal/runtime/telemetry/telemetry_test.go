package telemetry

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/authstack/authstack/internal/contract"
)

// lambdaLevels are Lambda's application log levels, most detailed first.
var lambdaLevels = []string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}

// lambdaKeeps applies Lambda's log-level filtering to one stdout line as the
// documentation states it: the "level" key gives the level; a missing or
// invalid level, or a "timestamp" that is not RFC 3339, makes the line INFO;
// lines below the configured level are dropped.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html
func lambdaKeeps(t *testing.T, line []byte, configured string) bool {
	t.Helper()
	var doc map[string]interface{}
	if err := json.Unmarshal(line, &doc); err != nil {
		t.Fatalf("not a JSON line: %s", line)
	}
	level := "INFO"
	if l, ok := doc["level"].(string); ok && rank(strings.ToUpper(l)) >= 0 {
		level = strings.ToUpper(l)
	}
	if ts, ok := doc["timestamp"].(string); !ok {
		level = "INFO"
	} else if _, err := time.Parse(time.RFC3339, ts); err != nil {
		level = "INFO"
	}
	return rank(level) >= rank(configured)
}

func rank(level string) int {
	for i, l := range lambdaLevels {
		if l == level {
			return i
		}
	}
	return -1
}

func TestMetricsSurviveEveryLogLevel(t *testing.T) {
	for _, configured := range lambdaLevels {
		t.Run(configured, func(t *testing.T) {
			// GIVEN a function whose application log level is configured
			t.Setenv("AWS_LAMBDA_LOG_LEVEL", configured)
			var buf bytes.Buffer
			m := &Metrics{W: &buf, Stack: "app-dev"}
			// WHEN it records a metric
			m.Count(contract.SignUps, 1)
			line := bytes.TrimSpace(buf.Bytes())
			// THEN Lambda keeps the line at that level
			if !lambdaKeeps(t, line, configured) {
				t.Errorf("Lambda drops the metric at %s: %s", configured, line)
			}
			// AND it is still an EMF record of the metric
			var doc struct {
				AWS struct {
					Timestamp         int64
					CloudWatchMetrics []struct{ Namespace string }
				} `json:"_aws"`
				SignUps int
				Stack   string
			}
			if err := json.Unmarshal(line, &doc); err != nil || doc.SignUps != 1 || doc.Stack != "app-dev" ||
				len(doc.AWS.CloudWatchMetrics) != 1 || doc.AWS.CloudWatchMetrics[0].Namespace != contract.Namespace || doc.AWS.Timestamp == 0 {
				t.Errorf("not an EMF record of SignUps: %s (%v)", line, err)
			}
		})
	}
}

func TestLogLinesCarryWhatLambdaFiltersBy(t *testing.T) {
	// GIVEN a function at WARN
	t.Setenv("AWS_LAMBDA_LOG_LEVEL", "WARN")
	var buf bytes.Buffer
	log := NewLogger(&buf)
	// WHEN it logs a warning and an error
	log.Warn("w")
	log.Error("e")
	log.Info("i") // filtered by the logger itself
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines; want the warning and the error:\n%s", len(lines), buf.Bytes())
	}
	// THEN Lambda keeps both (an unrecognised time key would make them INFO, dropped)
	for _, line := range lines {
		if !lambdaKeeps(t, line, "WARN") {
			t.Errorf("Lambda drops %s at WARN", line)
		}
	}
}

func TestFatalIsKeptAtEveryLevel(t *testing.T) {
	if os.Getenv("AUTHSTACK_TEST_FATAL") == "1" {
		Fatal(errors.New("AUTHSTACK_ISSUER is missing"))
		return
	}
	// GIVEN a function that cannot start, run in a child process
	cmd := exec.Command(os.Args[0], "-test.run=^TestFatalIsKeptAtEveryLevel$")
	cmd.Env = append(os.Environ(), "AUTHSTACK_TEST_FATAL=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	// THEN it exits with status 1 and one JSON line Lambda keeps even at FATAL
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("exit = %v; want status 1", err)
	}
	line := bytes.TrimSpace(stderr.Bytes())
	if !lambdaKeeps(t, line, "FATAL") || !bytes.Contains(line, []byte("AUTHSTACK_ISSUER is missing")) {
		t.Errorf("start-up failure line %s is dropped at FATAL or lacks the reason", line)
	}
}
