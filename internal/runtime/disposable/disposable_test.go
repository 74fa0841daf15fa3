package disposable

import (
	"strings"
	"sync"
	"testing"

	"github.com/authstack/authstack/internal/runtime/disposable/hashindex"
)

func TestDisposable(t *testing.T) {
	c := NewChecker([]string{"Blocked.Example"}, []string{"allowed.grr.la", "10minutemail.com"})
	cases := []struct {
		domain string
		want   bool
	}{
		{"grr.la", true},              // the reference's disposable sample event
		{"GRR.LA", true},              // case-insensitive
		{"grr.la.", true},             // trailing dot
		{"mx.grr.la", true},           // subdomain of a listed domain
		{"deep.mx.grr.la", true},      // deeper subdomain
		{"gmail.com", false},          // the reference's normal sample event
		{"example.com", false},        //
		{"grr.la.example.com", false}, // a listed name as a prefix is not a parent
		{"xgrr.la", false},            // suffix match must be at a label boundary
		{"blocked.example", true},     // extra deny
		{"a.blocked.example", true},   // and its subdomains
		{"allowed.grr.la", false},     // allow wins over the list
		{"10minutemail.com", false},   // allow wins over the list
		{"x.allowed.grr.la", false},   // and covers subdomains
		{"la", false},                 // bare top-level domain
		{"", false},                   //
		{".", false},                  //
	}
	for _, tc := range cases {
		if got := c.Disposable(tc.domain); got != tc.want {
			t.Errorf("Disposable(%q) = %v; want %v", tc.domain, got, tc.want)
		}
	}
	var zero *Checker
	if !zero.Disposable("grr.la") || zero.Disposable("gmail.com") {
		t.Error("nil Checker must use the embedded list alone")
	}
	if !(&Checker{}).Disposable("10minutemail.com") {
		t.Error("10minutemail.com should be listed")
	}
}

func TestListSize(t *testing.T) {
	if n := Size(); n < 50000 {
		t.Errorf("Size() = %d; want the full mailchecker list (> 50000)", n)
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _ = (&Checker{}).Disposable("grr.la") }()
	}
	wg.Wait()
}

var sink bool

// BenchmarkDisposable measures one check of a typical non-disposable
// address's domain (every parent domain is looked up).
func BenchmarkDisposable(b *testing.B) {
	c := NewChecker(nil, nil)
	c.Disposable("warm.up")
	for _, d := range []string{"gmail.com", "mail.example.co.uk", "grr.la"} {
		b.Run(d, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				sink = c.Disposable(d)
			}
		})
	}
}

func TestIndexFindsEveryListedDomain(t *testing.T) {
	n := 0
	for _, d := range strings.Split(list, "\n") {
		if d == "" || d[0] == '#' {
			continue
		}
		n++
		if !hashindex.Contains(list, index, d) {
			t.Fatalf("listed(%q) = false for a domain of the list", d)
		}
		if hashindex.Contains(list, index, d+"x") && !strings.Contains(list, "\n"+d+"x\n") {
			t.Fatalf("listed(%q) = true for a domain not in the list", d+"x")
		}
	}
	if n != Size() {
		t.Errorf("list has %d domains, index %d", n, Size())
	}
	if hashindex.Contains("", "", "grr.la") {
		t.Error("an empty index lists nothing")
	}
}
