package gofunction

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// Module is the Go module holding authstack's functions.
const Module = "github.com/authstack/authstack"

// BuildFlags are the flags of every function build: static, stripped,
// reproducible (no paths, VCS stamp or build id), without the legacy RPC mode.
var BuildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags=-s -w -buildid="}

// BuildEnv is the target of every function build for the Go architecture
// goarch ("arm64" for Graviton, "amd64" for x86_64): Linux, no cgo.
func BuildEnv(goarch string) []string {
	return []string{"GOOS=linux", "GOARCH=" + goarch, "CGO_ENABLED=0", "GOFLAGS=-mod=readonly"}
}

// ModuleRoot returns the directory of the authstack module: this source
// tree when it exists on disk (a checkout, or the module cache), else what
// `go list -m` reports for the importing app.
func ModuleRoot() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		root := filepath.Join(filepath.Dir(file), "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root, nil
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if err != nil {
		return "", fmt.Errorf("gofunction: locating module %s: %w", Module, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// goBuild implements awscdk.ILocalBundling by running `go build` locally.
type goBuild struct {
	dir    string // module directory to build in
	pkg    string // package path relative to dir, e.g. ./functions/presignup
	goarch string // GOARCH of the build
}

var (
	cacheMu sync.Mutex
	cache   = map[string][]byte{} // dir+pkg+goarch -> built bootstrap
)

// TryBundle builds the function into outputDir/bootstrap. Within one process
// each package is built once and written out afterwards.
func (b *goBuild) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	if err := b.bundle(*outputDir); err != nil {
		// jsii reports a panic as a synth error with this message.
		panic(err)
	}
	return jsii.Bool(true)
}

// bundle keeps the built binary in memory (a few MB per function), not in a
// temporary file that would outlive the process.
func (b *goBuild) bundle(outputDir string) error {
	key := b.dir + "\x00" + b.pkg + "\x00" + b.goarch
	cacheMu.Lock()
	defer cacheMu.Unlock()
	built, ok := cache[key]
	if !ok {
		tmp, err := os.MkdirTemp("", "authstack-gofunction-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := Build(b.dir, b.pkg, b.goarch, filepath.Join(tmp, "bootstrap")); err != nil {
			return err
		}
		if built, err = os.ReadFile(filepath.Join(tmp, "bootstrap")); err != nil {
			return err
		}
		cache[key] = built
	}
	return os.WriteFile(filepath.Join(outputDir, "bootstrap"), built, 0o755)
}

// Build compiles the main package pkg (relative to module directory dir)
// for goarch into out with BuildFlags and BuildEnv.
func Build(dir, pkg, goarch, out string) error {
	args := append(append([]string{}, BuildFlags...), "-o", out, pkg)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), BuildEnv(goarch)...)
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gofunction: go build %s in %s: %v\n%s", pkg, dir, err, output)
	}
	return nil
}
