package gofunction_test

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/constructs/logkey"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func newFunction(t *testing.T) (awscdk.Stack, *gofunction.GoFunction) {
	stack := cdktest.NewStack(t)
	root, err := module.Root()
	if err != nil {
		t.Fatal(err)
	}
	f := gofunction.NewGoFunction(stack, jsii.String("Fn"), &gofunction.GoFunctionProps{
		FunctionOptions: lambda.FunctionOptions{Environment: &map[string]*string{"AB": jsii.String("b")}},
		Entry:           jsii.String("./functions/pretokengen"),
		ModuleDir:       jsii.String(root),
		LogKey:          logkey.NewLogKey(stack, jsii.String("LogKey"), nil),
	})
	return stack, f
}

func TestFunctionShape(t *testing.T) {
	// GIVEN a GoFunction WHEN synthesized
	stack, _ := newFunction(t)
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN it is an arm64 provided.al2023 function with JSON logs in its own encrypted log group
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Runtime": "provided.al2023", "Architectures": []string{"arm64"}, "Handler": "bootstrap",
		"Timeout": 3, "MemorySize": 256,
		"LoggingConfig": map[string]interface{}{
			"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "WARN", "LogGroup": map[string]interface{}{"Ref": assertions.Match_AnyValue()},
		},
		"Environment": map[string]interface{}{"Variables": map[string]interface{}{"AB": "b"}},
		"VpcConfig":   assertions.Match_Absent(),
	}); err != nil {
		t.Fatal(err)
	}
	if err := cdktest.Has(tpl, "AWS::Logs::LogGroup", map[string]interface{}{
		"KmsKeyId": map[string]interface{}{"Fn::GetAtt": []interface{}{assertions.Match_AnyValue(), "Arn"}}, "RetentionInDays": 90,
	}); err != nil {
		t.Fatal(err)
	}
	// AND the role has no managed policies and may only write its own log group
	if err := cdktest.Has(tpl, "AWS::IAM::Role", map[string]interface{}{"ManagedPolicyArns": assertions.Match_Absent()}); err != nil {
		t.Fatal(err)
	}
	policies := tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil)
	b, _ := json.Marshal(policies)
	if strings.Contains(string(b), `"Resource":"*"`) || !strings.Contains(string(b), "logs:PutLogEvents") {
		t.Errorf("role policy is not limited to its log group: %s", b)
	}
}

func assetHash(t *testing.T) string {
	stack, _ := newFunction(t)
	tpl := assertions.Template_FromStack(stack, nil)
	for _, r := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		code := (*r)["Properties"].(map[string]interface{})["Code"].(map[string]interface{})
		return code["S3Key"].(string)
	}
	t.Fatal("no function")
	return ""
}

func TestAssetHashIsStable(t *testing.T) {
	a, b := assetHash(t), assetHash(t)
	if a != b || !strings.HasSuffix(a, ".zip") {
		t.Errorf("asset keys differ across synths: %s vs %s", a, b)
	}
}

func TestBuildIsReproducible(t *testing.T) {
	root, err := module.Root()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, out := range []string{dir + "/a", dir + "/b"} {
		if err := gofunction.Build(root, "./functions/pretokengen", "arm64", out); err != nil {
			t.Fatal(err)
		}
	}
	if out, _ := exec.Command("cmp", dir+"/a", dir+"/b").CombinedOutput(); len(out) != 0 {
		t.Errorf("two builds differ: %s", out)
	}
}

func TestFunctionsNeverImportTheCDK(t *testing.T) {
	root, err := module.Root()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./functions/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.Fields(string(out))) < 50 {
		t.Fatalf("go list returned too little to be the functions' dependencies:\n%s", out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/aws/aws-cdk-go") || strings.HasPrefix(dep, "github.com/aws/jsii-runtime-go") ||
			strings.HasPrefix(dep, "github.com/aws/constructs-go") || strings.HasPrefix(dep, "github.com/cdklabs/") {
			t.Errorf("a function depends on %s", dep)
		}
	}
}

