// Package module locates the authstack module on disk, so constructs can
// build authstack's own functions from any app that imports them.
package module

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Path is authstack's module path.
const Path = "github.com/authstack/authstack"

// Root returns the directory of the authstack module: this source tree when
// it is on disk (a checkout, a replace directive, or the module cache), else
// what `go list -m` reports from the working directory's module.
func Root() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok && filepath.IsAbs(file) {
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return root, nil
		}
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Path).Output()
	if err != nil {
		return "", fmt.Errorf("locating module %s: %w", Path, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Function is the import path of one of authstack's functions
// (functions/<name>).
func Function(name string) string { return Path + "/functions/" + name }
