// Package architecture holds tests of the module's shape: which packages
// may import which, and what the public API may mention.
package architecture

import (
	"bufio"
	"bytes"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

const modulePath = "github.com/authstack/authstack"

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = repoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	return strings.Fields(string(out))
}

// publicPackages are the packages a user may import: everything of the
// module but internal/, the functions' and commands' mains, and tests.
func publicPackages(t *testing.T) []string {
	var out []string
	for _, p := range goList(t, "./...") {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, modulePath), "/")
		switch {
		case strings.HasPrefix(rel, "internal/"), strings.HasPrefix(rel, "functions/"), strings.HasPrefix(rel, "cmd/"),
			strings.HasPrefix(rel, "bench/"), rel == "e2e":
			continue
		}
		out = append(out, p)
	}
	return out
}

// Constructs, stacks and config point one way: to contract, spec and CDK
// helper packages, never to a Lambda handler package (internal/runtime/...)
// or an AWS SDK service client, which would put jwx, the SDK and the
// handlers' code into every CDK app that imports them.
func TestDeployTimePackagesDoNotImportRunTime(t *testing.T) {
	deps := goList(t, "-deps", "./constructs/...", "./stacks/...", "./pipeline/...", "./config/...", "./rules/...", "./claims/...")
	if len(deps) < 100 {
		t.Fatalf("go list -deps returned %d packages; too few to be the constructs' dependencies", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, modulePath+"/internal/runtime/") || strings.HasPrefix(d, modulePath+"/functions/") ||
			strings.HasPrefix(d, "github.com/aws/aws-sdk-go-v2/service/") || strings.HasPrefix(d, "github.com/aws/aws-lambda-go") ||
			strings.HasPrefix(d, "github.com/lestrrat-go/") {
			t.Errorf("a deploy-time package depends on %s", d)
		}
	}
	// The spec packages users write rules with are standard library only.
	for _, d := range goList(t, "-deps", "./rules", "./claims") {
		if strings.Contains(strings.SplitN(d, "/", 2)[0], ".") && !strings.HasPrefix(d, modulePath) {
			t.Errorf("rules or claims depend on %s", d)
		}
	}
}

// No exported identifier of a public package mentions a type of an
// internal/ package: code outside the module could not name it.
func TestPublicAPIMentionsNoInternalType(t *testing.T) {
	public := publicPackages(t)
	if len(public) < 10 {
		t.Fatalf("only %d public packages found", len(public))
	}
	// Export data for the public packages and their dependencies (what the
	// compiler itself reads), so type-checking the CDK from source is not needed.
	exports := map[string]string{}
	for _, line := range goList(t, append([]string{"-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}, public...)...) {
		if path, file, ok := strings.Cut(line, "="); ok && file != "" {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		return readCloser{bufio.NewReader(f), f}, nil
	})
	var found []string
	checked := 0
	for _, path := range public {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		w := &walker{seen: map[types.Type]bool{}}
		for _, name := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			checked++
			w.seen = map[types.Type]bool{} // each identifier reports what it mentions
			w.where = path + "." + name
			w.typ(obj.Type(), true)
			if tn, ok := obj.(*types.TypeName); ok {
				if named, ok := tn.Type().(*types.Named); ok {
					for i := 0; i < named.NumMethods(); i++ {
						if m := named.Method(i); m.Exported() {
							w.where = path + "." + name + "." + m.Name()
							w.typ(m.Type(), true)
						}
					}
				}
			}
		}
		found = append(found, w.found...)
	}
	if checked < 100 {
		t.Fatalf("only %d exported identifiers checked", checked)
	}
	sort.Strings(found)
	for _, f := range found {
		t.Error(f)
	}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// walker looks through a type for named types of internal/ packages. It
// follows the structure of authstack's own types (exported fields, embedded
// ones included) and stops at other modules' types.
type walker struct {
	where string
	seen  map[types.Type]bool
	found []string
}

func (w *walker) typ(t types.Type, _ bool) {
	if w.seen[t] {
		return
	}
	w.seen[t] = true
	switch x := t.(type) {
	case *types.Named:
		pkg := x.Obj().Pkg()
		if pkg == nil {
			return
		}
		if strings.Contains(pkg.Path()+"/", modulePath+"/internal/") {
			w.found = append(w.found, fmt.Sprintf("%s mentions %s.%s", w.where, pkg.Path(), x.Obj().Name()))
			return
		}
		if !strings.HasPrefix(pkg.Path(), modulePath) {
			return // another module's type: its own business
		}
		w.typ(x.Underlying(), false)
		for i := 0; i < x.TypeArgs().Len(); i++ {
			w.typ(x.TypeArgs().At(i), false)
		}
		w.typeParams(x.TypeParams())
		// Every exported method a user can call, promoted ones from
		// embedded (even unexported) types included.
		ms := types.NewMethodSet(types.NewPointer(x))
		for i := 0; i < ms.Len(); i++ {
			if m := ms.At(i).Obj(); m.Exported() {
				w.typ(m.Type(), false)
			}
		}
	case *types.Pointer:
		w.typ(x.Elem(), false)
	case *types.Slice:
		w.typ(x.Elem(), false)
	case *types.Array:
		w.typ(x.Elem(), false)
	case *types.Map:
		w.typ(x.Key(), false)
		w.typ(x.Elem(), false)
	case *types.Chan:
		w.typ(x.Elem(), false)
	case *types.Signature:
		w.typeParams(x.TypeParams())
		w.tuple(x.Params())
		w.tuple(x.Results())
	case *types.Union:
		for i := 0; i < x.Len(); i++ {
			w.typ(x.Term(i).Type(), false)
		}
	case *types.TypeParam:
		w.typ(x.Constraint(), false)
	case *types.Struct:
		for i := 0; i < x.NumFields(); i++ {
			if f := x.Field(i); f.Exported() || f.Embedded() {
				w.typ(f.Type(), false)
			}
		}
	case *types.Interface:
		for i := 0; i < x.NumMethods(); i++ {
			if m := x.Method(i); m.Exported() {
				w.typ(m.Type(), false)
			}
		}
		for i := 0; i < x.NumEmbeddeds(); i++ {
			w.typ(x.EmbeddedType(i), false)
		}
	}
}

func (w *walker) typeParams(tp *types.TypeParamList) {
	for i := 0; i < tp.Len(); i++ {
		w.typ(tp.At(i).Constraint(), false)
	}
}

func (w *walker) tuple(t *types.Tuple) {
	for i := 0; i < t.Len(); i++ {
		w.typ(t.At(i).Type(), false)
	}
}

// Run-time binaries (the Lambda functions and the authctl CLI) never carry
// the CDK: it would add the jsii runtime and tens of megabytes to a function
// and start a Node.js process in a CLI.
func TestRunTimeBinariesDoNotImportTheCDK(t *testing.T) {
	deps := goList(t, "-deps", "./functions/...", "./cmd/authctl")
	if len(deps) < 50 {
		t.Fatalf("go list -deps returned %d packages; too few to be the binaries' dependencies", len(deps))
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/aws/aws-cdk-go/") || strings.HasPrefix(d, "github.com/aws/jsii-runtime-go") ||
			strings.HasPrefix(d, "github.com/aws/constructs-go/") || strings.HasPrefix(d, "github.com/cdklabs/") {
			t.Errorf("a run-time binary depends on %s", d)
		}
	}
}
