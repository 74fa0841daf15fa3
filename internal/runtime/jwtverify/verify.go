// Package jwtverify verifies Amazon Cognito user-pool JWTs (access and ID
// tokens): RS256 signatures by a key from the pool's JWKS (by kid), the
// issuer, token_use, the client (client_id for access tokens, aud for ID
// tokens), and exp/iat/nbf with a small clock skew. Anything else, including
// alg "none" and HMAC algorithms, is rejected.
//
// JWKS handling uses a kept JOSE library (lestrrat-go/jwx); the per-request
// path checks the base64url alphabet, decodes with encoding/base64 and
// github.com/go-json-experiment/json (the encoding/json/v2 prototype:
// memory-safe, exact member names, duplicate names refused) into typed
// claims, and verifies with crypto/rsa, because measurement showed the
// libraries' general parsing costs too much there (docs/BENCHMARKS.md).
// Member names are matched exactly: a claim or header field we read that
// appears twice, or in another letter case ("SUB", "Scope", "Kid"), makes
// the token malformed. Verified tokens are cached (bounded) so a token seen
// before skips the signature check but never the time checks, and never
// outlives its signing key in the key set; revocation is checked by the
// caller every time.
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html
package jwtverify

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/authstack/authstack/internal/contract"
)

// Errors, wrapped with detail; test with errors.Is.
var (
	ErrMalformed       = errors.New("malformed token")
	ErrAlgorithm       = errors.New("algorithm not allowed")
	ErrUnknownKey      = errors.New("unknown signing key")
	ErrKeysUnavailable = errors.New("signing keys unavailable")
	ErrSignature       = errors.New("invalid signature")
	ErrIssuer          = errors.New("wrong issuer")
	ErrTokenUse        = errors.New("wrong token_use")
	ErrClient          = errors.New("client not allowed")
	ErrExpired         = errors.New("token expired")
	ErrNotYetValid     = errors.New("token not yet valid")
)

// Token uses.
const (
	Access = "access"
	ID     = "id"
	Any    = ""
)

// MaxTokenBytes is the longest token accepted (Cognito tokens are 1-2 KB;
// large cognito:groups lists make them longer).
const MaxTokenBytes = 16 << 10

// Claims are the claims authstack reads from a Cognito token. A *Claims
// returned by Verify is shared with the cache: do not modify it.
type Claims struct {
	Issuer          string   `json:"iss"`
	Subject         string   `json:"sub"`
	TokenUse        string   `json:"token_use"`
	ClientID        string   `json:"client_id"` // access tokens
	Audience        string   `json:"aud"`       // ID tokens
	Username        string   `json:"username"`  // access tokens
	CognitoUsername string   `json:"cognito:username"`
	Groups          []string `json:"cognito:groups"`
	Scope           string   `json:"scope"`
	JTI             string   `json:"jti"`
	OriginJTI       string   `json:"origin_jti"`
	ExpiresAt       int64    `json:"exp"`
	IssuedAt        int64    `json:"iat"`
	NotBefore       int64    `json:"nbf"`
	AuthTime        int64    `json:"auth_time"`

	kid string         // the signing key's id
	key *rsa.PublicKey // the key that verified the signature
}

// claimNames are the claims Verify reads.
var claimNames = []string{"iss", "sub", "token_use", "client_id", "aud", "username", "cognito:username", "cognito:groups",
	"scope", "jti", "origin_jti", "exp", "iat", "nbf", "auth_time"}

