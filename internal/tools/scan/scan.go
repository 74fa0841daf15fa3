// Package scan runs independent security scanners over synthesized
// CloudFormation templates and holds their findings against one reviewed
// file of suppressions: checkov (Bridgecrew/Prisma Cloud's policy-as-code
// scanner, PyPI) and cfn-guard with the AWS Control Tower proactive controls
// (shipped in the npm package @cdklabs/cdk-validator-cfnguard). Every finding
// must be fixed or suppressed with a reason; a suppression that matches
// nothing is an error too, so the file never outlives what it excuses.
//
// The scanners' own JSON reports are parsed; resources are named by their
// construct path (the template's aws:cdk:path metadata), which stays the
// same across environments while logical ids and stack names do not.
// Nothing else may excuse a finding: a template carrying the scanners'
// inline suppressions (checkov's or cfn-guard's resource metadata) is an
// error, and so is a report that skipped a check or left a template
// unscanned.
package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Scanner names, as suppressions spell them.
const (
	Checkov  = "checkov"
	CfnGuard = "cfn-guard"
)

// Finding is one failed check on one resource of one template.
type Finding struct {
	Scanner   string // Checkov or CfnGuard
	Check     string // checkov check id (CKV_AWS_18) or cfn-guard rule name
	Title     string // the scanner's description of the check
	Template  string // the template's file path
	LogicalID string // the resource's logical id; "" when the scanner names none
	Path      string // the resource's aws:cdk:path, without the stack name; "" when unknown
}

func (f Finding) String() string {
	where := f.Path
	if where == "" {
		where = f.LogicalID
	}
	return fmt.Sprintf("%s %s on %s (%s in %s)", f.Scanner, f.Check, where, f.LogicalID, f.Template)
}

// Template is what a finding needs from a template: construct paths by
// logical id.
type Template struct {
	File  string
	Paths map[string]string // logical id -> aws:cdk:path without the leading stack name
}

