package authctl

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/spf13/cobra"

	"github.com/authstack/authstack/internal/contract"
)

// tokenResponse is the OAuth2 token endpoint's answer (RFC 6749 §5.1).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// clientCredentials gets a machine token from the hosted domain's token
// endpoint with the machine client's id and secret (HTTP Basic).
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
func (a *app) clientCredentials(ctx context.Context, t *target, clientID string, scopes []string) (*tokenResponse, error) {
	base, err := t.output(contract.OutputHostedUIBaseURL)
	if err != nil {
		return nil, err
	}
	pool := t.Outputs[contract.OutputUserPoolID]
	secret := a.deps.Getenv("AUTHCTL_CLIENT_SECRET")
	if secret == "" {
		c, err := a.deps.Cognito(t.AWS).DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(pool), ClientId: aws.String(clientID)})
		if err != nil {
			e := explain(err)
			e.Message = "Reading the client secret from Cognito: " + e.Message
			e.Next = "use AWS credentials allowed cognito-idp:DescribeUserPoolClient, or set AUTHCTL_CLIENT_SECRET"
			return nil, e
		}
		secret = aws.ToString(c.UserPoolClient.ClientSecret)
	}
	if err := a.checkTokenEndpoint(ctx, t, base); err != nil {
		return nil, err
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimSuffix(base, "/")+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// Authorization: Basic base64(client_id:client_secret), as the token endpoint's page shows.
	req.SetBasicAuth(clientID, secret)
	resp, err := t.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != 200 {
		var oe struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(b, &oe)
		e := &Error{Code: ExitError, Message: fmt.Sprintf("The token endpoint answered %d %s.", resp.StatusCode, or(oe.Error, strings.TrimSpace(string(b))))}
		switch oe.Error {
		case "invalid_client", "unauthorized_client":
			e.Code, e.Next = ExitAuth, "check the client id and secret (AUTHCTL_CLIENT_SECRET), and that the client allows client_credentials"
		case "invalid_scope":
			e.Code, e.Next = ExitInvalid, "ask for scopes of the resource server the client may use ("+t.Outputs[contract.OutputResourceServerIdentifier]+"/...)"
		}
		return nil, e
	}
	var tr tokenResponse
	if err := json.Unmarshal(b, &tr); err != nil || tr.AccessToken == "" {
		return nil, fmt.Errorf("the token endpoint answered no access token: %s", b)
	}
	return &tr, nil
}

func (a *app) tokenCommand() *cobra.Command {
	token := group("token", "OAuth2 tokens for machines")
	var scopes []string
	var clientID string
	cc := &cobra.Command{
		Use:   "client-credentials",
		Short: "Get a machine access token (client_credentials grant) from the hosted domain's token endpoint",
		Long: `Get an access token for the machine client (MachineClientId output, or
--client-id) from the OAuth2 token endpoint of the stack's hosted domain.
The client secret is read from Cognito (DescribeUserPoolClient, with AWS
credentials) or from AUTHCTL_CLIENT_SECRET. Text output is the token alone,
for $(...); the secret is never printed.`,
		Example: `  authctl token client-credentials
  curl -H "Authorization: Bearer $(authctl token client-credentials)" https://api.example.com/client
  AUTHCTL_CLIENT_SECRET=... authctl token client-credentials --scope api.example.com/client -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			id := clientID
			if id == "" {
				if id, err = t.output(contract.OutputMachineClientID); err != nil {
					return err
				}
			}
			tr, err := a.clientCredentials(ctx, t, id, scopes)
			if err != nil {
				return err
			}
			return a.print(map[string]interface{}{"accessToken": tr.AccessToken, "tokenType": tr.TokenType,
				"expires": a.now().Add(time.Duration(tr.ExpiresIn) * time.Second).UTC().Truncate(time.Second)}, func(w io.Writer) {
				fmt.Fprintln(w, tr.AccessToken)
			})
		},
	}
	cc.Flags().StringArrayVar(&scopes, "scope", nil, "scope to ask for (repeatable; default: every scope the client may use)")
	cc.Flags().StringVar(&clientID, "client-id", "", "app client id (default: the stack's machine client)")
	token.AddCommand(cc)
	return token
}

func (a *app) identityCommand() *cobra.Command {
	identity := group("identity", "AWS credentials from the identity pool")
	var guest bool
	creds := &cobra.Command{
		Use:   "credentials",
		Short: "Get temporary AWS credentials from the identity pool (signed in with the ID token, or --guest)",
		Long: `Get temporary AWS credentials of the identity pool (IdentityPoolId output):
GetId then GetCredentialsForIdentity, with the cached ID token as the
login of the user pool, or as a guest (--guest, where the pool allows
unauthenticated identities). Text output is export lines for a shell.`,
		Example: `  eval "$(authctl identity credentials)" && aws sts get-caller-identity
  authctl identity credentials --guest -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			out, err := a.identityCredentials(ctx, t, guest)
			if err != nil {
				return err
			}
			return a.print(out, func(w io.Writer) {
				// AWS_DEFAULT_REGION for AWS CLI v1; a local deployment's
				// credentials only work with the emulator.
				fmt.Fprintf(w, "export AWS_ACCESS_KEY_ID=%s\nexport AWS_SECRET_ACCESS_KEY=%s\nexport AWS_SESSION_TOKEN=%s\nexport AWS_REGION=%s\nexport AWS_DEFAULT_REGION=%s\n",
					out.AccessKeyID, out.SecretAccessKey, out.SessionToken, t.Region, t.Region)
				if t.Endpoint != "" {
					fmt.Fprintf(w, "export AWS_ENDPOINT_URL=%s\n", t.Endpoint)
				}
				fmt.Fprintf(w, "# identity %s, expires %s\n", out.IdentityID, out.Expiration.Format(time.RFC3339))
			})
		},
	}
	creds.Flags().BoolVar(&guest, "guest", false, "unauthenticated (guest) credentials, without signing in")
	identity.AddCommand(creds)
	return identity
}

