package jwtverify

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/jwttest"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// staticKeys is a KeySource over the test JWKS.
type staticKeys map[string]*rsa.PublicKey

func (s staticKeys) Key(_ context.Context, kid string) (*rsa.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, ErrUnknownKey
}

func verifier(t testing.TB) *Verifier {
	keys, err := ParseKeySet(jwttest.JWKS())
	if err != nil {
		t.Fatal(err)
	}
	return &Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: staticKeys(keys), Now: func() time.Time { return now }}
}

func with(c map[string]interface{}, k string, v interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for key, val := range c {
		out[key] = val
	}
	if v == nil {
		delete(out, k)
	} else {
		out[k] = v
	}
	return out
}

func TestValidTokens(t *testing.T) {
	v := verifier(t)
	key := jwttest.Keys()[0]
	access := jwttest.Sign(jwttest.AccessClaims(now.Add(-time.Minute)), "kid-1", key)
	c, err := v.Verify(context.Background(), access, Access)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != jwttest.Sub || c.User() != "jane" || c.Client() != jwttest.ClientID || len(c.Scopes()) != 3 || c.SessionID() == "" || c.Groups[0] != "app-user" {
		t.Errorf("claims = %+v", c)
	}
	id := jwttest.Sign(jwttest.IDClaims(now.Add(-time.Minute)), "kid-1", key)
	if c, err := v.Verify(context.Background(), id, ID); err != nil || c.User() != "jane" || c.Client() != jwttest.ClientID {
		t.Errorf("id token: %+v, %v", c, err)
	}
	if _, err := v.Verify(context.Background(), id, Any); err != nil {
		t.Errorf("id token with Any: %v", err)
	}
}

