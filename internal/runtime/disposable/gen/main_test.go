package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/authstack/authstack/internal/runtime/disposable/hashindex"
)

// TestEmbeddedListMatchesPinnedPackage proves domains.txt is exactly what the
// pinned npm package generates (make generate), so nobody hand-edits it.
func TestEmbeddedListMatchesPinnedPackage(t *testing.T) {
	pkg := filepath.Join("..", "..", "..", "..", "node_modules", "mailchecker")
	if _, err := os.Stat(pkg); err != nil {
		t.Skip("node_modules/mailchecker is not installed; run `make tools`")
	}
	want, err := Generate(pkg)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "domains.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("internal/runtime/disposable/domains.txt differs from the pinned mailchecker package; run `make generate`")
	}
	index, err := os.ReadFile(filepath.Join("..", "index.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(index, hashindex.Build(string(got))) {
		t.Error("internal/runtime/disposable/index.bin does not index domains.txt; run `make generate`")
	}
}

func TestGenerateRejectsChangedLayout(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "platform", "node"), 0o755)
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"mailchecker","version":"9.9.9"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "platform", "node", "index.js"), []byte(`module.exports = {}`), 0o644)
	if _, err := Generate(dir); err == nil {
		t.Error("Generate accepted a package without the blacklist literal")
	}
	os.WriteFile(filepath.Join(dir, "platform", "node", "index.js"), []byte(`var blacklist = new Set(["a.com"]);`), 0o644)
	if _, err := Generate(dir); err == nil {
		t.Error("Generate accepted a suspiciously short list")
	}
}