// ReadTemplate reads a synthesized template's construct paths.
func ReadTemplate(file string) (Template, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Template{}, err
	}
	var doc struct {
		Metadata  map[string]any `json:"Metadata"`
		Resources map[string]struct {
			Metadata map[string]any `json:"Metadata"`
		} `json:"Resources"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return Template{}, fmt.Errorf("%s: %w", file, err)
	}
	// Inline suppressions: checkov reads Metadata.checkov.skip, cfn-guard
	// Metadata.guard.SuppressedRules (on a resource or the template).
	inline := func(where string, md map[string]any) error {
		for _, k := range []string{"checkov", "guard", "cfn_nag"} {
			if _, ok := md[k]; ok {
				return fmt.Errorf("%s: %s carries %q metadata, an inline scanner suppression; excuse findings in the reviewed suppressions file instead", file, where, k)
			}
		}
		return nil
	}
	if err := inline("the template", doc.Metadata); err != nil {
		return Template{}, err
	}
	t := Template{File: file, Paths: map[string]string{}}
	for id, r := range doc.Resources {
		if err := inline(id, r.Metadata); err != nil {
			return Template{}, err
		}
		if p, ok := r.Metadata["aws:cdk:path"].(string); ok {
			// "authdev-development/Api/Resource" -> "Api/Resource"
			if i := strings.IndexByte(p, '/'); i >= 0 {
				p = p[i+1:]
			}
			t.Paths[id] = p
		}
	}
	return t, nil
}

// ParseCheckov reads checkov's JSON report (-o json, without --quiet, so
// passed and skipped checks are listed too): one object, or a list of
// objects when several frameworks ran. It is an error when checkov could
// not parse a file, skipped a check, or checked nothing in one of the
// templates.
func ParseCheckov(report []byte, templates []Template) ([]Finding, error) {
	type check struct {
		CheckID     string `json:"check_id"`
		CheckName   string `json:"check_name"`
		FileAbsPath string `json:"file_abs_path"`
		Resource    string `json:"resource"` // TYPE.LOGICAL_ID
	}
	type result struct {
		CheckType string `json:"check_type"`
		Results   struct {
			PassedChecks  []check  `json:"passed_checks"`
			FailedChecks  []check  `json:"failed_checks"`
			SkippedChecks []check  `json:"skipped_checks"`
			ParsingErrors []string `json:"parsing_errors"`
		} `json:"results"`
	}
	var results []result
	report = bytes.TrimSpace(report)
	if len(report) > 0 && report[0] == '{' {
		var one result
		if err := json.Unmarshal(report, &one); err != nil {
			return nil, fmt.Errorf("checkov report: %w", err)
		}
		results = []result{one}
	} else if err := json.Unmarshal(report, &results); err != nil {
		return nil, fmt.Errorf("checkov report: %w", err)
	}
	var out []Finding
	checked := map[string]bool{}
	for _, r := range results {
		if len(r.Results.ParsingErrors) > 0 {
			return nil, fmt.Errorf("checkov could not parse %v", r.Results.ParsingErrors)
		}
		if len(r.Results.SkippedChecks) > 0 {
			c := r.Results.SkippedChecks[0]
			return nil, fmt.Errorf("checkov skipped %s on %s in %s: inline skips are not allowed; excuse findings in the reviewed suppressions file", c.CheckID, c.Resource, c.FileAbsPath)
		}
		for _, c := range append(r.Results.PassedChecks, r.Results.FailedChecks...) {
			t, err := templateOf(templates, c.FileAbsPath)
			if err != nil {
				return nil, err
			}
			checked[t.File] = true
		}
		for _, c := range r.Results.FailedChecks {
			_, id, ok := strings.Cut(c.Resource, ".")
			if !ok {
				return nil, fmt.Errorf("checkov report: resource %q is not TYPE.LOGICAL_ID", c.Resource)
			}
			t, err := templateOf(templates, c.FileAbsPath)
			if err != nil {
				return nil, err
			}
			out = append(out, Finding{Scanner: Checkov, Check: c.CheckID, Title: c.CheckName, Template: t.File, LogicalID: id, Path: t.Paths[id]})
		}
	}
	for _, t := range templates {
		if !checked[t.File] {
			return nil, fmt.Errorf("checkov checked nothing in %s", t.File)
		}
	}
	return out, nil
}

// ParseCfnGuard reads cfn-guard's structured JSON report (validate -o json
// --structured): per data file, the rules not complied with, each with the
// template paths (/Resources/LOGICAL_ID/...) its clauses failed on. It is an
// error when a template is missing from the report or was skipped without
// the rules that do not apply to it.
func ParseCfnGuard(report []byte, templates []Template) ([]Finding, error) {
	var files []struct {
		Name         string `json:"name"`
		Status       string `json:"status"`
		NotCompliant []struct {
			Rule json.RawMessage `json:"Rule"`
		} `json:"not_compliant"`
		NotApplicable []string `json:"not_applicable"`
	}
	if err := json.Unmarshal(report, &files); err != nil {
		return nil, fmt.Errorf("cfn-guard report: %w", err)
	}
	var out []Finding
	checked := map[string]bool{}
	for _, f := range files {
		t, err := templateOf(templates, f.Name)
		if err != nil {
			return nil, err
		}
		// SKIP with every rule listed as not applicable is a template of
		// types no rule covers (a certificate stack's Route 53 zone, ACM
		// certificate and SSM parameters); a SKIP without them was not
		// evaluated.
		skipped := f.Status == "SKIP" && len(f.NotApplicable) > 0
		if f.Status != "PASS" && f.Status != "FAIL" && !skipped {
			return nil, fmt.Errorf("cfn-guard did not evaluate %s (status %q)", f.Name, f.Status)
		}
		checked[t.File] = true
		for _, nc := range f.NotCompliant {
			var rule any
			if err := json.Unmarshal(nc.Rule, &rule); err != nil {
				return nil, fmt.Errorf("cfn-guard report: %w", err)
			}
			name, _ := rule.(map[string]any)["name"].(string)
			ids, titles := map[string]bool{}, map[string]bool{}
			walkGuard(rule, ids, titles)
			title := strings.Join(slices.Sorted(maps.Keys(titles)), "; ")
			if len(ids) == 0 {
				out = append(out, Finding{Scanner: CfnGuard, Check: name, Title: title, Template: t.File})
			}
			for _, id := range slices.Sorted(maps.Keys(ids)) {
				out = append(out, Finding{Scanner: CfnGuard, Check: name, Title: title, Template: t.File, LogicalID: id, Path: t.Paths[id]})
			}
		}
	}
	for _, t := range templates {
		if !checked[t.File] {
			return nil, fmt.Errorf("cfn-guard's report does not cover %s", t.File)
		}
	}
	return out, nil
}

var (
	guardResource = regexp.MustCompile(`^/Resources/([^/]+)`)
	guardControl  = regexp.MustCompile(`\[(CT\.[A-Z0-9.]+)\]:\s*([^\n]*)`)
)

// walkGuard collects the logical ids of every clause path and the control
// ids with their titles from the custom messages of a rule's report tree.
func walkGuard(v any, ids, titles map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok {
				switch k {
				case "path":
					if m := guardResource.FindStringSubmatch(s); m != nil {
						ids[m[1]] = true
					}
				case "custom_message":
					if m := guardControl.FindStringSubmatch(s); m != nil {
						titles[m[1]+" "+strings.TrimSpace(m[2])] = true
					}
				}
			}
			walkGuard(e, ids, titles)
		}
	case []any:
		for _, e := range x {
			walkGuard(e, ids, titles)
		}
	}
}

// templateOf finds the template a scanner reported by file name. Scanners
// report absolute paths or paths relative to their working directory; a
// report is matched by absolute path, else by the trailing path components
// the two names share, which must single out one template.
func templateOf(templates []Template, reported string) (Template, error) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return filepath.Clean(p)
		}
		return a
	}
	tail := func(p string) []string {
		parts := strings.Split(filepath.ToSlash(filepath.Clean(p)), "/")
		return slices.DeleteFunc(parts, func(s string) bool { return s == ".." || s == "." || s == "" })
	}
	suffix := func(a, b []string) bool { // a ends with b, or b with a
		if len(a) < len(b) {
			a, b = b, a
		}
		return len(b) > 0 && slices.Equal(a[len(a)-len(b):], b)
	}
	var found []Template
	for _, t := range templates {
		if abs(t.File) == abs(reported) {
			return t, nil
		}
		if suffix(tail(t.File), tail(reported)) {
			found = append(found, t)
		}
	}
	if len(found) != 1 {
		return Template{}, fmt.Errorf("scanner reported %q, which is not one of the scanned templates (%d match its name)", reported, len(found))
	}
	return found[0], nil
}

// Suppression excuses one check on the resources whose construct paths
// match one of Paths.
type Suppression struct {
	// Scanner is "checkov" or "cfn-guard".
	Scanner string `yaml:"scanner"`
	// Check is the checkov check id or the cfn-guard rule name.
	Check string `yaml:"check"`
	// Paths are construct paths without the stack name, where * stands for
	// any run of characters within one path segment (not "/"):
	// "Triggers/*/Resource/Resource".
	Paths []string `yaml:"paths"`
	// Reason is why the finding is accepted, for a security reviewer.
	Reason string `yaml:"reason"`

	patterns []*regexp.Regexp
}

// MinReasonLength is the shortest reason accepted: a sentence, not a word.
const MinReasonLength = 40

// ParseSuppressions reads and checks a suppressions file: a YAML document
// with a "suppressions" list. Unknown fields are errors.
func ParseSuppressions(b []byte) ([]Suppression, error) {
	var doc struct {
		Suppressions []Suppression `yaml:"suppressions"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("suppressions: %w", err)
	}
	var errs []error
	seen := map[string]int{}
	for i := range doc.Suppressions {
		s := &doc.Suppressions[i]
		at := fmt.Sprintf("suppressions[%d] (%s %s)", i, s.Scanner, s.Check)
		if s.Scanner != Checkov && s.Scanner != CfnGuard {
			errs = append(errs, fmt.Errorf("%s: scanner %q must be %s or %s", at, s.Scanner, Checkov, CfnGuard))
		}
		if s.Check == "" {
			errs = append(errs, fmt.Errorf("%s: check is required", at))
		}
		if j, dup := seen[s.Scanner+" "+s.Check]; dup {
			errs = append(errs, fmt.Errorf("%s: the same check as suppressions[%d]; list its paths there", at, j))
		}
		seen[s.Scanner+" "+s.Check] = i
		if len(s.Paths) == 0 {
			errs = append(errs, fmt.Errorf("%s: paths are required (construct paths; * stands for any characters but /)", at))
		}
		for _, p := range s.Paths {
			if p == "" {
				errs = append(errs, fmt.Errorf("%s: an empty path", at))
				continue
			}
			s.patterns = append(s.patterns, regexp.MustCompile("^"+strings.ReplaceAll(regexp.QuoteMeta(p), `\*`, "[^/]*")+"$"))
		}
		if len(strings.TrimSpace(s.Reason)) < MinReasonLength {
			errs = append(errs, fmt.Errorf("%s: reason must say why the finding is accepted (at least %d characters)", at, MinReasonLength))
		}
	}
	return doc.Suppressions, errors.Join(errs...)
}

// Apply splits findings into those no suppression excuses and reports the
// suppressions (and paths of suppressions) that excuse nothing.
func Apply(findings []Finding, sups []Suppression) (open []Finding, unused []string) {
	usedPath := map[[2]int]bool{}
	for _, f := range findings {
		excused := false
		for i, s := range sups {
			if s.Scanner != f.Scanner || s.Check != f.Check {
				continue
			}
			for j, p := range s.patterns {
				if p.MatchString(f.Path) {
					excused = true
					usedPath[[2]int{i, j}] = true
				}
			}
		}
		if !excused {
			open = append(open, f)
		}
	}
	for i, s := range sups {
		for j, p := range s.Paths {
			if !usedPath[[2]int{i, j}] {
				unused = append(unused, fmt.Sprintf("%s %s: path %q matches no finding; remove it", s.Scanner, s.Check, p))
			}
		}
	}
	return open, unused
}