func TestInvalidProps(t *testing.T) {
	stack := cdktest.NewStack(t)
	root, _ := module.Root()
	group := logs.NewLogGroup(stack, jsii.String("G"), nil)
	for _, tc := range []struct {
		props *gofunction.GoFunctionProps
		want  string
	}{
		{&gofunction.GoFunctionProps{}, "Entry is required"},
		{&gofunction.GoFunctionProps{Entry: jsii.String("./functions/nope"), ModuleDir: jsii.String(root)}, `Entry: go list ./functions/nope in ` + root},
		{&gofunction.GoFunctionProps{Entry: jsii.String("github.com/authstack/authstack/claims"), ModuleDir: jsii.String(root)},
			"Entry: github.com/authstack/authstack/claims is package claims, not a main package"},
		{&gofunction.GoFunctionProps{Entry: jsii.String("./functions/api"), ModuleDir: jsii.String(root),
			//lint:ignore SA1019 the deprecated option is what this case refuses
			FunctionOptions: lambda.FunctionOptions{LogRetention: logs.RetentionDays_ONE_DAY}}, "FunctionOptions.LogRetention is deprecated"},
		{&gofunction.GoFunctionProps{Entry: jsii.String("./functions/api"), ModuleDir: jsii.String(root),
			FunctionOptions: lambda.FunctionOptions{LogGroup: group}, LogRetention: logs.RetentionDays_ONE_DAY}, "LogKey and LogRetention configure the log group GoFunction creates"},
	} {
		if msg := cdktest.Panics(func() { gofunction.NewGoFunction(stack, jsii.String("F"), tc.props) }); !strings.Contains(msg, "gofunction F: "+tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
	// Nothing was added by the refused calls.
	if stack.Node().TryFindChild(jsii.String("F")) != nil {
		t.Error("a refused GoFunction left a construct behind")
	}
}

// writeModule writes a Go module of the user's own, outside authstack's, with
// one main package (standard library only, so no download is needed).
func writeModule(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":            "module example.com/shop\n\ngo 1.26\n",
		"cmd/hello/main.go": "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello from the shop\") }\n",
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAFunctionOfAnotherModule(t *testing.T) {
	// GIVEN a user's own module and a stack in an app without authstack's
	// feature flags
	dir := writeModule(t)
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := awscdk.NewStack(app, jsii.String("Shop"), nil)
	// WHEN its main package is the Entry (relative to the module), with
	// options of lambda.Function authstack does not set itself
	f := gofunction.NewGoFunction(stack, jsii.String("Hello"), &gofunction.GoFunctionProps{
		Entry:     jsii.String("./cmd/hello"),
		ModuleDir: jsii.String(dir),
		FunctionOptions: lambda.FunctionOptions{
			ReservedConcurrentExecutions: jsii.Number(5),
			EphemeralStorageSize:         awscdk.Size_Mebibytes(jsii.Number(1024)),
			Timeout:                      awscdk.Duration_Seconds(jsii.Number(10)),
		},
	})
	asm := app.Synth(nil)
	// THEN the Go toolchain resolved it in that module
	if f.Package.ImportPath != "example.com/shop/cmd/hello" || f.Package.ModuleDir != dir {
		t.Errorf("Package = %+v", f.Package)
	}
	// AND every option reached the function, with authstack's defaults for the rest
	tpl := assertions.Template_FromStack(stack, nil)
	if err := cdktest.Has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"ReservedConcurrentExecutions": 5, "EphemeralStorage": map[string]interface{}{"Size": 1024}, "Timeout": 10,
		"MemorySize": 256, "Architectures": []string{"arm64"}, "Runtime": "provided.al2023",
	}); err != nil {
		t.Error(err)
	}
	// AND the asset holds the user's program, built for arm64
	var key string
	for _, r := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		key = (*r)["Properties"].(map[string]interface{})["Code"].(map[string]interface{})["S3Key"].(string)
	}
	bin := filepath.Join(*asm.Directory(), "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")
	ef, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	if ef.Machine != elf.EM_AARCH64 {
		t.Errorf("bootstrap is for %v", ef.Machine)
	}
	if b, _ := os.ReadFile(bin); !strings.Contains(string(b), "hello from the shop") {
		t.Error("the bootstrap is not the user's program")
	}
}

