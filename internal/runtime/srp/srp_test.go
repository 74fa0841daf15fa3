package srp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

type vector struct {
	PoolID       string `json:"poolId"`
	UserIDForSRP string `json:"userIdForSrp"`
	Password     string `json:"password"`
	SmallA       string `json:"smallA"`
	SRPB         string `json:"srpB"`
	Salt         string `json:"salt"`
	SecretBlock  string `json:"secretBlock"`
	Instant      string `json:"instant"`
	Want         struct {
		SRPA      string `json:"srpA"`
		Timestamp string `json:"timestamp"`
		Key       string `json:"key"`
		Signature string `json:"signature"`
	} `json:"want"`
}

// TestKnownAnswers checks every value against AWS's own client,
// amazon-cognito-identity-js, which computed testdata/vectors.json from the
// same inputs (make srp-vectors).
func TestKnownAnswers(t *testing.T) {
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Vectors []vector `json:"vectors"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) < 5 {
		t.Fatalf("%d vectors; want at least 5", len(doc.Vectors))
	}
	for i, v := range doc.Vectors {
		a, _ := new(big.Int).SetString(v.SmallA, 16)
		c, err := newClient(v.PoolID, a)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		if got := c.SRPA(); got != v.Want.SRPA {
			t.Errorf("vector %d: SRPA = %.16s...; want %.16s...", i, got, v.Want.SRPA)
		}
		at, err := time.Parse(time.RFC3339, v.Instant)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.PasswordVerifier(map[string]string{
			"USER_ID_FOR_SRP": v.UserIDForSRP, "SRP_B": v.SRPB, "SALT": v.Salt, "SECRET_BLOCK": v.SecretBlock,
		}, v.Password, at)
		if err != nil {
			t.Fatalf("vector %d: %v", i, err)
		}
		bigB, _ := new(big.Int).SetString(v.SRPB, 16)
		salt, _ := new(big.Int).SetString(v.Salt, 16)
		key, _ := c.key(v.UserIDForSRP, v.Password, bigB, salt)
		if got := hex.EncodeToString(key); got != v.Want.Key {
			t.Errorf("vector %d: key = %s; want %s", i, got, v.Want.Key)
		}
		want := map[string]string{
			"USERNAME": v.UserIDForSRP, "PASSWORD_CLAIM_SECRET_BLOCK": v.SecretBlock,
			"PASSWORD_CLAIM_SIGNATURE": v.Want.Signature, "TIMESTAMP": v.Want.Timestamp,
		}
		for k, w := range want {
			if resp[k] != w {
				t.Errorf("vector %d: %s = %q; want %q", i, k, resp[k], w)
			}
		}
		if len(resp) != len(want) {
			t.Errorf("vector %d: %d challenge responses; want %d", i, len(resp), len(want))
		}
	}
}

// TestAgreesWithAVerifyingServer runs the server side of the protocol (RFC
// 5054 with Cognito's hashing) against the client: both derive the same key,
// the signature verifies, and a wrong password does not.
func TestAgreesWithAVerifyingServer(t *testing.T) {
	const pool, user, password = "eu-west-1_Pool123", "a1b2c3d4-user", "Correct-Horse-9"
	salt := big.NewInt(0).SetBytes([]byte("sixteen byte salt"))
	userHash := sha256.Sum256([]byte("Pool123" + user + ":" + password))
	x := hashInt(padHex(salt) + hex.EncodeToString(userHash[:]))
	v := new(big.Int).Exp(bigG, x, bigN) // the verifier Cognito stores
	for i := 0; i < 20; i++ {
		c, err := New(pool)
		if err != nil {
			t.Fatal(err)
		}
		b := new(big.Int).SetBytes([]byte(strings.Repeat("b", 32) + string(rune('a'+i))))
		// B = k v + g^b
		bigB := new(big.Int).Add(new(big.Int).Mul(bigK, v), new(big.Int).Exp(bigG, b, bigN))
		bigB.Mod(bigB, bigN)
		u := hashInt(padHex(c.bigA) + padHex(bigB))
		// S = (A v^u)^b
		s := new(big.Int).Exp(new(big.Int).Mul(c.bigA, new(big.Int).Exp(v, u, bigN)), b, bigN)
		serverKey := hkdf(mustHex(padHex(s)), mustHex(padHex(u)))

		secret := base64.StdEncoding.EncodeToString([]byte("secret block"))
		now := time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC)
		params := map[string]string{"USER_ID_FOR_SRP": user, "SRP_B": bigB.Text(16), "SALT": salt.Text(16), "SECRET_BLOCK": secret}
		resp, err := c.PasswordVerifier(params, password, now)
		if err != nil {
			t.Fatal(err)
		}
		mac := hmac.New(sha256.New, serverKey)
		mac.Write([]byte("Pool123" + user + "secret block" + "Wed Nov 25 15:04:05 UTC 2026"))
		if resp["PASSWORD_CLAIM_SIGNATURE"] != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			t.Fatalf("round %d: the server does not accept the client's signature", i)
		}
		wrong, _ := c.PasswordVerifier(params, password+"x", now)
		if wrong["PASSWORD_CLAIM_SIGNATURE"] == resp["PASSWORD_CLAIM_SIGNATURE"] {
			t.Fatalf("round %d: a wrong password gives the same signature", i)
		}
	}
}

func TestTimestampIsTwentyFourHour(t *testing.T) {
	for in, want := range map[string]string{
		"2026-11-05T16:05:09Z":      "Thu Nov 5 16:05:09 UTC 2026",
		"2026-11-25T00:00:00Z":      "Wed Nov 25 00:00:00 UTC 2026",
		"2026-11-25T23:59:59+02:00": "Wed Nov 25 21:59:59 UTC 2026",
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := at.UTC().Format(TimestampLayout); got != want {
			t.Errorf("%s -> %q; want %q", in, got, want)
		}
	}
}

func TestBadServerValuesAreErrorsNotPanics(t *testing.T) {
	c, err := New("eu-west-1_Pool")
	if err != nil {
		t.Fatal(err)
	}
	good := map[string]string{"USER_ID_FOR_SRP": "u", "SRP_B": "abc123", "SALT": "0f", "SECRET_BLOCK": "c2VjcmV0"}
	cases := map[string]map[string]string{
		"no user":           {"USER_ID_FOR_SRP": ""},
		"B not hex":         {"SRP_B": "xyz"},
		"B empty":           {"SRP_B": ""},
		"B zero":            {"SRP_B": "0"},
		"B negative":        {"SRP_B": "-5"},
		"B equal to N":      {"SRP_B": nHex},
		"B a multiple of N": {"SRP_B": new(big.Int).Mul(bigN, big.NewInt(3)).Text(16)},
		"B absurdly long":   {"SRP_B": strings.Repeat("f", 5000)},
		"salt not hex":      {"SALT": "salt"},
		"secret not base64": {"SECRET_BLOCK": "%%%"},
		"secret empty":      {"SECRET_BLOCK": ""},
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			p := map[string]string{}
			for k, v := range good {
				p[k] = v
			}
			for k, v := range change {
				p[k] = v
			}
			if resp, err := c.PasswordVerifier(p, "pw", time.Now()); err == nil {
				t.Errorf("PasswordVerifier = %v; want an error", resp)
			}
		})
	}
	for _, id := range []string{"", "nounderscore", "eu-west-1_"} {
		if _, err := New(id); err == nil {
			t.Errorf("New(%q) = nil error", id)
		}
	}
	if _, err := c.PasswordVerifier(good, "pw", time.Now()); err != nil {
		t.Errorf("the good challenge fails: %v", err)
	}
}

func FuzzPasswordVerifier(f *testing.F) {
	f.Add("u", "abc123", "0f", "c2VjcmV0", "pw")
	f.Fuzz(func(t *testing.T, user, b, salt, secret, pw string) {
		c, err := New("eu-west-1_Pool")
		if err != nil {
			t.Fatal(err)
		}
		c.PasswordVerifier(map[string]string{"USER_ID_FOR_SRP": user, "SRP_B": b, "SALT": salt, "SECRET_BLOCK": secret}, pw, time.Now())
	})
}