// TestHostileCorpus: every token here must be denied, with the right error.
func TestHostileCorpus(t *testing.T) {
	key, stranger := jwttest.Keys()[0], jwttest.Keys()[1]
	good := jwttest.AccessClaims(now.Add(-time.Minute))
	valid := jwttest.Sign(good, "kid-1", key)
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(
		string(mustDecode(parts[1])), `"username":"jane"`, `"username":"admin"`, 1))) + "." + parts[2]
	cases := []struct {
		name  string
		token string
		use   string
		want  error
	}{
		{"expired", jwttest.Sign(with(good, "exp", now.Add(-time.Hour).Unix()), "kid-1", key), Any, ErrExpired},
		{"expired within skew is still valid?", jwttest.Sign(with(good, "exp", now.Add(-31*time.Second).Unix()), "kid-1", key), Any, ErrExpired},
		{"issued in the future", jwttest.Sign(with(good, "iat", now.Add(time.Hour).Unix()), "kid-1", key), Any, ErrNotYetValid},
		{"not yet valid (nbf)", jwttest.Sign(with(good, "nbf", now.Add(time.Hour).Unix()), "kid-1", key), Any, ErrNotYetValid},
		{"wrong issuer", jwttest.Sign(with(good, "iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other"), "kid-1", key), Any, ErrIssuer},
		{"wrong client", jwttest.Sign(with(good, "client_id", "someoneelse"), "kid-1", key), Any, ErrClient},
		{"no client", jwttest.Sign(with(good, "client_id", nil), "kid-1", key), Any, ErrClient},
		{"id token aud wrong", jwttest.Sign(with(jwttest.IDClaims(now), "aud", "x"), "kid-1", key), Any, ErrClient},
		{"wrong token_use for route", valid, ID, ErrTokenUse},
		{"unknown token_use", jwttest.Sign(with(good, "token_use", "refresh"), "kid-1", key), Any, ErrTokenUse},
		{"alg none", jwttest.None(good), Any, ErrMalformed},
		{"alg none with signature", jwttest.None(good) + parts[2], Any, ErrAlgorithm},
		{"HS256 with the public key", jwttest.HS256WithPublicKey(good, "kid-1"), Any, ErrAlgorithm},
		{"RS512 header", jwttest.SignWithHeader(map[string]interface{}{"alg": "RS512", "kid": "kid-1"}, good, key), Any, ErrAlgorithm},
		{"unknown kid", jwttest.Sign(good, "kid-9", key), Any, ErrUnknownKey},
		{"no kid", jwttest.SignWithHeader(map[string]interface{}{"alg": "RS256"}, good, key), Any, ErrMalformed},
		{"signed by another key", jwttest.Sign(good, "kid-1", stranger), Any, ErrSignature},
		{"tampered payload", tampered, Any, ErrSignature},
		{"truncated", valid[:len(valid)-10], Any, ErrSignature},
		{"signature removed", parts[0] + "." + parts[1] + ".", Any, ErrMalformed},
		{"huge signature", parts[0] + "." + parts[1] + "." + strings.Repeat("A", 4000), Any, ErrSignature},
		{"two segments", parts[0] + "." + parts[1], Any, ErrMalformed},
		{"four segments", valid + ".x", Any, ErrMalformed},
		{"empty", "", Any, ErrMalformed},
		{"oversized", jwttest.Sign(with(good, "pad", strings.Repeat("x", MaxTokenBytes)), "kid-1", key), Any, ErrMalformed},
		{"non-JSON header", base64.RawURLEncoding.EncodeToString([]byte("not json")) + "." + parts[1] + "." + parts[2], Any, ErrMalformed},
		{"non-base64 header", "!!!." + parts[1] + "." + parts[2], Any, ErrMalformed},
		{"non-JSON payload", jwttest.SignWithHeader(map[string]interface{}{"alg": "RS256", "kid": "kid-1"}, nil, key), Any, ErrMalformed},
		{"JSON array header", base64.RawURLEncoding.EncodeToString([]byte(`["RS256"]`)) + "." + parts[1] + "." + parts[2], Any, ErrMalformed},
		{"no sub", jwttest.Sign(with(good, "sub", nil), "kid-1", key), Any, ErrMalformed},
		{"claims of the wrong type", jwttest.Sign(with(good, "exp", "tomorrow"), "kid-1", key), Any, ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := verifier(t)
			c, err := v.Verify(context.Background(), tc.token, tc.use)
			if err == nil || c != nil {
				t.Fatalf("Verify accepted a hostile token (%s)", tc.name)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestCacheNeverSkipsExpiry(t *testing.T) {
	v := verifier(t)
	clock := now
	v.Now = func() time.Time { return clock }
	token := jwttest.Sign(jwttest.AccessClaims(now.Add(-time.Minute)), "kid-1", jwttest.Keys()[0])
	if _, err := v.Verify(context.Background(), token, Access); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), token, ID); !errors.Is(err, ErrTokenUse) {
		t.Errorf("cached token with wrong use: %v", err)
	}
	clock = now.Add(time.Hour)
	if _, err := v.Verify(context.Background(), token, Access); !errors.Is(err, ErrExpired) {
		t.Errorf("cached token after expiry: %v; want ErrExpired", err)
	}
}

func TestCacheIsBounded(t *testing.T) {
	v := verifier(t)
	v.CacheSize = 8
	for i := 0; i < 50; i++ {
		c := jwttest.AccessClaims(now.Add(-time.Duration(i) * time.Second))
		if _, err := v.Verify(context.Background(), jwttest.Sign(c, "kid-1", jwttest.Keys()[0]), Access); err != nil {
			t.Fatal(err)
		}
		if len(v.cache) > 8 {
			t.Fatalf("cache holds %d entries; bound is 8", len(v.cache))
		}
	}
}

func TestJWKSRefreshIsRateLimited(t *testing.T) {
	var fetches atomic.Int32
	up := atomic.Bool{}
	up.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		if !up.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write(jwttest.JWKS())
	}))
	defer srv.Close()
	j := &JWKS{URL: srv.URL, RefreshInterval: time.Hour, RetryInterval: time.Hour}
	ctx := context.Background()
	if _, err := j.Key(ctx, "kid-1"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if _, err := j.Key(ctx, "forged-"+string(rune('a'+i))); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("unknown kid: %v", err)
		}
	}
	if _, err := j.Key(ctx, "kid-1"); err != nil {
		t.Fatal(err)
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("fetched %d times; unknown kids must not refetch within the interval", n)
	}
	// Fails closed when the key set is unreachable.
	down := &JWKS{URL: srv.URL}
	up.Store(false)
	if _, err := down.Key(ctx, "kid-1"); !errors.Is(err, ErrKeysUnavailable) {
		t.Errorf("unreachable JWKS: %v; want ErrKeysUnavailable", err)
	}
	if _, err := (&JWKS{URL: "http://127.0.0.1:1/jwks"}).Key(ctx, "kid-1"); !errors.Is(err, ErrKeysUnavailable) {
		t.Errorf("refused JWKS: %v", err)
	}
}

