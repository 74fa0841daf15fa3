package authctl

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/contract"
)

// session is a signed-in user's tokens for one environment, cached in
// <config dir>/authstack/authctl/<environment>.json, mode 0600.
type session struct {
	// Where the tokens belong: the pool, and the API and issuer they were
	// used with. A session is used only with a target that has the same
	// (an outputs file naming another API cannot draw the tokens there).
	PoolID string `json:"poolId"`
	APIURL string `json:"apiUrl"`
	Issuer string `json:"issuer"`

	Username     string    `json:"username"`
	Client       string    `json:"client"`
	ClientID     string    `json:"clientId"`
	IDToken      string    `json:"idToken"`
	AccessToken  string    `json:"accessToken"`
	RefreshToken string    `json:"refreshToken"`
	Expires      time.Time `json:"expires"`
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// cachePath is the token cache file of the target.
func (a *app) cachePath(t *target) (string, error) {
	dir, err := a.deps.ConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config directory for the token cache: %w", err)
	}
	return filepath.Join(dir, "authstack", "authctl", unsafeName.ReplaceAllString(t.Name, "_")+".json"), nil
}

// saveSession writes s owner-only: a new file renamed over the old one, so
// a reader never sees half a file and the mode is 0600 from the start.
func (a *app) saveSession(t *target, s *session) (string, error) {
	path, err := a.cachePath(t)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	// MkdirAll leaves an existing directory as it was.
	if err := os.Chmod(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tokens-*")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return "", err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return path, os.Rename(f.Name(), path)
}

// loadSession reads the cached session; errNoSession when there is none.
// A cache others can read is refused (and its tokens should be thought
// leaked): authctl never writes one.
func (a *app) loadSession(t *target) (*session, string, error) {
	path, err := a.cachePath(t)
	if err != nil {
		return nil, "", err
	}
	info, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, path, &Error{Code: ExitAuth, Message: "Not signed in to " + t.Stack + ".", Next: "authctl login", Err: errNoSession}
	}
	if err != nil {
		return nil, path, err
	}
	if !info.Mode().IsRegular() {
		return nil, path, &Error{Code: ExitAuth, Message: "The token cache " + path + " is not a regular file (a link?); authctl will not use it.", Next: "delete it and sign in again"}
	}
	// Windows reports no Unix permissions (files are 0666); its ACLs keep
	// the user's config directory private.
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, path, &Error{Code: ExitAuth, Message: fmt.Sprintf("The token cache %s can be read by others (mode %v); authctl will not use it.", path, info.Mode().Perm()),
			Next: "delete the file and sign in again (authctl login); its tokens may have been read: change your password to end the old session"}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, path, err
	}
	var s session
	if err := json.Unmarshal(b, &s); err != nil || s.AccessToken == "" {
		return nil, path, &Error{Code: ExitAuth, Message: "The token cache " + path + " is damaged.", Next: "authctl login", Err: err}
	}
	if s.PoolID != t.Outputs[contract.OutputUserPoolID] || s.APIURL != t.Outputs[contract.OutputAPIURL] || s.Issuer != t.Outputs[contract.OutputIssuerURL] {
		return nil, path, &Error{Code: ExitAuth, Message: fmt.Sprintf("The cached tokens of %s belong to pool %s and API %s, not to this environment's (%s, %s); authctl will not send them there.",
			t.Stack, s.PoolID, s.APIURL, t.Outputs[contract.OutputUserPoolID], t.Outputs[contract.OutputAPIURL]), Next: "check the outputs file or environment, or sign in to this one: authctl login"}
	}
	return &s, path, nil
}