// UnmarshalJSONFrom decodes the claims we read, exactly named; other
// members are skipped unread.
func (c *Claims) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, func(name string) (interface{}, bool) {
		switch name {
		case "iss":
			return &c.Issuer, true
		case "sub":
			return &c.Subject, true
		case "token_use":
			return &c.TokenUse, true
		case "client_id":
			return &c.ClientID, true
		case "aud":
			return &c.Audience, true
		case "username":
			return &c.Username, true
		case "cognito:username":
			return &c.CognitoUsername, true
		case "cognito:groups":
			return &c.Groups, true
		case "scope":
			return &c.Scope, true
		case "jti":
			return &c.JTI, true
		case "origin_jti":
			return &c.OriginJTI, true
		case "exp":
			return &c.ExpiresAt, true
		case "iat":
			return &c.IssuedAt, true
		case "nbf":
			return &c.NotBefore, true
		case "auth_time":
			return &c.AuthTime, true
		}
		return nil, false
	}, claimNames)
}

// decodeObject reads one JSON object: each member field() knows is decoded
// into the pointer it returns; a member whose name differs only in letter
// case (Unicode simple folding, as encoding/json v1 matched) from a name
// in known is an error; others are skipped. The decoder refuses duplicate
// names and invalid UTF-8 itself.
func decodeObject(dec *jsontext.Decoder, field func(string) (interface{}, bool), known []string) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return errors.New("not a JSON object")
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		if dst, ok := field(name); ok {
			if err := decodeValue(dec, dst); err != nil {
				return fmt.Errorf("%q: %w", name, err)
			}
			continue
		}
		for _, k := range known {
			if strings.EqualFold(name, k) {
				return fmt.Errorf("member %q is %q in another letter case", name, k)
			}
		}
		if err := dec.SkipValue(); err != nil {
			return err
		}
	}
	_, err = dec.ReadToken()
	return err
}

// decodeValue decodes the next value into dst. Plain strings (no escapes)
// and integers, nearly every claim, are read from the raw value directly;
// anything else goes through json.Unmarshal, so the result and the errors
// are json's either way (the decoder has already checked the syntax and
// the UTF-8).
func decodeValue(dec *jsontext.Decoder, dst interface{}) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch d := dst.(type) {
	case *string:
		if raw.Kind() == '"' && bytes.IndexByte(raw, '\\') < 0 {
			*d = string(raw[1 : len(raw)-1])
			return nil
		}
	case *int64:
		if raw.Kind() == '0' {
			if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
				*d = n
				return nil
			}
		}
	}
	return json.Unmarshal(raw, dst)
}

// Client is the app client the token was issued to.
func (c *Claims) Client() string {
	if c.TokenUse == ID {
		return c.Audience
	}
	return c.ClientID
}

// User is the username (access tokens) or cognito:username (ID tokens).
func (c *Claims) User() string {
	if c.Username != "" {
		return c.Username
	}
	return c.CognitoUsername
}

// Machine reports whether the token is a machine client's
// (client-credentials grant): an access token without a username, whose
// sub is the client id. Every token of a signed-in user carries a username.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
func (c *Claims) Machine() bool {
	return c.TokenUse == Access && c.Username == ""
}

// Scopes splits the scope claim.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// SessionID identifies the sign-in session: origin_jti (shared by all tokens
// of one refresh token), else jti.
func (c *Claims) SessionID() string {
	if c.OriginJTI != "" {
		return c.OriginJTI
	}
	return c.JTI
}

// KeySource returns the RSA key for a kid (*JWKS implements it).
type KeySource interface {
	Key(ctx context.Context, kid string) (*rsa.PublicKey, error)
}

// Verifier verifies tokens of one issuer. It is safe for concurrent use.
type Verifier struct {
	// Issuer is the pool's issuer URL (https://cognito-idp.REGION.amazonaws.com/POOL_ID). Required.
	Issuer string
	// ClientIDs are the app clients whose tokens are accepted. Required.
	ClientIDs []string
	// Keys supplies signing keys. Required.
	Keys KeySource
	// Skew is the clock skew allowed on exp, iat and nbf. Default: 30s.
	Skew time.Duration
	// CacheSize bounds the verified-token cache; 0 means 10,000, negative disables it.
	CacheSize int
	// Now is the clock. Default: time.Now.
	Now func() time.Time

	mu      sync.RWMutex
	cache   map[string]*Claims
	headers map[string]header // decoded header segments (Cognito has one per key)
}