func TestArchitectureSwitch(t *testing.T) {
	// Builds leave nothing behind in the temporary directory (each synth
	// once left a bootstrap there per function).
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	t.Cleanup(func() {
		if left, _ := filepath.Glob(filepath.Join(tmp, "authstack-gofunction-*")); len(left) > 0 {
			t.Errorf("builds left %v behind", left)
		}
	})
	build := func(context map[string]interface{}, arch lambda.Architecture) (string, string) {
		ctx := cdktest.Context(t)
		for k, v := range context {
			ctx[k] = v
		}
		app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(t.TempDir())})
		stack := awscdk.NewStack(app, jsii.String("S"), nil)
		root, _ := module.Root()
		f := gofunction.NewGoFunction(stack, jsii.String("Fn"), &gofunction.GoFunctionProps{
			Entry: jsii.String("github.com/authstack/authstack/functions/pretokengen"), ModuleDir: jsii.String(root),
			FunctionOptions: lambda.FunctionOptions{Architecture: arch},
		})
		dir := *app.Synth(nil).Directory()
		var key string
		for _, r := range *assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::Lambda::Function"), nil) {
			key = (*r)["Properties"].(map[string]interface{})["Code"].(map[string]interface{})["S3Key"].(string)
		}
		// The asset directory holds the built bootstrap.
		return *f.Function.Architecture().Name(), filepath.Join(dir, "asset."+strings.TrimSuffix(key, ".zip"), "bootstrap")
	}
	machine := func(path string) elf.Machine {
		f, err := elf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return f.Machine
	}
	// GIVEN no switch THEN arm64 (Graviton), built for arm64
	if arch, bin := build(nil, nil); arch != "arm64" || machine(bin) != elf.EM_AARCH64 {
		t.Errorf("default: %s, %v; want arm64 and an AArch64 binary", arch, machine(bin))
	}
	// GIVEN the context switch for an x86-64 emulator THEN x86_64, built for amd64
	if arch, bin := build(map[string]interface{}{gofunction.ContextArchitecture: "x86_64"}, nil); arch != "x86_64" || machine(bin) != elf.EM_X86_64 {
		t.Errorf("context x86_64: %s, %v; want x86_64 and an x86-64 binary", arch, machine(bin))
	}
	// GIVEN the prop THEN it wins over the context
	if arch, _ := build(map[string]interface{}{gofunction.ContextArchitecture: "x86_64"}, lambda.Architecture_ARM_64()); arch != "arm64" {
		t.Errorf("prop arm64 with context x86_64: %s; want arm64", arch)
	}
	// GIVEN a value that is neither THEN a clear error
	msg := cdktest.Panics(func() { build(map[string]interface{}{gofunction.ContextArchitecture: "amd64"}, nil) })
	if !strings.Contains(msg, "context authstack:functionArchitecture=amd64: want arm64 or x86_64") {
		t.Errorf("panic = %q; want it to name the context key and the accepted values", msg)
	}
}

func TestTextLogsAndGoflags(t *testing.T) {
	// GIVEN text logs THEN no log levels are set (Lambda allows them with JSON only)
	stack := cdktest.NewStack(t)
	root, _ := module.Root()
	gofunction.NewGoFunction(stack, jsii.String("Fn"), &gofunction.GoFunctionProps{
		Entry: jsii.String("./functions/pretokengen"), ModuleDir: jsii.String(root),
		FunctionOptions: lambda.FunctionOptions{LoggingFormat: lambda.LoggingFormat_TEXT},
	})
	if err := cdktest.Has(assertions.Template_FromStack(stack, nil), "AWS::Lambda::Function", map[string]interface{}{
		"LoggingConfig": map[string]interface{}{"LogFormat": "Text", "LogGroup": assertions.Match_AnyValue()},
	}); err != nil {
		t.Error(err)
	}
	// GIVEN the user's GOFLAGS THEN builds keep them, adding -mod=readonly only without a -mod
	t.Setenv("GOFLAGS", "-mod=vendor -trimpath")
	if env := strings.Join(gofunction.BuildEnv("arm64"), " "); !strings.Contains(env, "GOFLAGS=-mod=vendor -trimpath") {
		t.Errorf("BuildEnv = %s", env)
	}
	t.Setenv("GOFLAGS", "-buildvcs=false")
	if env := strings.Join(gofunction.BuildEnv("arm64"), " "); !strings.Contains(env, "GOFLAGS=-buildvcs=false -mod=readonly") {
		t.Errorf("BuildEnv = %s", env)
	}
	// GIVEN an Entry that is not one package THEN a clear error
	if msg := cdktest.Panics(func() {
		gofunction.NewGoFunction(stack, jsii.String("Bad"), &gofunction.GoFunctionProps{Entry: jsii.String("./functions/..."), ModuleDir: jsii.String(root)})
	}); !strings.Contains(msg, "is not one package") {
		t.Errorf("panic = %q", msg)
	}
}
