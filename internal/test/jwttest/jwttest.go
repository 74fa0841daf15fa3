// Package jwttest makes Cognito-like RS256 tokens and key sets for tests and
// benchmarks: an issuer with RSA-2048 keys, its JWKS document, and tokens
// signed (or deliberately mis-signed) with them.
package jwttest

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"sync"
	"time"
)

// Pool identifiers used by default.
const (
	PoolID   = "eu-west-1_TestPool1"
	Issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/" + PoolID
	ClientID = "1example23456789abcdefghij"
	Sub      = "a36036a8-9061-424d-a737-56d57dae7bc6"
)

var (
	keysOnce sync.Once
	keys     [2]*rsa.PrivateKey
)

// Keys returns two RSA-2048 keys, generated once per process: Keys()[0] is
// "kid-1" in JWKS, Keys()[1] is a stranger's key.
func Keys() [2]*rsa.PrivateKey {
	keysOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	return keys
}

// JWKS is the key set document publishing Keys()[0] as "kid-1".
func JWKS() []byte {
	k := Keys()[0]
	doc := map[string]interface{}{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "kid-1",
		"n": b64(k.N.Bytes()), "e": b64(big.NewInt(int64(k.E)).Bytes()),
	}}}
	b, _ := json.Marshal(doc)
	return b
}

// AccessClaims are the claims of a valid access token issued at iat.
func AccessClaims(iat time.Time) map[string]interface{} {
	return map[string]interface{}{
		"sub": Sub, "iss": Issuer, "client_id": ClientID, "origin_jti": "origin-" + Sub, "event_id": "e",
		"token_use": "access", "scope": "openid email profile", "auth_time": iat.Unix(), "exp": iat.Add(15 * time.Minute).Unix(),
		"iat": iat.Unix(), "jti": "jti-" + iat.Format(time.RFC3339Nano), "username": "jane", "cognito:groups": []string{"app-user"},
	}
}

// IDClaims are the claims of a valid ID token issued at iat.
func IDClaims(iat time.Time) map[string]interface{} {
	c := AccessClaims(iat)
	delete(c, "client_id")
	delete(c, "scope")
	delete(c, "username")
	c["aud"], c["token_use"], c["cognito:username"], c["email"] = ClientID, "id", "jane", "jane@example.com"
	return c
}

// Sign makes a compact JWS of claims with header {"alg":"RS256","kid":kid}
// signed by key.
func Sign(claims map[string]interface{}, kid string, key *rsa.PrivateKey) string {
	return SignWithHeader(map[string]interface{}{"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, key)
}

// SignWithHeader signs with RS256 by key under any header.
func SignWithHeader(header, claims map[string]interface{}, key *rsa.PrivateKey) string {
	input := segment(header) + "." + segment(claims)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		panic(err)
	}
	return input + "." + b64(sig)
}

// SignRaw signs header and payload JSON given verbatim (duplicate or
// case-variant members included) with RS256 by key.
func SignRaw(header, payload string, key *rsa.PrivateKey) string {
	input := b64([]byte(header)) + "." + b64([]byte(payload))
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		panic(err)
	}
	return input + "." + b64(sig)
}

// HS256WithPublicKey forges the classic algorithm-confusion token: HMAC
// keyed with the RSA public key's bytes.
func HS256WithPublicKey(claims map[string]interface{}, kid string) string {
	input := segment(map[string]interface{}{"alg": "HS256", "kid": kid}) + "." + segment(claims)
	mac := hmac.New(sha256.New, Keys()[0].N.Bytes())
	mac.Write([]byte(input))
	return input + "." + b64(mac.Sum(nil))
}

// None makes an unsigned token with alg "none".
func None(claims map[string]interface{}) string {
	return segment(map[string]interface{}{"alg": "none", "kid": "kid-1"}) + "." + segment(claims) + "."
}

func segment(v interface{}) string {
	b, _ := json.Marshal(v)
	return b64(b)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
