package jwtverify

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// maxJWKSBytes bounds a JWKS response.
const maxJWKSBytes = 64 << 10

// minRSABits is the smallest RSA key accepted (Cognito uses 2048).
const minRSABits = 2048

// JWKS fetches a JSON Web Key Set over HTTPS and caches its RSA signing
// keys across invocations. An unknown kid triggers a refresh at most once
// per RefreshInterval (so forged kids cannot make it hammer the issuer);
// a failed fetch is retried after RetryInterval; a set older than MaxAge is
// refreshed on its next use, so a key Cognito withdraws stops verifying
// (and Verifier drops the cached tokens it signed). It is safe for
// concurrent use.
//
// Parsing and key handling use github.com/lestrrat-go/jwx/v3/jwk.
type JWKS struct {
	// URL of the key set, e.g. https://cognito-idp.REGION.amazonaws.com/POOL/.well-known/jwks.json. Required.
	URL string
	// HTTP fetches the key set. Default: a client with a 2-second timeout.
	HTTP *http.Client
	// RefreshInterval is the least time between two fetches. Default: 30s.
	RefreshInterval time.Duration
	// RetryInterval is the least time between a failed fetch and the next. Default: 1s.
	RetryInterval time.Duration
	// MaxAge is how long a fetched set is used before it is fetched again
	// on the next lookup; if that fetch fails, the old set stays in use.
	// Default: 1 hour.
	MaxAge time.Duration

	mu        sync.RWMutex
	keys      map[string]*rsa.PublicKey
	fetched   time.Time // last successful fetch
	attempted time.Time // last fetch attempt
}

// Key returns the key with id kid, fetching the set when it is not known
// or older than MaxAge.
func (j *JWKS) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	maxAge := or(j.MaxAge, time.Hour)
	j.mu.RLock()
	k, ok := j.keys[kid]
	fresh := time.Since(j.fetched) < maxAge
	j.mu.RUnlock()
	if ok && fresh {
		return k, nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	now := time.Now()
	refresh, retry := or(j.RefreshInterval, 30*time.Second), or(j.RetryInterval, time.Second)
	if k, ok := j.keys[kid]; ok {
		if now.Sub(j.fetched) < maxAge || now.Sub(j.attempted) < retry {
			return k, nil
		}
		if err := j.load(ctx, now); err != nil {
			return k, nil // keep serving the old set while the issuer is unreachable
		}
		if k, ok := j.keys[kid]; ok {
			return k, nil
		}
		return nil, fmt.Errorf("%w: kid %q was withdrawn from the key set", ErrUnknownKey, kid)
	}
	if j.keys != nil && now.Sub(j.fetched) < refresh {
		return nil, fmt.Errorf("%w: kid %q (key set refreshed %s ago)", ErrUnknownKey, kid, now.Sub(j.fetched).Round(time.Millisecond))
	}
	if now.Sub(j.attempted) < retry {
		if j.keys == nil {
			return nil, fmt.Errorf("%w: last fetch failed %s ago", ErrKeysUnavailable, now.Sub(j.attempted).Round(time.Millisecond))
		}
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
	}
	if err := j.load(ctx, now); err != nil {
		return nil, err
	}
	if k, ok := j.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

func (j *JWKS) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	client := j.HTTP
	if client == nil {
		client = &http.Client{Timeout: 2 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.URL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", j.URL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxJWKSBytes {
		return nil, errors.New("key set larger than 64 KB")
	}
	return ParseKeySet(body)
}

// ParseKeySet returns the RSA signature keys of a JWKS document by kid,
// skipping keys that are not RSA, not for signatures, not RS256, or
// shorter than 2048 bits.
func ParseKeySet(doc []byte) (map[string]*rsa.PublicKey, error) {
	set, err := jwk.Parse(doc)
	if err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	keys := map[string]*rsa.PublicKey{}
	for i := 0; i < set.Len(); i++ {
		k, ok := set.Key(i)
		if !ok {
			continue
		}
		kid, ok := k.KeyID()
		if !ok || kid == "" {
			continue
		}
		if use, ok := k.KeyUsage(); ok && use != "sig" {
			continue
		}
		if alg, ok := k.Algorithm(); ok && alg.String() != "RS256" {
			continue
		}
		var pub rsa.PublicKey
		if err := jwk.Export(k, &pub); err != nil {
			continue // not an RSA public key
		}
		if pub.N.BitLen() < minRSABits {
			continue
		}
		keys[kid] = &pub
	}
	if len(keys) == 0 {
		return nil, errors.New("key set has no usable RS256 key")
	}
	return keys, nil
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Prefetch loads the key set now if it was never loaded, so the first
// request does not wait for the network; functions call it in a goroutine
// during init. Key waits for a fetch in flight rather than starting another.
func (j *JWKS) Prefetch(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.keys != nil {
		return nil
	}
	return j.load(ctx, time.Now())
}

// load fetches the key set and stores it; j.mu must be held.
func (j *JWKS) load(ctx context.Context, now time.Time) error {
	j.attempted = now
	keys, err := j.fetch(ctx)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrKeysUnavailable, err)
	}
	j.keys, j.fetched = keys, now
	return nil
}
