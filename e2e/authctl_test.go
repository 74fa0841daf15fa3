//go:build e2e

package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/authstack/authstack/internal/authctl"
	"github.com/authstack/authstack/internal/localdeploy"
)

// cli runs authctl in this process against the deployment in the emulator,
// as `authctl --local` would after `make local`: the same state file, the
// same routing of the stack's URLs, its own token cache.
type cli struct {
	j      *journey
	state  string
	config string
	env    map[string]string
}

// run runs authctl with args; stdin answers prompts (a func is called when
// authctl reads, with what it printed so far on stderr).
func (c *cli) run(stdin func(stderr string) string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	d := authctl.DefaultDeps()
	d.Stdin = &lazyReader{f: func() string {
		if stdin == nil {
			return ""
		}
		return stdin(errOut.String())
	}}
	d.Stdout, d.Stderr, d.Terminal = &out, &errOut, false
	d.Getenv = func(k string) string { return c.env[k] }
	d.ConfigDir = func() (string, error) { return c.config, nil }
	code = authctl.Main(c.j.ctx, append([]string{"--local=" + c.state}, args...), d)
	return code, out.String(), errOut.String()
}

// lazyReader reads the string f returns when it is first read.
type lazyReader struct {
	f func() string
	r io.Reader
}

func (l *lazyReader) Read(p []byte) (int, error) {
	if l.r == nil {
		l.r = strings.NewReader(l.f())
	}
	return l.r.Read(p)
}

func (c *cli) ok(args ...string) (string, error) {
	return c.okIn(nil, args...)
}

