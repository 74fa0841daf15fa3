package emulator

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadAssembly(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// GIVEN a cloud assembly shaped as cdk synth writes it (manifest.json, an asset manifest)
	write("manifest.json", `{"version":"54.0.0","artifacts":{
	  "app-dev.assets":{"type":"cdk:asset-manifest","properties":{"file":"app-dev.assets.json"}},
	  "app-dev":{"type":"aws:cloudformation:stack","environment":"aws://123456789012/eu-west-1","properties":{"templateFile":"app-dev.template.json",
	    "stackTemplateAssetObjectUrl":"s3://cdk-hnb659fds-assets-${AWS::AccountId}-eu-west-1/abc.json",
	    "requiresBootstrapStackVersion":6,"bootstrapStackVersionSsmParameter":"/cdk-bootstrap/hnb659fds/version",
	    "tags":{"team":"id"}},"dependencies":["app-dev-certificates","app-dev.assets"]},
	  "app-dev-certificates":{"type":"aws:cloudformation:stack","environment":"aws://unknown-account/unknown-region","properties":{"templateFile":"c.json","stackTemplateAssetObjectUrl":"s3://b/c.json"}},
	  "Tree":{"type":"cdk:tree","properties":{"file":"tree.json"}}}}`)
	write("app-dev.assets.json", `{"version":"54.0.0","files":{
	  "abc":{"source":{"path":"app-dev.template.json","packaging":"file"},"destinations":{"d":{"bucketName":"cdk-hnb659fds-assets-${AWS::AccountId}-eu-west-1","objectKey":"abc.json"}}},
	  "fn":{"source":{"path":"asset.fn","packaging":"zip"},"destinations":{"d":{"bucketName":"cdk-hnb659fds-assets-${AWS::AccountId}-eu-west-1","objectKey":"fn.zip"}}}}}`)
	// WHEN it is read THEN the stack's template, bootstrap parameter, tags and assets come out
	art, err := readAssembly(dir, "app-dev")
	if err != nil {
		t.Fatal(err)
	}
	if art.stackName != "app-dev" || art.version != 6 || art.ssmParameter != "/cdk-bootstrap/hnb659fds/version" || art.tags["team"] != "id" || len(art.assets) != 2 ||
		art.assets[0].key != "abc.json" || art.assets[1].packaging != "zip" {
		t.Errorf("readAssembly = %+v", art)
	}
	// AND its environment's region, its template file and the stacks to deploy first
	if art.region != "eu-west-1" || art.templateFile != "app-dev.template.json" || len(art.stackDependencies) != 1 || art.stackDependencies[0] != "app-dev-certificates" {
		t.Errorf("region %q, template %q, stack dependencies %v", art.region, art.templateFile, art.stackDependencies)
	}
	// AND a region-agnostic stack has no region (the emulator's is used)
	if c, err := readAssembly(dir, "app-dev-certificates"); err != nil || c.region != "" {
		t.Errorf("region-agnostic stack: %+v, %v", c, err)
	}
	// AND an unknown stack is an error naming the stacks there are
	if _, err := readAssembly(dir, "app-prod"); err == nil || !strings.Contains(err.Error(), `no stack "app-prod"`) || !strings.Contains(err.Error(), "app-dev") {
		t.Errorf("unknown stack: %v", err)
	}
	// AND container images are refused, not skipped
	write("app-dev.assets.json", `{"files":{},"dockerImages":{"img":{}}}`)
	if _, err := readAssembly(dir, "app-dev"); err == nil || !strings.Contains(err.Error(), "container image") {
		t.Errorf("docker assets: %v", err)
	}
}

func TestZipDirKeepsTheExecutableBit(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("#!/bin/sh\n"), 0o755)
	os.MkdirAll(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "x.txt"), []byte("x"), 0o644)
	b, err := zipDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]os.FileMode{}
	for _, f := range r.File {
		modes[f.Name] = f.Mode().Perm()
	}
	if modes["bootstrap"] != 0o755 || modes["data/x.txt"] != 0o644 || len(modes) != 2 {
		t.Errorf("zip entries %v; want bootstrap 0755 and data/x.txt 0644", modes)
	}
}

func TestStopPIDLeavesOtherProcessesAlone(t *testing.T) {
	// GIVEN a process that is not the emulator (a stale state file's pid may name one)
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if IsEmulator(cmd.Process.Pid) || IsEmulator(os.Getpid()) {
		t.Fatal("IsEmulator took sleep or the test for ministack")
	}
	// WHEN StopPID is asked to stop it THEN it is left running
	if err := StopPID(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(cmd.Process.Pid, 0); err != nil {
		t.Errorf("StopPID ended a process that is not the emulator: %v", err)
	}
}

func TestRemoveUnsupported(t *testing.T) {
	// GIVEN a template with a managed login branding, which ministack lacks,
	// and resources that depend on it or on what stays
	tpl := []byte(`{"Resources":{
	  "Pool":{"Type":"AWS::Cognito::UserPool"},
	  "Brand":{"Type":"AWS::Cognito::ManagedLoginBranding","DependsOn":["Pool"],"Properties":{"UserPoolId":{"Ref":"Pool"}}},
	  "After":{"Type":"AWS::SNS::Topic","DependsOn":["Brand","Pool"]},
	  "AfterOne":{"Type":"AWS::SNS::Topic","DependsOn":"Brand"}}}`)
	// WHEN it is prepared for the emulator
	out, removed, err := removeUnsupported(tpl)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the branding and the DependsOn entries naming it are gone, the rest kept
	if len(removed) != 1 || removed[0] != "Brand (AWS::Cognito::ManagedLoginBranding)" {
		t.Errorf("removed %v", removed)
	}
	for _, want := range []string{`"After":{"DependsOn":["Pool"]`, `"AfterOne":{"Type"`, `"Pool":{"Type":"AWS::Cognito::UserPool"}`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("template %s lacks %s", out, want)
		}
	}
	if strings.Contains(string(out), "Brand") {
		t.Errorf("template %s still names the branding", out)
	}
	// AND a template without them is passed on byte for byte
	plain := []byte(`{"Resources": {"Pool": {"Type": "AWS::Cognito::UserPool"}}}`)
	if out, removed, err := removeUnsupported(plain); err != nil || len(removed) != 0 || !bytes.Equal(out, plain) {
		t.Errorf("plain template: %s, %v, %v", out, removed, err)
	}
	// AND a template that reads a removed resource cannot run: an error
	reads := []byte(`{"Resources":{"Brand":{"Type":"AWS::Cognito::ManagedLoginBranding"},"T":{"Type":"AWS::SNS::Topic","Properties":{"DisplayName":{"Fn::GetAtt":["Brand","ManagedLoginBrandingId"]}}}}}`)
	if _, _, err := removeUnsupported(reads); err == nil || !strings.Contains(err.Error(), "Brand, which the emulator lacks, is referenced") {
		t.Errorf("referenced removal: %v", err)
	}
}
