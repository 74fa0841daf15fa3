package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeScanner writes an executable that prints the captured report and exits
// with code, as the real scanner does.
func fakeScanner(t *testing.T, report string, code int) string {
	t.Helper()
	abs, err := filepath.Abs(report)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "scanner")
	script := fmt.Sprintf("#!/bin/sh\ncat '%s'\nexit %d\n", abs, code)
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestRun(t *testing.T) {
	tpl := "../../testdata/template.json"
	checkov := fakeScanner(t, "../../testdata/checkov.json", 1)
	guard := fakeScanner(t, "../../testdata/cfn-guard.json", 19)
	sups := filepath.Join(t.TempDir(), "s.yaml")
	write := func(doc string) {
		if err := os.WriteFile(sups, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := func(ck, g string) []string {
		return []string{"-checkov", ck, "-cfn-guard", g, "-rules", "unused", "-suppressions", sups, tpl}
	}
	// GIVEN no suppressions THEN every finding is reported and the run fails
	write("suppressions: []\n")
	var out bytes.Buffer
	err := run(args(checkov, guard), &out)
	if err == nil || !strings.Contains(err.Error(), "20 findings to fix or suppress") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(out.String(), "FINDING checkov CKV_AWS_18 on Store/Bucket/Resource") ||
		!strings.Contains(out.String(), "FINDING cfn-guard kms_create_grant_aws_service_check on Store/Key/Resource") {
		t.Errorf("output:\n%s", out.String())
	}
	// GIVEN a scanner that fails for another reason THEN an error, not an empty report
	if err := run(args(fakeScanner(t, "../../testdata/checkov.json", 2), guard), &out); err == nil || !strings.Contains(err.Error(), "exit status 2") {
		t.Errorf("scanner crash: err = %v", err)
	}
	// GIVEN an invalid suppressions file THEN it is named
	write("suppressions:\n  - scanner: checkov\n")
	if err := run(args(checkov, guard), &out); err == nil || !strings.Contains(err.Error(), sups) {
		t.Errorf("bad suppressions: err = %v", err)
	}
}
