package rules

import "strings"

// This file decides whether a policy pattern (API Gateway's wildcard: *
// is any run of characters, '/' included) can match a request routed to
// another rule's route. Both are regular languages over the characters of
// "METHOD/path"; the check intersects two small automata.

// class is a set of characters a transition consumes.
type class int

const (
	oneChar  class = iota // exactly one character
	anyChar               // any character ('/' included)
	nonSlash              // any character but '/': a path parameter's value
	subChar               // A-Z a-z 0-9 -: a sub in an owner pattern (safeSub)
)

type label struct {
	class class
	c     byte // for oneChar
}

func (l label) contains(c byte) bool {
	switch l.class {
	case oneChar:
		return l.c == c
	case anyChar:
		return true
	case nonSlash:
		return c != '/'
	}
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-'
}

// meets reports whether some character is in both labels. Every class is
// non-empty and subChar ⊂ nonSlash ⊂ anyChar.
func meets(a, b label) bool {
	switch {
	case a.class == oneChar:
		return b.contains(a.c)
	case b.class == oneChar:
		return a.contains(b.c)
	}
	return true
}

type edge struct {
	label label
	to    int
}

// nfa has states 0..len(edges)-1, start 0, accept final; eps are empty moves.
type nfa struct {
	edges [][]edge
	eps   [][]int
	final int
}

func (n *nfa) state() int {
	n.edges = append(n.edges, nil)
	n.eps = append(n.eps, nil)
	return len(n.edges) - 1
}

// builder appends atoms to an automaton, state by state.
type builder struct {
	n   nfa
	cur int
}

func newBuilder() *builder {
	b := &builder{}
	b.cur = b.n.state()
	return b
}

func (b *builder) literal(s string) {
	for i := 0; i < len(s); i++ {
		next := b.n.state()
		b.n.edges[b.cur] = append(b.n.edges[b.cur], edge{label{oneChar, s[i]}, next})
		b.cur = next
	}
}

// star is zero or more characters of cl.
func (b *builder) star(cl class) {
	b.n.edges[b.cur] = append(b.n.edges[b.cur], edge{label{class: cl}, b.cur})
}

// plus is one or more characters of cl.
func (b *builder) plus(cl class) {
	next := b.n.state()
	b.n.edges[b.cur] = append(b.n.edges[b.cur], edge{label{class: cl}, next})
	b.n.edges[next] = append(b.n.edges[next], edge{label{class: cl}, next})
	b.cur = next
}

func (b *builder) done() nfa {
	b.n.final = b.cur
	return b.n
}

// patternNFA is the language of a policy pattern "METHOD/path" whose *
// means any characters and whose owner segment (ownerSub) is a sub.
func patternNFA(method, pattern string, owner bool, ownerSegment int) nfa {
	b := newBuilder()
	b.literal(method)
	segs := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	for i, s := range segs {
		b.literal("/")
		switch {
		case owner && i == ownerSegment:
			b.plus(subChar)
		case s == "*":
			b.star(anyChar)
		default:
			b.literal(s)
		}
	}
	return b.done()
}

// routeNFA is the language of the requests a route template takes for
// method: {param} is one segment, {param+} one or more characters.
func routeNFA(method, template string) nfa {
	b := newBuilder()
	b.literal(method)
	if template == "/" {
		b.literal("/")
		return b.done()
	}
	for _, s := range strings.Split(strings.TrimPrefix(template, "/"), "/") {
		b.literal("/")
		switch {
		case strings.HasSuffix(s, "+}"):
			b.plus(anyChar)
		case strings.HasPrefix(s, "{"):
			b.plus(nonSlash)
		default:
			b.literal(s)
		}
	}
	return b.done()
}

// intersects reports whether some string is in both languages.
func intersects(a, b nfa) bool {
	type pair struct{ p, q int }
	seen := map[pair]bool{}
	var queue []pair
	push := func(p, q int) {
		// Follow empty moves on both sides.
		for _, pp := range closure(a, p) {
			for _, qq := range closure(b, q) {
				if k := (pair{pp, qq}); !seen[k] {
					seen[k] = true
					queue = append(queue, k)
				}
			}
		}
	}
	push(0, 0)
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur.p == a.final && cur.q == b.final {
			return true
		}
		for _, ea := range a.edges[cur.p] {
			for _, eb := range b.edges[cur.q] {
				if meets(ea.label, eb.label) {
					push(ea.to, eb.to)
				}
			}
		}
	}
	return false
}

func closure(n nfa, s int) []int {
	out := []int{s}
	for i := 0; i < len(out); i++ {
		for _, t := range n.eps[out[i]] {
			if !contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// shape is one kind of pattern a rule can put in a policy.
type shape struct {
	rule         Rule
	owner        bool // the owner segment is the caller's sub
	ownerSegment int
}

// shapes are the patterns r can grant: all parameters as * (a group
// member, or a rule without conditions), and the owner's own path.
func (r Rule) shapes() []shape {
	var out []shape
	if len(r.Groups) > 0 || r.Owner == "" {
		out = append(out, shape{rule: r})
	}
	if r.Owner != "" {
		for i, s := range strings.Split(strings.TrimPrefix(r.Path, "/"), "/") {
			if strings.Trim(s, "{}") == r.Owner {
				out = append(out, shape{rule: r, owner: true, ownerSegment: i})
			}
		}
	}
	return out
}

// reaches reports whether the shape's pattern, for any method it is granted
// with, can match a request API Gateway routes to b's route. A pattern
// without wildcards is one request, routed exactly (Route: a literal
// resource before a parameter, the method before ANY); a pattern with
// wildcards is compared with b's whole template, more specific routes
// included (an over-approximation: Validate may refuse a set whose
// overlap API Gateway's routing would in fact resolve).
func (s shape) reaches(rs []Rule, b Rule) bool {
	pattern := s.rule.pattern("")
	for _, m := range s.rule.methods() {
		if !s.owner && !strings.Contains(pattern, "*") {
			if to, _, ok := Route(rs, m, pattern); ok && to.Method == b.Method && to.Path == b.Path {
				return true
			}
			continue
		}
		p := patternNFA(m, pattern, s.owner, s.ownerSegment)
		for _, bm := range b.methods() {
			if bm == m && intersects(p, routeNFA(bm, b.Path)) {
				return true
			}
		}
	}
	return false
}