type awsCredentials struct {
	IdentityID      string    `json:"identityId"`
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Expiration      time.Time `json:"expiration"`
}

// identityCredentials runs the identity pool's enhanced (simplified) flow.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/authentication-flow.html
func (a *app) identityCredentials(ctx context.Context, t *target, guest bool) (*awsCredentials, error) {
	pool, err := t.output(contract.OutputIdentityPoolID)
	if err != nil {
		return nil, err
	}
	var logins map[string]string
	if !guest {
		s, err := a.freshSession(ctx, t)
		if err != nil {
			return nil, err
		}
		issuer, err := t.output(contract.OutputIssuerURL)
		if err != nil {
			return nil, err
		}
		// The provider name is the issuer without its scheme.
		logins = map[string]string{strings.TrimPrefix(issuer, "https://"): s.IDToken}
	}
	c := a.deps.Identity(t.AWS)
	id, err := c.GetId(ctx, &cognitoidentity.GetIdInput{IdentityPoolId: aws.String(pool), Logins: logins})
	if err != nil {
		if guest {
			e := explain(err)
			if e.Code == ExitAuth {
				e.Message, e.Next = "The identity pool refused a guest: it does not allow unauthenticated identities.", "sign in (authctl login) and drop --guest"
			}
			return nil, e
		}
		return nil, err
	}
	r, err := c.GetCredentialsForIdentity(ctx, &cognitoidentity.GetCredentialsForIdentityInput{IdentityId: id.IdentityId, Logins: logins})
	if err != nil {
		return nil, err
	}
	if r.Credentials == nil {
		return nil, fmt.Errorf("the identity pool answered no credentials")
	}
	return &awsCredentials{IdentityID: aws.ToString(r.IdentityId), AccessKeyID: aws.ToString(r.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(r.Credentials.SecretKey), SessionToken: aws.ToString(r.Credentials.SessionToken),
		Expiration: aws.ToTime(r.Credentials.Expiration)}, nil
}

// checkTokenEndpoint refuses to send a client secret to a host that is not
// the pool's domain (an outputs file can name any URL): the custom domain,
// or the prefix domain PREFIX.auth.REGION.amazoncognito.com, as
// DescribeUserPool reports them. A local deployment's requests all go to
// its loopback endpoint.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserPoolType.html (Domain, CustomDomain)
func (a *app) checkTokenEndpoint(ctx context.Context, t *target, base string) error {
	if t.Endpoint != "" {
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" {
		return &Error{Code: ExitUsage, Message: fmt.Sprintf("%s %q is not an https URL; authctl sends no client secret there.", contract.OutputHostedUIBaseURL, base)}
	}
	p, err := a.deps.Cognito(t.AWS).DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(t.Outputs[contract.OutputUserPoolID])})
	if err != nil {
		e := explain(err)
		e.Message = "Checking the pool's domain before sending the client secret: " + e.Message
		return e
	}
	var hosts []string
	if d := aws.ToString(p.UserPool.CustomDomain); d != "" {
		hosts = append(hosts, d)
	}
	if d := aws.ToString(p.UserPool.Domain); d != "" {
		hosts = append(hosts, d+".auth."+t.Region+".amazoncognito.com")
	}
	for _, h := range hosts {
		if strings.EqualFold(u.Host, h) {
			return nil
		}
	}
	return &Error{Code: ExitUsage, Message: fmt.Sprintf("%s names %s, which is not the user pool's domain (%s); authctl sends the client secret only there.",
		contract.OutputHostedUIBaseURL, u.Host, or(strings.Join(hosts, ", "), "none")), Next: "check the outputs file or environment"}
}
