// Command scan is `make scan`: it runs checkov and cfn-guard (AWS Control
// Tower rules) over synthesized templates and fails on every finding that
// security/suppressions.yaml does not excuse, and on every suppression that
// excuses nothing.
//
//	go run ./internal/tools/scan/cmd/scan -checkov .venv-scan/bin/checkov \
//	  -cfn-guard GUARD_BINARY -rules RULES_DIR -suppressions security/suppressions.yaml \
//	  cdk.out/*.template.json
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/authstack/authstack/internal/tools/scan"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scan:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	checkov := fs.String("checkov", "", "checkov executable")
	guard := fs.String("cfn-guard", "", "cfn-guard executable")
	rules := fs.String("rules", "", "directory of cfn-guard rules")
	supFile := fs.String("suppressions", "", "reviewed suppressions (YAML)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *checkov == "" || *guard == "" || *rules == "" || *supFile == "" || fs.NArg() == 0 {
		return errors.New("usage: scan -checkov BIN -cfn-guard BIN -rules DIR -suppressions FILE TEMPLATE [TEMPLATE]")
	}
	b, err := os.ReadFile(*supFile)
	if err != nil {
		return err
	}
	sups, err := scan.ParseSuppressions(b)
	if err != nil {
		return fmt.Errorf("%s: %w", *supFile, err)
	}
	var templates []scan.Template
	// Without --quiet: the report lists passed and skipped checks too, so
	// an unscanned template or an inline skip is seen.
	ckArgs := []string{"--skip-download", "--framework", "cloudformation", "--compact", "-o", "json"}
	gArgs := []string{"validate", "-r", *rules, "-o", "json", "--structured", "-S", "none"}
	for _, f := range fs.Args() {
		t, err := scan.ReadTemplate(f)
		if err != nil {
			return err
		}
		templates = append(templates, t)
		ckArgs = append(ckArgs, "-f", f)
		gArgs = append(gArgs, "-d", f)
	}
	// Both scanners exit non-zero when a check fails (checkov 1, cfn-guard
	// 19); their reports say which, so only a missing report is an error.
	ckReport, err := output(*checkov, ckArgs, 1)
	if err != nil {
		return err
	}
	findings, err := scan.ParseCheckov(ckReport, templates)
	if err != nil {
		return err
	}
	gReport, err := output(*guard, gArgs, 19)
	if err != nil {
		return err
	}
	gFindings, err := scan.ParseCfnGuard(gReport, templates)
	if err != nil {
		return err
	}
	findings = append(findings, gFindings...)
	open, unused := scan.Apply(findings, sups)
	fmt.Fprintf(stdout, "scan: %d templates, %d findings, %d suppressed by %s\n", len(templates), len(findings), len(findings)-len(open), *supFile)
	for _, f := range open {
		fmt.Fprintf(stdout, "FINDING %s\n    %s\n", f, f.Title)
	}
	for _, u := range unused {
		fmt.Fprintf(stdout, "STALE   %s\n", u)
	}
	if len(open) > 0 || len(unused) > 0 {
		return fmt.Errorf("%d findings to fix or suppress with a reason, %d stale suppressions", len(open), len(unused))
	}
	return nil
}

// output runs a scanner and returns its standard output; exit code 0 and
// failCode (checks failed) both mean a complete report.
func output(bin string, args []string, failCode int) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == failCode) {
		return nil, fmt.Errorf("%s: %v\n%s", bin, err, stderr.Bytes())
	}
	return stdout.Bytes(), nil
}