func TestParseKeySetSkipsUnusableKeys(t *testing.T) {
	for _, doc := range []string{`{"keys":[]}`, `{"keys":[{"kty":"oct","k":"AAAA","kid":"h"}]}`, `not json`} {
		if _, err := ParseKeySet([]byte(doc)); err == nil {
			t.Errorf("ParseKeySet(%s) = nil error", doc)
		}
	}
}

func mustDecode(s string) []byte {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzVerify feeds arbitrary strings through the parsing path: it must
// never panic and never accept anything but the valid seed.
func FuzzVerify(f *testing.F) {
	key := jwttest.Keys()[0]
	valid := jwttest.Sign(jwttest.AccessClaims(now.Add(-time.Minute)), "kid-1", key)
	f.Add(valid)
	f.Add(jwttest.None(jwttest.AccessClaims(now)))
	f.Add(jwttest.HS256WithPublicKey(jwttest.AccessClaims(now), "kid-1"))
	f.Add("a.b.c")
	f.Add("..")
	v := verifier(f)
	v.CacheSize = -1
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token, Any)
		if err == nil && token != valid {
			t.Fatalf("accepted a token that is not the valid seed: %q (%+v)", token, c)
		}
	})
}

func BenchmarkVerifyFresh(b *testing.B) {
	v := verifier(b)
	v.CacheSize = -1
	v.Now = time.Now
	token := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := v.Verify(context.Background(), token, Access); err != nil {
			b.Fatal(err)
		}
	}
}

