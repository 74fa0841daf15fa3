package hashindex

import (
	"fmt"
	"strings"
	"testing"
)

func TestBuildAndContains(t *testing.T) {
	var b strings.Builder
	b.WriteString("# comment line\n")
	for i := range 1000 {
		fmt.Fprintf(&b, "d%d.example\n", i)
	}
	list := b.String()
	index := string(Build(list))
	if len(index)/4 < 2000 || len(index)/4&(len(index)/4-1) != 0 {
		t.Fatalf("slots = %d; want a power of two at least twice the entries", len(index)/4)
	}
	for i := range 1000 {
		if d := fmt.Sprintf("d%d.example", i); !Contains(list, index, d) {
			t.Errorf("Contains(%q) = false", d)
		}
	}
	for _, s := range []string{"", "# comment line", "d1000.example", "d1.exampl", "x"} {
		if Contains(list, index, s) {
			t.Errorf("Contains(%q) = true", s)
		}
	}
	if Contains("", "", "x") {
		t.Error("empty index contains x")
	}
}