func (c *cli) okIn(stdin func(string) string, args ...string) (string, error) {
	code, out, errOut := c.run(stdin, args...)
	if code != 0 {
		return out, fmt.Errorf("authctl %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out, nil
}

// totp is RFC 6238's code (HMAC-SHA1, 30-second steps, 6 digits) of a
// base32 secret, as an authenticator app computes it.
func totp(secret string, t time.Time) (string, error) {
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
	if err != nil {
		return "", err
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(t.Unix()/30))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", v%1_000_000), nil
}

var shownSecret = regexp.MustCompile(`secret: ([A-Z2-7]+)`)

// authctlJourney runs the user's journey through the CLI: sign-up, admin
// confirmation, SRP sign-in (the emulator checks the proof), the API
// through the authorizer, verified claims, an authenticator app and a
// sign-in answering its challenge, machine and identity-pool credentials,
// administration, a backup and a dry-run restore, logout (the old token
// refused), the smoke journey, and delete-me.
func (j *journey) authctlJourney() {
	dir := j.t.TempDir()
	c := &cli{j: j, state: filepath.Join(dir, "local.json"), config: filepath.Join(dir, "config"), env: map[string]string{}}
	if err := localdeploy.WriteState(c.state, &localdeploy.State{Endpoint: aws.ToString(j.cfg.BaseEndpoint), Region: j.cfg.Region, Stack: stackName, Outputs: j.out}); err != nil {
		j.t.Fatal(err)
	}
	const password = "Correct-Horse-9-battery"
	user := "cli-" + random(4) + "@example.com"
	c.env["AUTHCTL_PASSWORD"] = password
	var sub string
	j.step("authctl signup "+user, func() error {
		out, err := c.ok("signup", user, "-o", "json")
		var r struct{ Sub string }
		if err == nil {
			err = json.Unmarshal([]byte(out), &r)
		}
		sub = r.Sub
		return err
	})
	j.step("authctl confirm --admin", func() error { _, err := c.ok("confirm", user, "--admin"); return err })
	j.step("authctl login (SRP; the emulator verifies the proof); a wrong password exits 3", func() error {
		c.env["AUTHCTL_PASSWORD"] = password + "-wrong"
		code, _, errOut := c.run(nil, "login", user)
		c.env["AUTHCTL_PASSWORD"] = password
		if code != authctl.ExitAuth || !strings.Contains(errOut, "password is wrong") {
			return fmt.Errorf("a wrong password: exit %d %s", code, errOut)
		}
		_, err := c.ok("login", user)
		return err
	})
	j.step("authctl call GET /user: 200 through the authorizer, as the user", func() error {
		out, err := c.ok("call", "GET", "/user")
		if err == nil && !strings.Contains(out, `"sub": "`+sub+`"`) {
			err = fmt.Errorf("GET /user = %s; want sub %s", out, sub)
		}
		return err
	})
	j.step("authctl whoami: claims verified against the pool's key set", func() error {
		out, err := c.ok("whoami", "-o", "json")
		var claims map[string]interface{}
		if err == nil {
			err = json.Unmarshal([]byte(out), &claims)
		}
		if err == nil && (claims["email"] != user || claims["token_use"] != "id" || claims["sub"] != sub) {
			err = fmt.Errorf("claims %v", claims)
		}
		return err
	})
	j.step("authctl mfa setup: a code from the shown secret enables TOTP", func() error {
		_, err := c.okIn(func(stderr string) string {
			m := shownSecret.FindStringSubmatch(stderr)
			if m == nil {
				return "no-secret-shown\n"
			}
			code, _ := totp(m[1], time.Now())
			c.env["TOTP_SECRET"] = m[1]
			return code + "\n"
		}, "mfa", "setup", "--show-secret")
		return err
	})
	j.step("authctl login answers SOFTWARE_TOKEN_MFA: a wrong code exits 6, the authenticator's code signs in", func() error {
		code, _, errOut := c.run(func(string) string { return "000000\n" }, "login", user)
		if code != authctl.ExitInvalid || !strings.Contains(errOut, "code is wrong") {
			return fmt.Errorf("a wrong authenticator code: exit %d %s; want %d (the challenge was asked and checked)", code, errOut, authctl.ExitInvalid)
		}
		_, err := c.okIn(func(string) string {
			code, _ := totp(c.env["TOTP_SECRET"], time.Now())
			return code + "\n"
		}, "login", user)
		return err
	})
	j.step("authctl refresh", func() error { _, err := c.ok("refresh"); return err })
	j.step("authctl token client-credentials: the machine token is accepted on GET /client; call --machine", func() error {
		out, err := c.ok("token", "client-credentials")
		if err != nil {
			return err
		}
		if err := j.call("GET", "client", strings.TrimSpace(out), "", 200, nil); err != nil {
			return err
		}
		out, err = c.ok("call", "GET", "/client", "--machine")
		if err == nil && !strings.Contains(out, `"principal": "machine"`) {
			err = fmt.Errorf("call GET /client --machine = %s", out)
		}
		return err
	})
	j.step("authctl identity credentials, signed in and --guest (the dev pool allows guests)", func() error {
		for _, args := range [][]string{{"identity", "credentials", "-o", "json"}, {"identity", "credentials", "--guest", "-o", "json"}} {
			out, err := c.ok(args...)
			var creds struct{ IdentityID, AccessKeyID, SessionToken string }
			if err == nil {
				err = json.Unmarshal([]byte(out), &creds)
			}
			if err == nil && (creds.AccessKeyID == "" || creds.SessionToken == "" || !strings.HasPrefix(creds.IdentityID, j.cfg.Region+":")) {
				err = fmt.Errorf("%v: %s", args, out)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	j.step("authctl users list/get, groups add admin, users disable: sign-in refused; enable", func() error {
		if out, err := c.ok("users", "list", "--filter", `email = "`+user+`"`); err != nil || !strings.Contains(out, user) {
			return fmt.Errorf("users list: %v %s", err, out)
		}
		if _, err := c.ok("groups", "add", user, "admin"); err != nil {
			return err
		}
		if out, err := c.ok("users", "get", user); err != nil || !strings.Contains(out, stackName+"-admin") {
			return fmt.Errorf("users get: %v %s", err, out)
		}
		if _, err := c.ok("users", "disable", user, "--yes"); err != nil {
			return err
		}
		if code, _, errOut := c.run(nil, "login", user); code != authctl.ExitAuth {
			return fmt.Errorf("a disabled user's login: exit %d %s", code, errOut)
		}
		_, err := c.ok("users", "enable", user)
		return err
	})
	j.step("authctl backup --to DIR, restore --dry-run: the user is there already", func() error {
		to := filepath.Join(dir, "backup")
		if _, err := c.ok("backup", "--to", to); err != nil {
			return err
		}
		out, err := c.ok("restore", "--from", to, "--dry-run", "--report", filepath.Join(dir, "report"), "-o", "json")
		var r struct{ UsersCreated, UsersExisting int }
		if err == nil {
			err = json.Unmarshal([]byte(out), &r)
		}
		if err == nil && (r.UsersCreated != 0 || r.UsersExisting == 0) {
			err = fmt.Errorf("dry run %s", out)
		}
		if _, serr := os.Stat(filepath.Join(dir, "report", "sub-map.csv")); err == nil && serr != nil {
			err = serr
		}
		return err
	})
	j.step("authctl backup --remote: the stack's state machine runs to SUCCEEDED (the pipeline's pre-deploy backup)", func() error {
		out, err := c.ok("backup", "--remote", "--poll", "200ms", "--timeout", "90s", "-o", "json")
		if err == nil && !strings.Contains(out, `"status": "SUCCEEDED"`) {
			err = fmt.Errorf("backup --remote = %s", out)
		}
		return err
	})
	var old string
	j.step("authctl logout: the API refuses the old access token", func() error {
		// A fresh session without MFA in the way: the cached one is the MFA sign-in's.
		b, err := os.ReadFile(filepath.Join(c.config, "authstack", "authctl", "local-"+stackName+".json"))
		if err != nil {
			return err
		}
		var s struct{ AccessToken string }
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		old = s.AccessToken
		if _, err := c.ok("logout"); err != nil {
			return err
		}
		if code, _, _ := c.run(nil, "call", "GET", "/user"); code != authctl.ExitAuth {
			return fmt.Errorf("call after logout: exit %d; want %d (not signed in)", code, authctl.ExitAuth)
		}
		return j.call("GET", "user", old, "", 401, nil)
	})
	j.step("authctl smoke: the whole journey with a throw-away user", func() error {
		_, err := c.ok("smoke")
		return err
	})
	j.step("authctl delete-me --yes", func() error {
		if _, err := c.okIn(func(string) string {
			code, _ := totp(c.env["TOTP_SECRET"], time.Now())
			return code + "\n"
		}, "login", user); err != nil {
			return err
		}
		_, err := c.ok("delete-me", "--yes")
		if err == nil {
			if code, _, _ := c.run(nil, "users", "get", user); code != authctl.ExitNotFound {
				err = fmt.Errorf("users get after delete-me: exit %d; want %d", code, authctl.ExitNotFound)
			}
		}
		return err
	})
}