func TestKeySetURL(t *testing.T) {
	const issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
	cases := []struct {
		name    string
		env     map[string]string
		want    string // URL, or an error substring when wantErr
		wantErr bool
	}{
		{"Cognito's public endpoint", nil, issuer + "/.well-known/jwks.json", false},
		{"explicit URL wins", map[string]string{contract.EnvJWKSURL: "https://keys.example.com/jwks.json", EnvEndpoint: "http://127.0.0.1:4566"},
			"https://keys.example.com/jwks.json", false},
		{"explicit URL in clear text to another host", map[string]string{contract.EnvJWKSURL: "http://keys.example.com/jwks.json"}, "AUTHSTACK_JWKS_URL", true},
		{"explicit URL over loopback http", map[string]string{contract.EnvJWKSURL: "http://127.0.0.1:9000/jwks.json"}, "http://127.0.0.1:9000/jwks.json", false},
		{"global endpoint override", map[string]string{EnvEndpoint: "http://127.0.0.1:4566"},
			"http://127.0.0.1:4566/eu-west-1_AbC123/.well-known/jwks.json", false},
		{"service override before the global one", map[string]string{EnvCognitoEndpoint: "http://localhost:4599/", EnvEndpoint: "http://127.0.0.1:4566"},
			"http://localhost:4599/eu-west-1_AbC123/.well-known/jwks.json", false},
		{"IPv6 loopback", map[string]string{EnvEndpoint: "http://[::1]:4566"},
			"http://[::1]:4566/eu-west-1_AbC123/.well-known/jwks.json", false},
		{"https to loopback", map[string]string{EnvEndpoint: "https://127.0.0.1:4566/base"},
			"https://127.0.0.1:4566/base/eu-west-1_AbC123/.well-known/jwks.json", false},
		// Overrides to other hosts (a proxy, a VPC or FIPS endpoint) never decide whose keys are trusted.
		{"https override to another host is ignored", map[string]string{EnvEndpoint: "https://vpce-123.cognito-idp.eu-west-1.vpce.amazonaws.com"},
			issuer + "/.well-known/jwks.json", false},
		{"http override to another host is ignored", map[string]string{EnvCognitoEndpoint: "http://10.0.0.5:4566"}, issuer + "/.well-known/jwks.json", false},
		{"a name that starts like loopback is another host", map[string]string{EnvEndpoint: "http://127.0.0.1.evil.example:4566"}, issuer + "/.well-known/jwks.json", false},
		{"userinfo is not the host", map[string]string{EnvEndpoint: "http://127.0.0.1@evil.example:4566"}, issuer + "/.well-known/jwks.json", false},
		{"not a URL", map[string]string{EnvEndpoint: "127.0.0.1:4566"}, "not an endpoint URL", true},
		{"other scheme", map[string]string{EnvEndpoint: "ftp://127.0.0.1"}, "not an endpoint URL", true},
		{"query in the endpoint", map[string]string{EnvEndpoint: "http://127.0.0.1:4566/?x=/y"}, "not an endpoint URL", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := KeySetURL(func(k string) string { return tc.env[k] }, issuer)
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("KeySetURL = %q, %v; want an error containing %q", got, err, tc.want)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("KeySetURL = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	// The issuer check never relaxes: FromEnv keeps the issuer it was given.
	v, err := FromEnv(func(k string) string {
		return map[string]string{contract.EnvIssuer: issuer, contract.EnvClientIDs: "c", EnvEndpoint: "http://127.0.0.1:4566"}[k]
	})
	if err != nil || v.Issuer != issuer {
		t.Errorf("FromEnv with an endpoint override: issuer %q, %v; want %q", v.Issuer, err, issuer)
	}
}

func TestKeySetURLNeedsAPoolIDInTheIssuer(t *testing.T) {
	env := map[string]string{EnvEndpoint: "http://127.0.0.1:4566"}
	for _, issuer := range []string{"https://cognito-idp.eu-west-1.amazonaws.com", "https://x/..", "https://x/p?q=/a", "https://x/eu-west-1_"} {
		if got, err := KeySetURL(func(k string) string { return env[k] }, issuer); err == nil {
			t.Errorf("KeySetURL(issuer %q) = %q; want an error", issuer, got)
		}
	}
}

// TestNamesAreExactAndUnique: the claims and header fields we read are
// matched case-sensitively (RFC 7519 section 4: claim names are case
// sensitive) and may appear once; a case variant or a duplicate of one is
// a malformed token, whatever its position.
func TestNamesAreExactAndUnique(t *testing.T) {
	key := jwttest.Keys()[0]
	good, _ := json.Marshal(jwttest.AccessClaims(now.Add(-time.Minute)))
	payload := strings.TrimSuffix(string(good), "}")
	cases := map[string]struct{ header, payload string }{
		"duplicate sub":                 {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"sub":"someone-else"}`},
		"duplicate scope":               {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"scope":"admin"}`},
		"upper-case SUB":                {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"SUB":"x"}`},
		"Scope in another case":         {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"Scope":"api/admin"}`},
		"Cognito:Groups":                {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"Cognito:Groups":["admin"]}`},
		"Unicode folding (long s) sub":  {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"ſub":"x"}`},
		"Kelvin sign in token_use":      {`{"alg":"RS256","kid":"kid-1"}`, payload + `,"to\u212aen_use":"id"}`},
		"header kid twice":              {`{"alg":"RS256","kid":"kid-1","kid":"kid-2"}`, string(good)},
		"header KID":                    {`{"alg":"RS256","kid":"kid-1","KID":"kid-2"}`, string(good)},
		"header Alg":                    {`{"alg":"RS256","Alg":"none","kid":"kid-1"}`, string(good)},
		"number where a string belongs": {`{"alg":"RS256","kid":"kid-1"}`, strings.Replace(string(good), `"token_use":"access"`, `"token_use":1`, 1)},
		"invalid UTF-8":                 {`{"alg":"RS256","kid":"kid-1"}`, payload + ",\"x\":\"\xff\"}"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			v := verifier(t)
			_, err := v.Verify(context.Background(), jwttest.SignRaw(tc.header, tc.payload, key), Any)
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify = %v; want ErrMalformed", err)
			}
		})
	}
	// Unknown claims in any case are fine (Cognito adds its own).
	v := verifier(t)
	if _, err := v.Verify(context.Background(), jwttest.SignRaw(`{"alg":"RS256","kid":"kid-1","typ":"JWT"}`, payload+`,"Custom_Claim":1,"EVENT_ID":"e2"}`, key), Any); err != nil {
		t.Errorf("unknown claims refused: %v", err)
	}
}

