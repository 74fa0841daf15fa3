package gofunction

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// BuildFlags are the flags of every function build: static, stripped,
// reproducible (no paths, VCS stamp or build id), without the legacy RPC mode.
var BuildFlags = []string{"build", "-trimpath", "-buildvcs=false", "-tags", "lambda.norpc", "-ldflags=-s -w -buildid="}

// BuildEnv is the target of every function build for the Go architecture
// goarch ("arm64" for Graviton, "amd64" for x86_64): Linux, no cgo. The
// GOFLAGS of the environment are kept (-mod=vendor for a vendored module,
// say), with -mod=readonly added when they set no -mod, so a build never
// edits go.mod or go.sum.
func BuildEnv(goarch string) []string {
	flags := os.Getenv("GOFLAGS")
	if !strings.Contains(" "+flags, " -mod=") {
		flags = strings.TrimSpace(flags + " -mod=readonly")
	}
	return []string{"GOOS=linux", "GOARCH=" + goarch, "CGO_ENABLED=0", "GOFLAGS=" + flags}
}

// Package is a main package as the Go toolchain resolves it.
type Package struct {
	ImportPath string // e.g. example.com/app/functions/hello
	Dir        string // its directory
	ModuleDir  string // the directory of the module that holds it (its go.mod decides the versions)
}

// Resolve finds the main package entry (an import path, or a directory
// relative to dir such as "./functions/hello") with `go list`, run in dir,
// as `go build` would. It does not load the package's dependencies.
func Resolve(dir, entry string) (Package, error) {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if strings.ContainsAny(entry, "*{") || strings.HasSuffix(entry, "...") || strings.HasSuffix(entry, ".go") {
		return Package{}, fmt.Errorf("%q is not one package: give the main package's import path or directory", entry)
	}
	cmd := exec.Command("go", "list", "-find", "-json", entry)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Package{}, fmt.Errorf("go list %s in %s: %v: %s", entry, dir, err, strings.TrimSpace(stderr.String()))
	}
	var p struct {
		ImportPath, Dir, Name string
		Module                *struct{ Dir string }
		Error                 *struct{ Err string }
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return Package{}, fmt.Errorf("go list %s: %w", entry, err)
	}
	switch {
	case p.Error != nil:
		return Package{}, fmt.Errorf("go list %s in %s: %s", entry, dir, p.Error.Err)
	case p.Module == nil || p.Module.Dir == "":
		return Package{}, fmt.Errorf("%s (in %s) is not in a Go module", entry, dir)
	case p.Name != "main":
		return Package{}, fmt.Errorf("%s is package %s, not a main package", p.ImportPath, p.Name)
	}
	return Package{ImportPath: p.ImportPath, Dir: p.Dir, ModuleDir: p.Module.Dir}, nil
}

// Build compiles the main package pkg (an import path, or a directory
// relative to dir) in the module directory dir for goarch into out, with
// BuildFlags and BuildEnv.
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

// goBuild implements awscdk.ILocalBundling by running `go build` locally.
type goBuild struct {
	pkg    Package
	goarch string
}

var (
	cacheMu sync.Mutex
	cache   = map[string][]byte{} // module dir + import path + goarch -> built bootstrap
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
	key := b.pkg.ModuleDir + "\x00" + b.pkg.ImportPath + "\x00" + b.goarch
	cacheMu.Lock()
	defer cacheMu.Unlock()
	built, ok := cache[key]
	if !ok {
		tmp, err := os.MkdirTemp("", "authstack-gofunction-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		if err := Build(b.pkg.ModuleDir, b.pkg.ImportPath, b.goarch, filepath.Join(tmp, "bootstrap")); err != nil {
			return err
		}
		if built, err = os.ReadFile(filepath.Join(tmp, "bootstrap")); err != nil {
			return err
		}
		cache[key] = built
	}
	return os.WriteFile(filepath.Join(outputDir, "bootstrap"), built, 0o755)
}