type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// UnmarshalJSONFrom decodes the header fields we read, exactly named.
func (h *header) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeObject(dec, func(name string) (interface{}, bool) {
		switch name {
		case "alg":
			return &h.Alg, true
		case "kid":
			return &h.Kid, true
		}
		return nil, false
	}, headerNames)
}

var headerNames = []string{"alg", "kid"}

// maxHeaders bounds the decoded-header cache; headers are attacker-chosen.
const maxHeaders = 16

// header decodes a header segment, remembering the well-formed RS256 ones.
func (v *Verifier) header(seg string) (header, error) {
	v.mu.RLock()
	h, ok := v.headers[seg]
	v.mu.RUnlock()
	if ok {
		return h, nil
	}
	if err := decodeSegment(seg, &h); err != nil {
		return h, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if h.Alg == "RS256" && h.Kid != "" {
		v.mu.Lock()
		if v.headers == nil || len(v.headers) >= maxHeaders {
			v.headers = map[string]header{}
		}
		v.headers[seg] = h
		v.mu.Unlock()
	}
	return h, nil
}

// Verify checks token and returns its claims. use is Access, ID or Any.
func (v *Verifier) Verify(ctx context.Context, token, use string) (*Claims, error) {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	t := now()
	if c := v.cached(token); c != nil {
		// A cached token lives only as long as its signing key in the key
		// set: a key withdrawn from the JWKS takes its tokens with it.
		if k, err := v.Keys.Key(ctx, c.kid); err == nil && sameKey(k, c.key) {
			return c, v.checkTime(c, use, t)
		}
		v.forget(token)
	}
	c, err := v.verify(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := v.checkTime(c, use, t); err != nil {
		return nil, err
	}
	v.remember(token, c, t)
	return c, nil
}

// verify does everything that does not depend on the time or the use.
func (v *Verifier) verify(ctx context.Context, token string) (*Claims, error) {
	if len(token) > MaxTokenBytes {
		return nil, fmt.Errorf("%w: %d bytes", ErrMalformed, len(token))
	}
	dot1 := strings.IndexByte(token, '.')
	dot2 := strings.LastIndexByte(token, '.')
	if dot1 <= 0 || dot2 == dot1 || dot2 == len(token)-1 || strings.IndexByte(token[dot1+1:dot2], '.') >= 0 {
		return nil, fmt.Errorf("%w: not three segments", ErrMalformed)
	}
	header, err := v.header(token[:dot1])
	if err != nil {
		return nil, err
	}
	if header.Alg != "RS256" {
		return nil, fmt.Errorf("%w: %q", ErrAlgorithm, header.Alg)
	}
	if header.Kid == "" {
		return nil, fmt.Errorf("%w: no kid", ErrMalformed)
	}
	key, err := v.Keys.Key(ctx, header.Kid)
	if err != nil {
		return nil, err
	}
	if !base64URL(token[dot1+1:dot2]) || !base64URL(token[dot2+1:]) {
		return nil, fmt.Errorf("%w: a byte outside the base64url alphabet", ErrMalformed)
	}
	raw := []byte(token) // one copy, sliced for the digest and the decoders
	var sigBuf [512]byte // RSA-4096 at most
	if b64.DecodedLen(len(raw)-dot2-1) > len(sigBuf) {
		return nil, fmt.Errorf("%w: signature too long", ErrSignature)
	}
	n, err := b64.Decode(sigBuf[:], raw[dot2+1:])
	if err != nil || n != key.Size() {
		return nil, fmt.Errorf("%w: signature encoding", ErrSignature)
	}
	digest := sha256.Sum256(raw[:dot2])
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sigBuf[:n]); err != nil {
		return nil, ErrSignature
	}
	payload := make([]byte, b64.DecodedLen(dot2-dot1-1))
	n, err = b64.Decode(payload, raw[dot1+1:dot2])
	if err != nil || n == 0 || payload[0] != '{' {
		return nil, fmt.Errorf("%w: payload is not a base64url JSON object", ErrMalformed)
	}
	c := new(Claims)
	if err := json.Unmarshal(payload[:n], c); err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	c.kid, c.key = header.Kid, key
	if c.Issuer != v.Issuer {
		return nil, fmt.Errorf("%w: %q", ErrIssuer, c.Issuer)
	}
	switch c.TokenUse {
	case Access, ID:
	default:
		return nil, fmt.Errorf("%w: %q", ErrTokenUse, c.TokenUse)
	}
	if c.Client() == "" || !slices.Contains(v.ClientIDs, c.Client()) {
		return nil, fmt.Errorf("%w: %q", ErrClient, c.Client())
	}
	if c.Subject == "" || c.ExpiresAt == 0 || c.IssuedAt == 0 {
		return nil, fmt.Errorf("%w: sub, exp or iat missing", ErrMalformed)
	}
	return c, nil
}

func (v *Verifier) checkTime(c *Claims, use string, t time.Time) error {
	if use != Any && c.TokenUse != use {
		return fmt.Errorf("%w: %q, want %q", ErrTokenUse, c.TokenUse, use)
	}
	skew := or(v.Skew, 30*time.Second)
	if t.Add(-skew).Unix() >= c.ExpiresAt {
		return fmt.Errorf("%w: at %s", ErrExpired, time.Unix(c.ExpiresAt, 0).UTC().Format(time.RFC3339))
	}
	if c.IssuedAt > t.Add(skew).Unix() || (c.NotBefore != 0 && c.NotBefore > t.Add(skew).Unix()) {
		return ErrNotYetValid
	}
	return nil
}

func (v *Verifier) cached(token string) *Claims {
	if v.CacheSize < 0 {
		return nil
	}
	v.mu.RLock()
	c := v.cache[token]
	v.mu.RUnlock()
	return c
}

func sameKey(a, b *rsa.PublicKey) bool {
	return a != nil && b != nil && a.E == b.E && a.N.Cmp(b.N) == 0
}

func (v *Verifier) forget(token string) {
	v.mu.Lock()
	delete(v.cache, token)
	v.mu.Unlock()
}

// remember caches a verified token; when full, it drops expired entries,
// then arbitrary ones (Go's map iteration order), so memory stays bounded.
func (v *Verifier) remember(token string, c *Claims, t time.Time) {
	if v.CacheSize < 0 {
		return
	}
	limit := v.CacheSize
	if limit == 0 {
		limit = 10000
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cache == nil {
		v.cache = make(map[string]*Claims, min(limit, 1024))
	}
	if len(v.cache) >= limit {
		for k, old := range v.cache {
			if old.ExpiresAt <= t.Unix() || len(v.cache) >= limit {
				delete(v.cache, k)
			}
			if len(v.cache) < limit*3/4 {
				break
			}
		}
	}
	v.cache[token] = c
}

// b64 is strict base64url without padding: each byte string has exactly one
// accepted encoding, so a token cannot be re-spelled.
var b64 = base64.RawURLEncoding.Strict()

// base64URL reports whether s holds only base64url characters (Go's
// decoder skips '\r' and '\n' even in strict mode, which would give one
// token many spellings).
func base64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// decodeSegment base64url-decodes (no padding) a JWT segment and unmarshals
// its JSON object into v.
func decodeSegment(seg string, v interface{}) error {
	if !base64URL(seg) {
		return errors.New("a byte outside the base64url alphabet")
	}
	b, err := b64.DecodeString(seg)
	if err != nil {
		return err
	}
	if len(b) == 0 || b[0] != '{' {
		return errors.New("not a JSON object")
	}
	return json.Unmarshal(b, v)
}

// Bearer extracts the token from an Authorization header value
// "Bearer <token>" (scheme case-insensitive).
func Bearer(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// AWS SDK variables read by FromEnv (besides contract.EnvIssuer,
// contract.EnvJWKSURL and contract.EnvClientIDs).
const (
	// EnvCognitoEndpoint and EnvEndpoint are the AWS SDK's endpoint
	// overrides for Cognito user pools and for every service, in the order
	// the SDK reads them.
	// Source: https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
	EnvCognitoEndpoint = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER"
	EnvEndpoint        = "AWS_ENDPOINT_URL"
)

// FromEnv builds a Verifier (with a JWKS key source) from the environment.
func FromEnv(getenv func(string) string) (*Verifier, error) {
	issuer := getenv(contract.EnvIssuer)
	if !strings.HasPrefix(issuer, "https://") {
		return nil, fmt.Errorf("jwtverify: %s=%q must be an https:// issuer URL", contract.EnvIssuer, issuer)
	}
	jwks, err := KeySetURL(getenv, issuer)
	if err != nil {
		return nil, err
	}
	var clients []string
	for _, c := range strings.Split(getenv(contract.EnvClientIDs), ",") {
		if c = strings.TrimSpace(c); c != "" {
			clients = append(clients, c)
		}
	}
	if len(clients) == 0 {
		return nil, fmt.Errorf("jwtverify: %s lists no client", contract.EnvClientIDs)
	}
	return &Verifier{Issuer: issuer, ClientIDs: clients, Keys: &JWKS{URL: jwks}}, nil
}

// KeySetURL is where the key set of issuer's tokens is fetched from, first
// of:
//
//  1. contract.EnvJWKSURL, when set: https://, or http:// to a loopback host;
//  2. a Cognito endpoint override on this host (EnvCognitoEndpoint, else
//     EnvEndpoint, as the AWS SDK reads them, pointing at a loopback
//     address): ENDPOINT/POOL_ID/.well-known/jwks.json, where
//     Cognito-compatible emulators serve a pool's keys. Overrides to any
//     other host are ignored here (they may be set for the SDK's sake: a
//     proxy, a VPC or FIPS endpoint), since whoever serves the keys decides
//     which signatures pass;
//  3. issuer + "/.well-known/jwks.json", Cognito's public endpoint
//     (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html).
//
// Only the place the keys come from changes: tokens must still carry
// iss = issuer.
func KeySetURL(getenv func(string) string, issuer string) (string, error) {
	if raw := getenv(contract.EnvJWKSURL); raw != "" {
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && Loopback(u.Hostname())) {
			return "", fmt.Errorf("jwtverify: %s=%q must be an https:// URL, or http:// to a loopback host", contract.EnvJWKSURL, raw)
		}
		return raw, nil
	}
	for _, name := range []string{EnvCognitoEndpoint, EnvEndpoint} {
		raw := getenv(name)
		if raw == "" {
			continue
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("jwtverify: %s=%q is not an endpoint URL", name, raw)
		}
		if !Loopback(u.Hostname()) {
			break // not an emulator on this host: keys come from the issuer
		}
		pool := issuer[strings.LastIndexByte(issuer, '/')+1:]
		if !PoolID.MatchString(pool) {
			return "", fmt.Errorf("jwtverify: %s=%q does not end in a user pool id (REGION_ID)", contract.EnvIssuer, issuer)
		}
		return u.JoinPath(pool, ".well-known", "jwks.json").String(), nil
	}
	return strings.TrimSuffix(issuer, "/") + "/.well-known/jwks.json", nil
}

// PoolID is the form of a user pool id: its region, "_", letters and digits.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html (Id)
// Its first group is the region.
var PoolID = regexp.MustCompile(`^([a-z]{2}(?:-[a-z]+)+-[0-9])_[0-9A-Za-z]+$`)

// Loopback reports whether host is this machine (localhost, 127.0.0.0/8, ::1).
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