// TestOneSpellingPerToken: Go's base64 decoder skips '\r' and '\n' even in
// strict mode; any byte outside the base64url alphabet makes the token
// malformed, in every segment.
func TestOneSpellingPerToken(t *testing.T) {
	token := jwttest.Sign(jwttest.AccessClaims(now.Add(-time.Minute)), "kid-1", jwttest.Keys()[0])
	d1, d2 := strings.IndexByte(token, '.'), strings.LastIndexByte(token, '.')
	for _, bad := range []string{"\n", "\r", "\r\n", " ", "=", "+", "/", "\t"} {
		for name, at := range map[string]int{"header": d1 - 2, "payload": d1 + 5, "signature": d2 + 5} {
			spelled := token[:at] + bad + token[at:]
			if _, err := verifier(t).Verify(context.Background(), spelled, Any); err == nil {
				t.Errorf("%q in the %s was accepted", bad, name)
			}
		}
	}
}

// TestWithdrawnKeyTakesItsCachedTokens: a token verified and cached stops
// working once its key leaves the key set.
func TestWithdrawnKeyTakesItsCachedTokens(t *testing.T) {
	var set atomic.Pointer[[]byte]
	doc := jwttest.JWKS()
	set.Store(&doc)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(*set.Load()) }))
	defer srv.Close()
	keys := &JWKS{URL: srv.URL, MaxAge: 50 * time.Millisecond, RetryInterval: time.Millisecond}
	v := &Verifier{Issuer: jwttest.Issuer, ClientIDs: []string{jwttest.ClientID}, Keys: keys}
	token := jwttest.Sign(jwttest.AccessClaims(time.Now()), "kid-1", jwttest.Keys()[0])
	if _, err := v.Verify(context.Background(), token, Access); err != nil {
		t.Fatal(err)
	}
	// WHEN the issuer rotates: kid-1 withdrawn, kid-2 published, and the set is refreshed
	rotated := []byte(strings.Replace(string(doc), `"kid":"kid-1"`, `"kid":"kid-2"`, 1))
	set.Store(&rotated)
	time.Sleep(60 * time.Millisecond)
	// THEN the cached token is refused
	if _, err := v.Verify(context.Background(), token, Access); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Verify after the key was withdrawn = %v; want ErrUnknownKey", err)
	}
}

// TestMalformedSequenceNeverPanics replays the sequence that crashed the
// previous decoder (goccy/go-json#604: a key with a dangling escape left
// its pooled state broken, so a later call panicked).
func TestMalformedSequenceNeverPanics(t *testing.T) {
	v := verifier(t)
	v.CacheSize = -1
	good := jwttest.Sign(jwttest.AccessClaims(now.Add(-time.Minute)), "kid-1", jwttest.Keys()[0])
	for i := 0; i < 100; i++ {
		for _, tok := range []string{"eyJc..\xff", "eyJcIg.e30.e30", "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtpZC0xIn0.eyJcdTAw.x", good} {
			v.Verify(context.Background(), tok, Any)
		}
	}
}

// FuzzClaims fuzzes the claims decoder directly (Verify reaches it only
// after a valid signature).
func FuzzClaims(f *testing.F) {
	good, _ := json.Marshal(jwttest.AccessClaims(now))
	f.Add(good)
	f.Add([]byte(`{"sub":"a","sub":"b"}`))
	f.Add([]byte(`{"ſub":1,"cognito:groups":["a",1]}`))
	f.Add([]byte("{\"\\"))
	// plain is Claims without its decoder: encoding/json/v2's own strict
	// reading of the same tags (exact names, duplicates refused).
	type plain Claims
	f.Fuzz(func(t *testing.T, b []byte) {
		var c Claims
		err := jsonv2.Unmarshal(b, &c) // no panic, whatever the input
		var h header
		jsonv2.Unmarshal(b, &h)
		// Differential: what our decoder accepts, json/v2 reads the same.
		var p plain
		if err == nil {
			if perr := jsonv2.Unmarshal(b, &p); perr != nil || !reflect.DeepEqual(Claims(p), c) {
				t.Fatalf("claims %q: ours %+v, json/v2 %+v (%v)", b, c, p, perr)
			}
		}
	})
}
