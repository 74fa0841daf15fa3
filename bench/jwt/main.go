// Command jwt measures token verification side by side, in one run, on the
// same RSA-2048 tokens: the Go floor (rsa.VerifyPKCS1v15 on a precomputed
// digest), authstack's fresh verify (internal/runtime/jwtverify, cache off), a token
// seen before (cache on: expiry and use checked, signature not), the whole
// authorizer handler (p50/p99 latency with a warm JWKS and an in-memory
// deny-list), and aws-jwt-verify on Node (bench/jwt/verify.mjs). It prints
// Markdown. Single core: run it with GOMAXPROCS=1.
//
//	GOMAXPROCS=1 go run ./bench/jwt -seconds 2
package main

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/authstack/authstack/internal/runtime/authorizer"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/jwttest"
	"github.com/authstack/authstack/rules"
)

const nTokens = 64

func main() {
	seconds := flag.Float64("seconds", 2, "seconds per measurement")
	node := flag.String("node", "node", "node binary for aws-jwt-verify")
	emit := flag.String("emit", "", "only write DIR/jwks.json and DIR/authorizer-event.json (a TOKEN request with a fresh token) and exit")
	flag.Parse()
	if *emit != "" {
		tok := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
		ev, _ := json.Marshal(events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: "Bearer " + tok,
			MethodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user"})
		check(os.WriteFile(filepath.Join(*emit, "jwks.json"), jwttest.JWKS(), 0o600))
		check(os.WriteFile(filepath.Join(*emit, "authorizer-event.json"), ev, 0o600))
		return
	}
	dur := time.Duration(*seconds * float64(time.Second))

	dir, err := os.MkdirTemp("", "jwtbench")
	check(err)
	defer os.RemoveAll(dir)
	tokens := make([]string, nTokens)
	now := time.Now()
	for i := range tokens {
		c := jwttest.AccessClaims(now.Add(-time.Duration(i) * time.Second))
		c["jti"] = fmt.Sprintf("jti-%d", i)
		tokens[i] = jwttest.Sign(c, "kid-1", jwttest.Keys()[0])
	}
	check(os.WriteFile(filepath.Join(dir, "tokens.txt"), []byte(strings.Join(tokens, "\n")), 0o600))
	check(os.WriteFile(filepath.Join(dir, "jwks.json"), jwttest.JWKS(), 0o600))
	meta, _ := json.Marshal(map[string]string{"poolId": jwttest.PoolID, "clientId": jwttest.ClientID})
	check(os.WriteFile(filepath.Join(dir, "meta.json"), meta, 0o600))

	keys, err := jwtverify.ParseKeySet(jwttest.JWKS())
	check(err)
	src := staticKeys(keys)
	ctx := context.Background()

	// Floor: the RSA verification alone.
	pub := keys["kid-1"]
	type pre struct{ digest, sig []byte }
	pres := make([]pre, nTokens)
	for i, t := range tokens {
		dot := strings.LastIndexByte(t, '.')
		d := sha256.Sum256([]byte(t[:dot]))
		sig, _ := base64.RawURLEncoding.DecodeString(t[dot+1:])
		pres[i] = pre{d[:], sig}
	}
	floor := rate(dur, func(i int) {
		p := pres[i%nTokens]
		check(rsa.VerifyPKCS1v15(pub, crypto.SHA256, p.digest, p.sig))
	})

	fresh := &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: src, CacheSize: -1}
	freshRate := rate(dur, func(i int) { _, err := fresh.Verify(ctx, tokens[i%nTokens], jwtverify.Access); check(err) })

	cached := &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: src}
	for _, t := range tokens {
		_, err := cached.Verify(ctx, t, jwtverify.Access)
		check(err)
	}
	cachedRate := rate(dur, func(i int) { _, err := cached.Verify(ctx, tokens[i%nTokens], jwtverify.Access); check(err) })

	// The JOSE library's own parse-and-verify, for comparison.
	set, err := jwk.Parse(jwttest.JWKS())
	check(err)
	jwxRate := rate(dur, func(i int) {
		_, err := jwt.Parse([]byte(tokens[i%nTokens]), jwt.WithKeySet(set), jwt.WithIssuer(jwttest.Issuer))
		check(err)
	})

	// The whole authorizer handler: verify (cache on) + deny-list + policy.
	h := &authorizer.Handler{
		Verifier:    &jwtverify.Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: src},
		Revocations: memDenyList{}, Metrics: &telemetry.Metrics{W: io.Discard, Stack: "bench"},
		Log:   slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Rules: []rules.Rule{{Method: "GET", Path: "/user"}, {Method: "GET", Path: "/users/{id}", Groups: []string{"admin"}, Owner: "id"}, {Method: "POST", Path: "/auth/logout"}},
	}
	lat := latencies(dur, func(i int) {
		_, err := h.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{Type: "TOKEN", AuthorizationToken: "Bearer " + tokens[i%nTokens],
			MethodArn: "arn:aws:execute-api:eu-west-1:123456789012:abc/v1/GET/user"})
		check(err)
	})

	out, err := exec.Command(*node, "bench/jwt/verify.mjs", dir, fmt.Sprint(*seconds)).Output()
	nodeRate := 0.0
	if err == nil {
		var r struct{ VerifiesPerSecond float64 }
		if json.Unmarshal(out, &r) == nil {
			nodeRate = r.VerifiesPerSecond
		}
	} else {
		fmt.Fprintln(os.Stderr, "aws-jwt-verify:", err)
	}

	fmt.Println("| verifier (RSA-2048 access tokens, one core) | verifies/s | vs Go floor | vs aws-jwt-verify | target |")
	fmt.Println("|---|---|---|---|---|")
	row := func(name string, r float64, target string) {
		vsNode := "-"
		if nodeRate > 0 {
			vsNode = fmt.Sprintf("%.2f×", r/nodeRate)
		}
		fmt.Printf("| %s | %.0f | %.2f× | %s | %s |\n", name, r, r/floor, vsNode, target)
	}
	row("Go floor: `rsa.VerifyPKCS1v15` on a precomputed digest", floor, "")
	row("authstack, fresh token (`internal/runtime/jwtverify`, cache off)", freshRate, "≥ 0.80× floor")
	row("authstack, token seen before (cache: expiry and use still checked)", cachedRate, "≥ 10× aws-jwt-verify")
	if nodeRate > 0 {
		row("aws-jwt-verify 5.2.1 on Node 24 (`verifySync`)", nodeRate, "")
	}
	row("lestrrat-go/jwx v3.3.0 `jwt.Parse` with the key set", jwxRate, "")
	fmt.Println()
	fmt.Printf("Authorizer handler (verify with cache + in-memory deny-list + rules → policy), %d calls: p50 %.1f µs, p99 %.1f µs (target p99 < 1 ms).\n",
		len(lat), us(lat[len(lat)/2]), us(lat[len(lat)*99/100]))
}

type staticKeys map[string]*rsa.PublicKey

func (s staticKeys) Key(_ context.Context, kid string) (*rsa.PublicKey, error) { return s[kid], nil }

type memDenyList struct{}

func (memDenyList) Revoked(context.Context, *jwtverify.Claims) (bool, string, error) {
	return false, "", nil
}

// rate runs f repeatedly for about d and returns calls per second.
func rate(d time.Duration, f func(i int)) float64 {
	for i := 0; i < 200; i++ {
		f(i)
	}
	n, start := 0, time.Now()
	for time.Since(start) < d {
		for j := 0; j < 100; j++ {
			f(n + j)
		}
		n += 100
	}
	return float64(n) / time.Since(start).Seconds()
}

// latencies times each call of f for about d, sorted.
func latencies(d time.Duration, f func(i int)) []time.Duration {
	for i := 0; i < 200; i++ {
		f(i)
	}
	var out []time.Duration
	start := time.Now()
	for i := 0; time.Since(start) < d; i++ {
		t := time.Now()
		f(i)
		out = append(out, time.Since(t))
	}
	slices.Sort(out)
	return out
}

func us(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1000 }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "jwt bench:", err)
		os.Exit(1)
	}
}
