package scan

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// The reports under testdata are real: the pinned checkov and cfn-guard run
// over testdata/template.json (an unencrypted, unlogged bucket, a key whose
// policy lets anyone in the account create grants, a table without PITR or
// a customer key), captured with
//
//	.venv-scan/bin/checkov --skip-download --framework cloudformation --compact -o json -f internal/tools/scan/testdata/template.json
//	cfn-guard validate -r RULES -d internal/tools/scan/testdata/template.json -o json --structured -S none

func readTemplate(t *testing.T) []Template {
	t.Helper()
	tpl, err := ReadTemplate("testdata/template.json")
	if err != nil {
		t.Fatal(err)
	}
	return []Template{tpl}
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func summary(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Check+" "+f.LogicalID+" "+f.Path)
	}
	slices.Sort(out)
	return out
}

func TestParseCheckovReport(t *testing.T) {
	fs, err := ParseCheckov(read(t, "testdata/checkov.json"), readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	// Every failed check, with its resource named by construct path (without
	// the stack name) where the template has one.
	want := []string{
		"CKV_AWS_119 Table9ABC0123 ",
		"CKV_AWS_18 StoreBucket1234ABCD Store/Bucket/Resource",
		"CKV_AWS_21 StoreBucket1234ABCD Store/Bucket/Resource",
		"CKV_AWS_28 Table9ABC0123 ",
		"CKV_AWS_53 StoreBucket1234ABCD Store/Bucket/Resource",
		"CKV_AWS_54 StoreBucket1234ABCD Store/Bucket/Resource",
		"CKV_AWS_55 StoreBucket1234ABCD Store/Bucket/Resource",
		"CKV_AWS_56 StoreBucket1234ABCD Store/Bucket/Resource",
	}
	if got := summary(fs); !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range fs {
		if f.Scanner != Checkov || f.Title == "" || f.Template != "testdata/template.json" {
			t.Errorf("finding %+v lacks its scanner, title or template", f)
		}
	}
	// A report naming a template that was not scanned is an error, not a
	// finding without a home.
	if _, err := ParseCheckov(read(t, "testdata/checkov.json"), []Template{{File: "other.json"}}); err == nil {
		t.Error("report about an unknown template accepted")
	}
	// A report that checked nothing in a scanned template is an error: the
	// template was not scanned, which is not the same as clean.
	if _, err := ParseCheckov([]byte(`{"check_type":"cloudformation","results":{"failed_checks":[]},"summary":{}}`), readTemplate(t)); err == nil ||
		!strings.Contains(err.Error(), "checked nothing in testdata/template.json") {
		t.Errorf("empty report: %v", err)
	}
	if _, err := ParseCheckov([]byte(`{"results":{"parsing_errors":["x.json"]}}`), nil); err == nil || !strings.Contains(err.Error(), "could not parse") {
		t.Errorf("parsing errors: %v", err)
	}
	// A check skipped inline (Metadata.checkov.skip; real capture of the same
	// template with one skip) is an error, not a silent pass.
	skip := []Template{{File: "testdata/template-inline-skip.json", Paths: map[string]string{}}}
	if _, err := ParseCheckov(read(t, "testdata/checkov-inline-skip.json"), skip); err == nil || !strings.Contains(err.Error(), "checkov skipped CKV_AWS_18") {
		t.Errorf("inline skip: %v", err)
	}
	if _, err := ParseCheckov([]byte(`not json`), nil); err == nil {
		t.Error("garbage accepted as a report")
	}
}

func TestParseCfnGuardReport(t *testing.T) {
	fs, err := ParseCfnGuard(read(t, "testdata/cfn-guard.json"), readTemplate(t))
	if err != nil {
		t.Fatal(err)
	}
	got := summary(fs)
	for _, want := range []string{
		"kms_create_grant_aws_service_check StoreKey5678EFAB Store/Key/Resource",
		"dynamodb_table_pitr_enabled_check Table9ABC0123 ",
		"dynamodb_table_encrypted_kms_check Table9ABC0123 ",
		"s3_bucket_logging_enabled_check StoreBucket1234ABCD Store/Bucket/Resource",
		"s3_bucket_object_lock_enabled_check StoreBucket1234ABCD Store/Bucket/Resource",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("findings lack %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if len(fs) != 12 {
		t.Errorf("%d findings; the report has 12 rules not complied with, one resource each", len(fs))
	}
	// A template the report does not cover is an error.
	other := append(readTemplate(t), Template{File: "testdata/other.json"})
	if _, err := ParseCfnGuard(read(t, "testdata/cfn-guard.json"), other); err == nil || !strings.Contains(err.Error(), "does not cover testdata/other.json") {
		t.Errorf("uncovered template: %v", err)
	}
	if _, err := ParseCfnGuard([]byte(`[{"name":"testdata/template.json","status":"SKIP"}]`), readTemplate(t)); err == nil || !strings.Contains(err.Error(), "did not evaluate") {
		t.Errorf("skipped template: %v", err)
	}
	// A template no rule applies to is evaluated, with nothing to find.
	if fs, err := ParseCfnGuard([]byte(`[{"name":"testdata/template.json","status":"SKIP","not_applicable":["ct_acm_pr_1"]}]`), readTemplate(t)); err != nil || len(fs) != 0 {
		t.Errorf("template no rule applies to: %v, %v", fs, err)
	}
	// The Control Tower control id and title come along.
	for _, f := range fs {
		if f.Check == "kms_create_grant_aws_service_check" && !strings.HasPrefix(f.Title, "CT.KMS.PR.3 Require an AWS KMS key policy") {
			t.Errorf("title = %q", f.Title)
		}
	}
}

func TestInlineSuppressionsAreRefused(t *testing.T) {
	// checkov's Metadata.checkov.skip and cfn-guard's Metadata.guard.SuppressedRules
	// would excuse findings outside the reviewed file.
	if _, err := ReadTemplate("testdata/template-inline-skip.json"); err == nil || !strings.Contains(err.Error(), `StoreBucket1234ABCD carries "checkov" metadata`) {
		t.Errorf("ReadTemplate = %v", err)
	}
	guard := t.TempDir() + "/t.json"
	if err := os.WriteFile(guard, []byte(`{"Resources":{"B":{"Type":"AWS::S3::Bucket","Metadata":{"guard":{"SuppressedRules":["S3_BUCKET_LOGGING_ENABLED"]}}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTemplate(guard); err == nil || !strings.Contains(err.Error(), `"guard" metadata`) {
		t.Errorf("ReadTemplate = %v", err)
	}
}

func TestSuppressionsFileIsChecked(t *testing.T) {
	reason := strings.Repeat("a reason a reviewer reads ", 2)
	for _, tc := range []struct{ doc, want string }{
		{"suppressions:\n  - scanner: checkov\n    check: X\n    paths: [a]\n    reason: " + reason + "\n    note: x\n", "field note not found"},
		{"suppressions:\n  - scanner: trivy\n    check: X\n    paths: [a]\n    reason: " + reason + "\n", `scanner "trivy" must be checkov or cfn-guard`},
		{"suppressions:\n  - scanner: checkov\n    paths: [a]\n    reason: " + reason + "\n", "check is required"},
		{"suppressions:\n  - scanner: checkov\n    check: X\n    reason: " + reason + "\n", "paths are required"},
		{"suppressions:\n  - scanner: checkov\n    check: X\n    paths: [a]\n    reason: fine\n", "reason must say why"},
		{"suppressions:\n  - scanner: checkov\n    check: X\n    paths: [a]\n    reason: " + reason + "\n  - scanner: checkov\n    check: X\n    paths: [b]\n    reason: " + reason + "\n", "the same check as suppressions[0]"},
	} {
		if _, err := ParseSuppressions([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err = %v; want %q", tc.doc, err, tc.want)
		}
	}
}

func TestApplyExcusesOnlyWhatItNames(t *testing.T) {
	reason := "a reason long enough for a security reviewer to read"
	sups, err := ParseSuppressions([]byte(`suppressions:
  - scanner: checkov
    check: CKV_AWS_18
    paths: ["Store/*"]
    reason: ` + reason + `
  - scanner: cfn-guard
    check: s3_bucket_logging_enabled_check
    paths: [Store/Bucket/Resource, Gone/Resource]
    reason: ` + reason + `
`))
	if err != nil {
		t.Fatal(err)
	}
	findings := []Finding{
		{Scanner: Checkov, Check: "CKV_AWS_18", Path: "Store/Bucket"},           // * within a segment
		{Scanner: Checkov, Check: "CKV_AWS_18", Path: "Store/Bucket/Resource"},  // * never spans "/"
		{Scanner: Checkov, Check: "CKV_AWS_18", Path: "Other/Bucket/Resource"},  // another resource
		{Scanner: Checkov, Check: "CKV_AWS_21", Path: "Store/Bucket/Resource"},  // another check
		{Scanner: CfnGuard, Check: "CKV_AWS_18", Path: "Store/Bucket/Resource"}, // another scanner
		{Scanner: CfnGuard, Check: "s3_bucket_logging_enabled_check", Path: "Store/Bucket/Resource"},
		{Scanner: CfnGuard, Check: "s3_bucket_logging_enabled_check", Path: "Store/Bucket/ResourceX"}, // paths are whole
		{Scanner: CfnGuard, Check: "s3_bucket_logging_enabled_check", Path: ""},                       // no construct path
	}
	open, unused := Apply(findings, sups)
	var got []string
	for _, f := range open {
		got = append(got, f.Scanner+" "+f.Check+" "+f.Path)
	}
	want := []string{
		"checkov CKV_AWS_18 Store/Bucket/Resource",
		"checkov CKV_AWS_18 Other/Bucket/Resource",
		"checkov CKV_AWS_21 Store/Bucket/Resource",
		"cfn-guard CKV_AWS_18 Store/Bucket/Resource",
		"cfn-guard s3_bucket_logging_enabled_check Store/Bucket/ResourceX",
		"cfn-guard s3_bucket_logging_enabled_check ",
	}
	if !slices.Equal(got, want) {
		t.Errorf("open:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// A path that excuses nothing is reported, so the file cannot go stale.
	if len(unused) != 1 || !strings.Contains(unused[0], `path "Gone/Resource" matches no finding`) {
		t.Errorf("unused = %v", unused)
	}
}

// The reviewed file parses and satisfies the rules above (`make scan` then
// checks it against the scanners' findings).
func TestReviewedSuppressionsFile(t *testing.T) {
	if _, err := ParseSuppressions(read(t, "../../../security/suppressions.yaml")); err != nil {
		t.Fatal(err)
	}
}