func (a *app) forgetSession(t *target) error {
	path, err := a.cachePath(t)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// freshSession returns the cached session, refreshed first when its tokens
// expire within a minute.
func (a *app) freshSession(ctx context.Context, t *target) (*session, error) {
	s, _, err := a.loadSession(t)
	if err != nil {
		return nil, err
	}
	if a.now().Add(time.Minute).Before(s.Expires) {
		return s, nil
	}
	return a.refresh(ctx, t, s)
}

// refresh trades the refresh token for new tokens (REFRESH_TOKEN_AUTH) and
// caches them. Cognito returns a new refresh token only with refresh-token
// rotation; otherwise the old one stays.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-refresh-token.html
func (a *app) refresh(ctx context.Context, t *target, s *session) (*session, error) {
	if s.RefreshToken == "" {
		return nil, &Error{Code: ExitAuth, Message: "The session has expired and has no refresh token.", Next: "authctl login"}
	}
	resp, err := a.deps.Cognito(t.AWS).InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(s.ClientID), AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": s.RefreshToken}})
	if err != nil {
		e := explain(err)
		if e.Code == ExitAuth {
			e.Message = "The session has ended (signed out, revoked or expired); sign in again."
			e.Next = "authctl login"
		}
		return nil, e
	}
	if resp.AuthenticationResult == nil {
		return nil, fmt.Errorf("refresh: Cognito answered challenge %q instead of tokens", resp.ChallengeName)
	}
	n := a.newSession(t, s.Username, s.Client, s.ClientID, resp.AuthenticationResult)
	if n.RefreshToken == "" {
		n.RefreshToken = s.RefreshToken
	}
	if _, err := a.saveSession(t, n); err != nil {
		return nil, err
	}
	return n, nil
}

func (a *app) newSession(t *target, username, client, clientID string, r *ciptypes.AuthenticationResultType) *session {
	return &session{PoolID: t.Outputs[contract.OutputUserPoolID], APIURL: t.Outputs[contract.OutputAPIURL], Issuer: t.Outputs[contract.OutputIssuerURL],
		Username: username, Client: client, ClientID: clientID,
		IDToken: aws.ToString(r.IdToken), AccessToken: aws.ToString(r.AccessToken), RefreshToken: aws.ToString(r.RefreshToken),
		Expires: a.now().Add(time.Duration(r.ExpiresIn) * time.Second).UTC().Truncate(time.Second)}
}

// prompter asks the person at the terminal, or reads lines piped in.
type prompter struct {
	deps Deps
	in   *bufio.Reader
}

func newPrompter(d Deps) *prompter {
	in := d.Stdin
	if in == nil {
		in = strings.NewReader("")
	}
	return &prompter{deps: d, in: bufio.NewReader(in)}
}

// line asks and reads one line.
func (p *prompter) line(prompt string) (string, error) {
	if p.deps.Terminal {
		fmt.Fprint(p.deps.Stderr, prompt)
	}
	s, err := p.in.ReadString('\n')
	if err == io.EOF && s != "" {
		err = nil
	}
	if err == io.EOF {
		what := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(prompt), ":")))
		return "", &Error{Code: ExitUsage, Message: "Standard input ended before the " + what + " was given.",
			Next: "give it on the command line where the command takes it, pipe it in, or run on a terminal"}
	}
	return strings.TrimRight(s, "\r\n"), err
}

// secret asks without echo on a terminal; env names a variable that
// answers for scripts.
func (p *prompter) secret(prompt, env string) (string, error) {
	if v := p.deps.Getenv(env); v != "" {
		return v, nil
	}
	if p.deps.Terminal && p.deps.ReadSecret != nil {
		fmt.Fprint(p.deps.Stderr, prompt)
		return p.deps.ReadSecret()
	}
	return p.line(prompt)
}

// newPassword asks for a new password, twice on a terminal; the variable
// env answers for scripts.
func (p *prompter) newPassword(prompt, env string) (string, error) {
	pw, err := p.secret(prompt, env)
	if err != nil || !p.deps.Terminal || p.deps.Getenv(env) != "" {
		return pw, err
	}
	again, err := p.secret("Repeat it: ", "")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", &Error{Code: ExitUsage, Message: "The two passwords differ; nothing was changed."}
	}
	return pw, nil
}
