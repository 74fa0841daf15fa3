// Package disposable tells whether an email domain belongs to a disposable
// (throw-away) email provider.
//
// The list is the npm package mailchecker, pinned in package.json and
// embedded by a reproducible generate step (domains.txt and its hash index
// index.bin; see gen/), so a new process does no work to load it. A domain
// matches when it, or any parent domain of it, is listed, so sub.grr.la is
// disposable because grr.la is. Matching is case-insensitive and ignores a
// trailing dot. Callers can add domains to deny and domains to allow; allow
// wins.
package disposable

import (
	_ "embed"
	"strings"

	"github.com/authstack/authstack/internal/runtime/disposable/hashindex"
)

//go:generate go run ./gen -pkg ../../../node_modules/mailchecker -out domains.txt

//go:embed domains.txt
var list string

//go:embed index.bin
var index string

// Size is the number of domains in the embedded list.
func Size() int {
	n := 0
	for i := 0; i+4 <= len(index); i += 4 {
		if index[i:i+4] != "\xff\xff\xff\xff" {
			n++
		}
	}
	return n
}

// Checker matches domains against the embedded list plus extra deny and
// allow entries. The zero value uses the embedded list alone. A Checker is
// safe for concurrent use once built.
type Checker struct {
	deny, allow map[string]struct{}
}

// NewChecker returns a Checker that also denies the domains in deny (and
// their subdomains) and never denies the domains in allow (nor their
// subdomains), whatever the list says.
func NewChecker(deny, allow []string) *Checker {
	return &Checker{deny: set(deny), allow: set(allow)}
}

// Disposable reports whether domain, or a parent domain of it, is listed.
// Single-label names (a bare top-level domain) are never matched on their own.
func (c *Checker) Disposable(domain string) bool {
	d := normalize(domain)
	if d == "" {
		return false
	}
	denied := false
	for s := d; ; {
		if c != nil {
			if _, ok := c.allow[s]; ok {
				return false
			}
			if _, ok := c.deny[s]; ok {
				denied = true
			}
		}
		if !denied && hashindex.Contains(list, index, s) {
			denied = true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 || strings.IndexByte(s[i+1:], '.') < 0 {
			// Stop before the bare top-level domain.
			return denied
		}
		s = s[i+1:]
	}
}

// normalize lower-cases ASCII and drops one trailing dot, allocating only
// when the domain has upper-case letters.
func normalize(d string) string {
	d = strings.TrimSuffix(d, ".")
	for i := 0; i < len(d); i++ {
		if c := d[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(d)
		}
	}
	return d
}

func set(domains []string) map[string]struct{} {
	if len(domains) == 0 {
		return nil
	}
	m := make(map[string]struct{}, len(domains))
	for _, d := range domains {
		if d = normalize(strings.TrimSpace(d)); d != "" {
			m[d] = struct{}{}
		}
	}
	return m
}
