package authctl

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/spf13/cobra"

	"github.com/authstack/authstack/internal/contract"
)

// maxBody bounds what authctl reads of an API answer.
const maxBody = 10 << 20

// callAPI sends method path (relative to the API's stage URL) with a bearer
// token when one is given, and returns the status and body.
func (a *app) callAPI(ctx context.Context, t *target, method, path, token string, body []byte) (int, []byte, error) {
	base, err := t.output(contract.OutputAPIURL)
	if err != nil {
		return 0, nil, err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(base, "/")+"/"+strings.TrimPrefix(path, "/"), rd)
	if err != nil {
		return 0, nil, usageErr("%v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if len(b) > maxBody {
		a.note("the answer is longer than %d MiB: only its beginning is shown", maxBody>>20)
		b = b[:maxBody]
	}
	return resp.StatusCode, b, err
}

func (a *app) callCommand() *cobra.Command {
	var data string
	var idToken, anonymous, machine bool
	cmd := &cobra.Command{
		Use:   "call METHOD PATH",
		Short: "Call the stack's API with the cached token (refreshed when expired)",
		Long: `Call PATH of the stack's API (ApiUrl output) with the signed-in user's
access token (--id-token: the ID token; --machine: the machine client's
client-credentials token; --anonymous: none). The body of the answer goes
to standard output; an error status exits with 9. The stack's routes:
/guest, /user, /client, /users/{sub}, /auth/logout, and those your app adds.`,
		Example: `  authctl call GET /user
  authctl call GET /users/$(authctl whoami -o json | jq -r .sub)
  authctl call GET /guest --anonymous
  authctl call GET /client --machine
  authctl call POST /orders --data '{"item":"book"}'   # a route your app added
  authctl call PUT /orders/42 --data @order.json`,
		Args: cobra.ExactArgs(2),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return []string{"GET", "POST", "PUT", "PATCH", "DELETE"}, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			method := strings.ToUpper(args[0])
			t, err := a.Target(ctx)
			if err != nil {
				return err
			}
			var body []byte
			switch {
			case strings.HasPrefix(data, "@"):
				if body, err = os.ReadFile(data[1:]); err != nil {
					return usageErr("--data %s: %v", data, err)
				}
			case data != "":
				body = []byte(data)
			}
			token := ""
			switch {
			case machine && (anonymous || idToken):
				return usageErr("--machine sends the machine client's token: drop --anonymous and --id-token")
			case machine:
				id, err := t.output(contract.OutputMachineClientID)
				if err != nil {
					return err
				}
				tr, err := a.clientCredentials(ctx, t, id, nil)
				if err != nil {
					return err
				}
				token = tr.AccessToken
			case !anonymous:
				s, err := a.freshSession(ctx, t)
				if err != nil {
					return err
				}
				token = s.AccessToken
				if idToken {
					token = s.IDToken
				}
			}
			status, b, err := a.callAPI(ctx, t, method, args[1], token, body)
			if err != nil {
				return err
			}
			var pretty bytes.Buffer
			if json.Indent(&pretty, b, "", "  ") == nil {
				b = pretty.Bytes()
			}
			if a.output == "json" {
				var v interface{} = string(b)
				var parsed interface{}
				if json.Unmarshal(b, &parsed) == nil {
					v = parsed
				}
				if err := a.print(map[string]interface{}{"status": status, "body": v}, nil); err != nil {
					return err
				}
			} else {
				fmt.Fprintln(a.deps.Stdout, strings.TrimSpace(string(b)))
			}
			if status >= 300 {
				e := &Error{Code: ExitFailed, Message: fmt.Sprintf("%s %s answered %d %s.", method, args[1], status, http.StatusText(status))}
				switch {
				case status == 401 && token == "":
					e.Next = "this route needs a token: sign in (authctl login) and drop --anonymous"
				case status == 401:
					e.Next = "the token was refused (signed out, or expired): authctl login"
				case status == 403 && strings.Contains(string(b), "Missing Authentication Token"):
					e.Next = "the API has no such route and method (API Gateway answers 403 Missing Authentication Token)"
				case status == 403:
					e.Next = "the user may not do this (groups, scopes or ownership): authctl whoami shows the claims"
				}
				return e
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&data, "data", "d", "", "JSON request body, or @FILE")
	cmd.Flags().BoolVar(&idToken, "id-token", false, "send the ID token instead of the access token")
	cmd.Flags().BoolVar(&anonymous, "anonymous", false, "send no token")
	cmd.Flags().BoolVar(&machine, "machine", false, "send the machine client's client-credentials token (authctl token client-credentials)")
	return cmd
}

func (a *app) urlsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "urls",
		Short: "Managed login's sign-in and sign-up URLs per app client, and the stack's endpoints",
		Example: `  authctl urls
  open "$(authctl urls -o json | jq -r .clients.web.signIn)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := a.Target(cmd.Context())
			if err != nil {
				return err
			}
			type client struct {
				ClientID string `json:"clientId"`
				SignIn   string `json:"signIn"`
				SignUp   string `json:"signUp"`
			}
			clients := map[string]client{}
			for _, name := range t.clientNames() {
				c := client{ClientID: t.Outputs[contract.OutputClientID(pascal(name))]}
				if in := t.Outputs[contract.OutputSignInURL(pascal(name))]; in != "" {
					// Managed login serves /signup with the same parameters as /login.
					// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/signup-endpoint.html
					c.SignIn, c.SignUp = in, strings.Replace(in, "/login?", "/signup?", 1)
				}
				clients[name] = c
			}
			out := map[string]interface{}{"clients": clients, "api": t.Outputs[contract.OutputAPIURL], "hostedUi": t.Outputs[contract.OutputHostedUIBaseURL],
				"issuer": t.Outputs[contract.OutputIssuerURL], "jwks": t.Outputs[contract.OutputJWKSURL]}
			return a.print(out, func(w io.Writer) {
				names := make([]string, 0, len(clients))
				for n := range clients {
					names = append(names, n)
				}
				sort.Strings(names)
				for _, n := range names {
					c := clients[n]
					fmt.Fprintf(w, "%s (client %s)\n", n, c.ClientID)
					if c.SignIn != "" {
						fmt.Fprintf(w, "  sign in: %s\n  sign up: %s\n", c.SignIn, c.SignUp)
					} else {
						fmt.Fprintln(w, "  (no managed login: the client has no callback URL)")
					}
				}
				fmt.Fprintf(w, "API:       %s\nhosted UI: %s\nissuer:    %s\nJWKS:      %s\n", out["api"], out["hostedUi"], out["issuer"], out["jwks"])
			})
		},
	}
}

// smokeStep is one check of the smoke journey.
type smokeStep struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"` // an earlier step failed
	Took    string `json:"took"`
	Error   string `json:"error,omitempty"`
}

func (a *app) smokeCommand() *cobra.Command {
	var domain string
	cmd := &cobra.Command{
		Use:   "smoke",
		Short: "Run the whole user journey against the environment with a throw-away user it deletes",
		Long: `Run the journey a user takes, against the deployed environment: sign up a
throw-away user (success+authctl-smoke-...@simulator.amazonses.com: SES's
mailbox simulator, so the confirmation email neither bounces nor hurts the
sender's reputation; --email-domain for another) and confirm it as an
administrator (unless a trigger confirmed it), sign in with SRP, call the API (/guest without a token,
/user without and with the token, a refreshed token), get a machine token
and call /client with it, sign out through the logout endpoint, and check
that the API then refuses the old token and Cognito the refresh token.
The user is deleted at the end, whatever happened. Needs AWS credentials
allowed AdminConfirmSignUp, AdminDeleteUser and DescribeUserPoolClient.
Any failed step exits with 9 (the pipeline's test step runs this).`,
		Example: `  authctl --env test smoke
  authctl --outputs-file outputs.json smoke -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			if _, err := t.clientID(a.client); err != nil {
				return err
			}
			steps := a.smoke(ctx, t, domain)
			failed, skipped := 0, 0
			for _, s := range steps {
				switch {
				case s.Skipped:
					skipped++
				case !s.OK:
					failed++
				}
			}
			if err := a.print(map[string]interface{}{"stack": t.Stack, "ok": failed == 0, "steps": steps}, func(w io.Writer) {
				for _, s := range steps {
					mark := "ok  "
					switch {
					case s.Skipped:
						mark = "skip"
					case !s.OK:
						mark = "FAIL"
					}
					fmt.Fprintf(w, "%s %-62s %8s %s\n", mark, s.Name, s.Took, s.Error)
				}
			}); err != nil {
				return err
			}
			if failed > 0 {
				return &Error{Code: ExitFailed, Message: fmt.Sprintf("Smoke test of %s: %d of %d steps failed (%d skipped after it).", t.Stack, failed, len(steps), skipped)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&domain, "email-domain", "", "email domain of the throw-away user (default: Amazon SES's mailbox simulator, success+...@simulator.amazonses.com, which accepts and discards mail without a bounce)")
	return cmd
}

// smoke runs the journey; a failed step skips the steps that need it.
func (a *app) smoke(ctx context.Context, t *target, domain string) []smokeStep {
	var steps []smokeStep
	failed := false
	step := func(name string, f func() error) {
		start := a.now()
		s := smokeStep{Name: name}
		if failed {
			s.Skipped = true
		} else if err := f(); err != nil {
			s.Error, failed = explain(err).Message, true
		} else {
			s.OK = true
		}
		s.Took = a.now().Sub(start).Round(time.Millisecond).String()
		steps = append(steps, s)
	}
	c := a.deps.Cognito(t.AWS)
	pool := t.Outputs[contract.OutputUserPoolID]
	client, _ := t.clientID(a.client) // checked by the caller
	id := "authctl-smoke-" + randomString(8)
	user := "success+" + id + "@simulator.amazonses.com"
	if domain != "" {
		user = id + "@" + domain
	}
	password := "Sm0ke-" + randomString(20) + "-a1A!"
	var sub string
	var tokens *ciptypes.AuthenticationResultType
	get := func(path, token string, want int, v interface{}) error {
		status, b, err := a.callAPI(ctx, t, "GET", path, token, nil)
		if err != nil {
			return err
		}
		if status != want {
			return fmt.Errorf("GET %s answered %d %s; want %d", path, status, strings.TrimSpace(string(b)), want)
		}
		if v != nil {
			return json.Unmarshal(b, v)
		}
		return nil
	}
	confirmed := false
	step("sign up "+user, func() error {
		r, err := c.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(user), Password: aws.String(password),
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(user)}}})
		if err != nil {
			return err
		}
		sub, confirmed = aws.ToString(r.UserSub), r.UserConfirmed
		return nil
	})
	step("confirm it as an administrator (unless a trigger did)", func() error {
		if confirmed {
			return nil
		}
		_, err := c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(pool), Username: aws.String(user)})
		return err
	})
	step("sign in with SRP", func() (err error) {
		tokens, err = SignIn(ctx, c, SignInInput{PoolID: pool, ClientID: client, Username: user, Password: password, Now: a.now,
			Answer: func(_ context.Context, ch Challenge) (Answer, error) {
				return Answer{}, fmt.Errorf("Cognito asks %s: the smoke user cannot answer MFA challenges (a pool with mfa: required)", ch.Name)
			}})
		return err
	})
	step("GET /guest without a token: 200", func() error { return get("guest", "", 200, nil) })
	step("GET /user without a token: 401", func() error { return get("user", "", 401, nil) })
	step("GET /user with the access token: 200, as the user", func() error {
		var body struct{ Identity struct{ Sub string } }
		if err := get("user", aws.ToString(tokens.AccessToken), 200, &body); err != nil {
			return err
		}
		if body.Identity.Sub != sub {
			return fmt.Errorf("the API saw sub %q; want %q", body.Identity.Sub, sub)
		}
		return nil
	})
	step("refresh the tokens; GET /user with the new access token: 200", func() error {
		r, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(client), AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
		if err != nil {
			return err
		}
		if r.AuthenticationResult == nil {
			return fmt.Errorf("refresh answered challenge %s", r.ChallengeName)
		}
		return get("user", aws.ToString(r.AuthenticationResult.AccessToken), 200, nil)
	})
	if machine := t.Outputs[contract.OutputMachineClientID]; machine != "" {
		step("machine token (client_credentials); GET /client: 200", func() error {
			tr, err := a.clientCredentials(ctx, t, machine, nil)
			if err != nil {
				return err
			}
			return get("client", tr.AccessToken, 200, nil)
		})
	}
	step("POST /auth/logout: 200", func() error {
		body, _ := json.Marshal(map[string]string{"refreshToken": aws.ToString(tokens.RefreshToken)})
		status, b, err := a.callAPI(ctx, t, "POST", "auth/logout", aws.ToString(tokens.AccessToken), body)
		if err == nil && status != 200 {
			err = fmt.Errorf("answered %d %s", status, strings.TrimSpace(string(b)))
		}
		return err
	})
	step("GET /user with the old access token: 401", func() error { return get("user", aws.ToString(tokens.AccessToken), 401, nil) })
	step("refresh with the revoked refresh token: refused", func() error {
		_, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(client), AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth,
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(tokens.RefreshToken)}})
		var na *ciptypes.NotAuthorizedException
		if !errors.As(err, &na) {
			return fmt.Errorf("refresh after logout answered %v; want NotAuthorizedException", err)
		}
		return nil
	})
	// The clean-up runs whatever happened before, even after Ctrl-C, and
	// even when SignUp's answer was lost (the user may exist).
	failed = false
	cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	step("delete "+user, func() error {
		_, err := c.AdminDeleteUser(cleanup, &cip.AdminDeleteUserInput{UserPoolId: aws.String(pool), Username: aws.String(user)})
		var nf *ciptypes.UserNotFoundException
		if errors.As(err, &nf) && sub == "" {
			return nil // never created
		}
		return err
	})
	return steps
}

// randomString is n random characters of [a-z2-7].
func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:n]
}
