package authctl

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/mdp/qrterminal/v3"
	"github.com/spf13/cobra"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
)

func (a *app) userCommands() []*cobra.Command {
	return []*cobra.Command{a.signupCommand(), a.confirmCommand(), a.resendCommand(), a.loginCommand(), a.refreshCommand(),
		a.logoutCommand(), a.whoamiCommand(), a.forgotCommand(), a.resetCommand(), a.changePasswordCommand(), a.deleteMeCommand()}
}

// userArg is the USERNAME argument, or a prompt for it.
func (a *app) userArg(args []string) (string, error) {
	if len(args) > 0 && args[0] != "" {
		return args[0], nil
	}
	return a.prompts.line("Username: ")
}

func (a *app) signupCommand() *cobra.Command {
	var email, phone string
	var attrs []string
	cmd := &cobra.Command{
		Use:   "signup USERNAME",
		Short: "Sign a user up on the app client (Cognito sends a confirmation code)",
		Example: `  authctl signup jane@example.com                      # email from the username
  authctl signup jane --email jane@example.com --attr name="Jane Doe"
  AUTHCTL_PASSWORD=... authctl signup jane@example.com  # in a script`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, client, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			user := args[0]
			if email == "" && strings.Contains(user, "@") {
				email = user
			}
			var ua []ciptypes.AttributeType
			add := func(k, v string) { ua = append(ua, ciptypes.AttributeType{Name: aws.String(k), Value: aws.String(v)}) }
			if email != "" {
				add("email", email)
			}
			if phone != "" {
				add("phone_number", phone)
			}
			for _, kv := range attrs {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return usageErr("--attr %q: want NAME=VALUE (custom attributes as custom:NAME=VALUE)", kv)
				}
				add(k, v)
			}
			pw, err := a.prompts.newPassword("Password: ", "AUTHCTL_PASSWORD")
			if err != nil {
				return err
			}
			r, err := a.deps.Cognito(t.AWS).SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(client), Username: aws.String(user), Password: aws.String(pw), UserAttributes: ua})
			if err != nil {
				return err
			}
			out := struct {
				Username    string `json:"username"`
				Sub         string `json:"sub"`
				Confirmed   bool   `json:"confirmed"`
				Destination string `json:"codeSentTo,omitempty"`
			}{user, aws.ToString(r.UserSub), r.UserConfirmed, delivery(r.CodeDeliveryDetails)}
			return a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "Signed up %s (sub %s).\n", user, out.Sub)
				switch {
				case r.UserConfirmed:
					fmt.Fprintf(w, "Confirmed already: authctl login %s\n", user)
				case out.Destination != "":
					fmt.Fprintf(w, "Cognito sent a confirmation code to %s: authctl confirm %s CODE\n", out.Destination, user)
				default:
					fmt.Fprintf(w, "Confirm it: authctl confirm %s CODE (or, as an administrator, --admin)\n", user)
				}
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "email address (default: the username when it is one)")
	cmd.Flags().StringVar(&phone, "phone", "", "phone number, E.164 (+4412345678)")
	cmd.Flags().StringArrayVar(&attrs, "attr", nil, "another attribute NAME=VALUE (repeatable)")
	return cmd
}

func delivery(d *ciptypes.CodeDeliveryDetailsType) string {
	if d == nil {
		return ""
	}
	return aws.ToString(d.Destination)
}

func (a *app) confirmCommand() *cobra.Command {
	var admin bool
	cmd := &cobra.Command{
		Use:   "confirm USERNAME [CODE]",
		Short: "Confirm a sign-up with the emailed code, or as an administrator (--admin)",
		Example: `  authctl confirm jane@example.com 123456
  authctl confirm jane@example.com --admin   # AdminConfirmSignUp, with AWS credentials`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			user := args[0]
			c := a.deps.Cognito(t.AWS)
			if admin {
				if len(args) > 1 {
					return usageErr("--admin confirms without a code; drop the code")
				}
				_, err = c.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(t.Outputs[contract.OutputUserPoolID]), Username: aws.String(user)})
			} else {
				client, cerr := t.clientID(a.client)
				if cerr != nil {
					return cerr
				}
				code := ""
				if len(args) > 1 {
					code = args[1]
				} else if code, err = a.prompts.line("Confirmation code: "); err != nil {
					return err
				}
				_, err = c.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{ClientId: aws.String(client), Username: aws.String(user), ConfirmationCode: aws.String(code)})
			}
			if err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": user, "confirmed": true}, func(w io.Writer) {
				fmt.Fprintf(w, "Confirmed %s: authctl login %s\n", user, user)
			})
		},
	}
	cmd.Flags().BoolVar(&admin, "admin", false, "confirm as an administrator (AdminConfirmSignUp; needs AWS credentials)")
	return cmd
}

func (a *app) resendCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "resend-code USERNAME",
		Short:   "Send the sign-up confirmation code again",
		Example: `  authctl resend-code jane@example.com`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, client, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			r, err := a.deps.Cognito(t.AWS).ResendConfirmationCode(ctx, &cip.ResendConfirmationCodeInput{ClientId: aws.String(client), Username: aws.String(args[0])})
			if err != nil {
				return err
			}
			dest := delivery(r.CodeDeliveryDetails)
			return a.print(map[string]string{"username": args[0], "codeSentTo": dest}, func(w io.Writer) {
				fmt.Fprintf(w, "Cognito sent a new code to %s: authctl confirm %s CODE\n", dest, args[0])
			})
		},
	}
}

func (a *app) loginCommand() *cobra.Command {
	var passwordAuth, showTokens bool
	cmd := &cobra.Command{
		Use:   "login [USERNAME]",
		Short: "Sign in (SRP: the password never leaves this machine) and cache the tokens",
		Long: `Sign in on the app client (--client, default web) with SRP, answering
Cognito's challenges: a new password (NEW_PASSWORD_REQUIRED), an
authenticator code (SOFTWARE_TOKEN_MFA), an SMS or email code (SMS_MFA,
EMAIL_OTP), the choice of a second factor, or setting one up (MFA_SETUP).
The tokens are cached for this environment (readable by you only) and
used by call, whoami, refresh, logout and the other user commands.`,
		Example: `  authctl login jane@example.com
  authctl login jane@example.com --client ios
  authctl login jane --password-auth          # USER_PASSWORD_AUTH, where the client allows it
  AUTHCTL_PASSWORD=... authctl login jane -o json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, client, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			user, err := a.userArg(args)
			if err != nil {
				return err
			}
			pw, err := a.prompts.secret("Password: ", "AUTHCTL_PASSWORD")
			if err != nil {
				return err
			}
			r, err := SignIn(ctx, a.deps.Cognito(t.AWS), SignInInput{PoolID: t.Outputs[contract.OutputUserPoolID], ClientID: client,
				Username: user, Password: pw, PasswordAuth: passwordAuth, Answer: a.answerInteractively(t, user), Now: a.now})
			if err != nil {
				return err
			}
			if old, _, err := a.loadSession(t); err == nil && old.Username != user {
				a.note("Replacing %s's cached session (it stays valid until it expires; authctl logout first ends it).", old.Username)
			}
			s := a.newSession(t, user, a.client, client, r)
			path, err := a.saveSession(t, s)
			if err != nil {
				return err
			}
			out := map[string]interface{}{"username": user, "client": a.client, "expires": s.Expires, "cache": path}
			if showTokens {
				out["idToken"], out["accessToken"], out["refreshToken"] = s.IDToken, s.AccessToken, s.RefreshToken
			}
			return a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "Signed in as %s on %s (client %s); tokens valid until %s, cached in %s\n", user, t.Stack, a.client, s.Expires.Local().Format(time.RFC1123), path)
				if showTokens {
					fmt.Fprintf(w, "id token:      %s\naccess token:  %s\nrefresh token: %s\n", s.IDToken, s.AccessToken, s.RefreshToken)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&a.showSecret, "show-secret", false, "print the TOTP secret if Cognito asks to set up an authenticator app (MFA_SETUP)")
	cmd.Flags().BoolVar(&passwordAuth, "password-auth", false, "send the password (USER_PASSWORD_AUTH) instead of SRP; only where the app client allows it")
	cmd.Flags().BoolVar(&showTokens, "show-tokens", false, "print the tokens (they are secrets)")
	return cmd
}

func (a *app) refreshCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "refresh",
		Short:   "Get new ID and access tokens with the cached refresh token",
		Example: `  authctl refresh`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			s, _, err := a.loadSession(t)
			if err != nil {
				return err
			}
			if s, err = a.refresh(ctx, t, s); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": s.Username, "expires": s.Expires}, func(w io.Writer) {
				fmt.Fprintf(w, "Refreshed %s's tokens; valid until %s\n", s.Username, s.Expires.Local().Format(time.RFC1123))
			})
		},
	}
}

func (a *app) logoutCommand() *cobra.Command {
	var localOnly bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Sign out through the stack's logout endpoint: the API stops accepting the tokens",
		Long: `Sign out with POST /auth/logout of the stack's API: it revokes the refresh
token, ends the user's sessions in Cognito and puts the session on the
API's deny-list, so the API refuses the ID and access tokens at once (they
would stay valid in Cognito until they expire). Then the cached tokens are
deleted. A browser session of managed login ends at the logout URL shown.`,
		Example: `  authctl logout
  authctl logout --local-only   # forget the cached tokens, revoke nothing`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, err := a.targetOf(cmd)
			if err != nil {
				return err
			}
			s, _, err := a.loadSession(t)
			if err != nil {
				return err
			}
			var answer struct {
				HostedUILogoutURL string `json:"hostedUiLogoutUrl"`
			}
			revoked := false
			if !localOnly {
				body, _ := json.Marshal(map[string]string{"refreshToken": s.RefreshToken})
				if a.now().Add(time.Minute).After(s.Expires) {
					if r, err := a.refresh(ctx, t, s); err == nil {
						s = r
					}
				}
				status, resp, err := a.callAPI(ctx, t, "POST", "auth/logout", s.AccessToken, body)
				switch {
				case err != nil:
					return err
				case status == 200:
					revoked = true
					_ = json.Unmarshal(resp, &answer)
				case status == 401:
					// Signed out already, or the access token expired and could
					// not be refreshed: revoke the refresh token with Cognito
					// directly, so it cannot mint new tokens.
					// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RevokeToken.html
					a.note("The API no longer accepts these tokens (signed out already, or expired).")
					if _, err := a.deps.Cognito(t.AWS).RevokeToken(ctx, &cip.RevokeTokenInput{ClientId: aws.String(s.ClientID), Token: aws.String(s.RefreshToken)}); err != nil {
						var na *ciptypes.NotAuthorizedException
						if !errors.As(err, &na) { // NotAuthorized: revoked or expired already
							e := explain(err)
							e.Message = "The API refused the tokens and Cognito did not revoke the refresh token (" + e.Message + "): the session may still be live; the cached tokens are kept."
							e.Next = "run authctl logout again; authctl logout --local-only forgets them without revoking"
							return e
						}
					}
					revoked = true
				default:
					return &Error{Code: ExitFailed, Message: fmt.Sprintf("The logout endpoint answered %d: %s", status, resp), Next: "try again; authctl logout --local-only forgets the tokens without revoking them"}
				}
			}
			if err := a.forgetSession(t); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": s.Username, "revoked": revoked, "hostedUiLogoutUrl": answer.HostedUILogoutURL}, func(w io.Writer) {
				if revoked {
					fmt.Fprintf(w, "Signed %s out: the API refuses the old tokens; the cached tokens are deleted.\n", s.Username)
				} else {
					fmt.Fprintf(w, "Deleted %s's cached tokens.\n", s.Username)
				}
				if answer.HostedUILogoutURL != "" {
					fmt.Fprintf(w, "Managed login's browser session ends at: %s\n", answer.HostedUILogoutURL)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&localOnly, "local-only", false, "only delete the cached tokens (revoke nothing)")
	return cmd
}

func (a *app) whoamiCommand() *cobra.Command {
	var access bool
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the signed-in user's claims, verified against the pool's key set",
		Long: `Show the claims of the cached ID token (--access: the access token) after
verifying it as the API's authorizer does: the signature against the pool's
JSON Web Key Set, the issuer, the app client, token_use and the expiry
(refreshing expired tokens first). The API's deny-list of signed-out
sessions is not consulted: authctl call GET /user shows whether the API
still accepts the token.`,
		Example: `  authctl whoami
  authctl whoami --access -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, s, err := a.signedIn(cmd)
			if err != nil {
				return err
			}
			token, use := s.IDToken, jwtverify.ID
			if access {
				token, use = s.AccessToken, jwtverify.Access
			}
			issuer, jwks, err := t.keySet()
			if err != nil {
				return err
			}
			v := &jwtverify.Verifier{Issuer: issuer, ClientIDs: []string{s.ClientID}, Keys: &jwtverify.JWKS{URL: jwks, HTTP: t.HTTP}, CacheSize: -1, Now: a.now}
			if _, err := v.Verify(ctx, token, use); err != nil {
				return &Error{Code: ExitAuth, Message: "The cached token does not verify against the pool's key set: " + err.Error(), Next: "authctl login", Err: err}
			}
			claims, err := tokenClaims(token)
			if err != nil {
				return err
			}
			return a.print(claims, func(w io.Writer) {
				keys := make([]string, 0, len(claims))
				for k := range claims {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				fmt.Fprintf(w, "%s token of %s, verified: signature (the pool's key set), issuer, client, expiry.\n", use, s.Username)
				fmt.Fprintln(w, "(Whether the API still accepts it after a logout elsewhere: authctl call GET /user.)")
				for _, k := range keys {
					b, _ := json.Marshal(claims[k])
					v := string(b)
					if n, ok := claims[k].(float64); ok && (k == "exp" || k == "iat" || k == "auth_time" || k == "nbf") {
						v = fmt.Sprintf("%.0f (%s)", n, time.Unix(int64(n), 0).Local().Format(time.RFC1123))
					}
					fmt.Fprintf(w, "  %-22s %s\n", k, v)
				}
			})
		},
	}
	cmd.Flags().BoolVar(&access, "access", false, "show the access token's claims instead of the ID token's")
	return cmd
}

// tokenClaims decodes a JWT's payload (after it was verified).
func tokenClaims(token string) (map[string]interface{}, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var claims map[string]interface{}
	return claims, json.Unmarshal(b, &claims)
}

func (a *app) forgotCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "forgot-password USERNAME",
		Short:   "Have Cognito send a password-reset code",
		Example: `  authctl forgot-password jane@example.com && authctl reset-password jane@example.com`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, client, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			r, err := a.deps.Cognito(t.AWS).ForgotPassword(ctx, &cip.ForgotPasswordInput{ClientId: aws.String(client), Username: aws.String(args[0])})
			if err != nil {
				return err
			}
			dest := delivery(r.CodeDeliveryDetails)
			return a.print(map[string]string{"username": args[0], "codeSentTo": dest}, func(w io.Writer) {
				fmt.Fprintf(w, "If %s exists, Cognito sent a reset code (to %s): authctl reset-password %s\n", args[0], or(dest, "the user's email or phone"), args[0])
			})
		},
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (a *app) resetCommand() *cobra.Command {
	var code string
	cmd := &cobra.Command{
		Use:     "reset-password USERNAME",
		Short:   "Set a new password with the code of forgot-password",
		Example: `  authctl reset-password jane@example.com --code 123456`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, client, err := a.appClient(cmd)
			if err != nil {
				return err
			}
			if code == "" {
				if code, err = a.prompts.line("Reset code: "); err != nil {
					return err
				}
			}
			pw, err := a.prompts.newPassword("New password: ", "AUTHCTL_NEW_PASSWORD")
			if err != nil {
				return err
			}
			if _, err := a.deps.Cognito(t.AWS).ConfirmForgotPassword(ctx, &cip.ConfirmForgotPasswordInput{ClientId: aws.String(client), Username: aws.String(args[0]),
				ConfirmationCode: aws.String(code), Password: aws.String(pw)}); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": args[0], "reset": true}, func(w io.Writer) {
				fmt.Fprintf(w, "New password set for %s: authctl login %s\n", args[0], args[0])
			})
		},
	}
	cmd.Flags().StringVar(&code, "code", "", "the reset code (default: asked)")
	return cmd
}

func (a *app) changePasswordCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "change-password",
		Short:   "Change the signed-in user's password",
		Example: `  authctl change-password`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, s, err := a.signedIn(cmd)
			if err != nil {
				return err
			}
			old, err := a.prompts.secret("Current password: ", "AUTHCTL_PASSWORD")
			if err != nil {
				return err
			}
			pw, err := a.prompts.newPassword("New password: ", "AUTHCTL_NEW_PASSWORD")
			if err != nil {
				return err
			}
			if _, err := a.deps.Cognito(t.AWS).ChangePassword(ctx, &cip.ChangePasswordInput{AccessToken: aws.String(s.AccessToken),
				PreviousPassword: aws.String(old), ProposedPassword: aws.String(pw)}); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": s.Username, "changed": true}, func(w io.Writer) {
				fmt.Fprintf(w, "Changed %s's password.\n", s.Username)
			})
		},
	}
}

func (a *app) deleteMeCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "delete-me",
		Short:   "Delete the signed-in user's own account (asks first; --yes for scripts)",
		Example: `  authctl delete-me`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, s, err := a.signedIn(cmd)
			if err != nil {
				return err
			}
			if err := a.confirm(fmt.Sprintf("Delete the account %s from %s, for good?", s.Username, t.Stack)); err != nil {
				return err
			}
			if _, err := a.deps.Cognito(t.AWS).DeleteUser(ctx, &cip.DeleteUserInput{AccessToken: aws.String(s.AccessToken)}); err != nil {
				return err
			}
			if err := a.forgetSession(t); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": s.Username, "deleted": true}, func(w io.Writer) {
				fmt.Fprintf(w, "Deleted the account %s.\n", s.Username)
			})
		},
	}
}

func (a *app) mfaCommand() *cobra.Command {
	mfa := group("mfa", "Multi-factor authentication of the signed-in user")
	var showSecret bool
	setup := &cobra.Command{
		Use:   "setup",
		Short: "Set up an authenticator app (TOTP): a QR code to scan, then a code to verify",
		Long: `Associate an authenticator app with the signed-in user (AssociateSoftwareToken),
show the otpauth:// URI as a QR code in the terminal, verify the first code
(VerifySoftwareToken) and make TOTP the preferred second factor
(SetUserMFAPreference). The secret itself is printed only with --show-secret
(needed when standard error is not a terminal: the QR code is drawn on a
terminal only). The code is asked after the QR code: every setup makes a new
secret, so no code exists before.`,
		Example: `  authctl mfa setup
  authctl mfa setup --show-secret   # also print the secret, to type it in`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, s, err := a.signedIn(cmd)
			if err != nil {
				return err
			}
			a.showSecret = showSecret
			if _, err := a.setupTOTP(ctx, t, s.Username, s.AccessToken, nil); err != nil {
				return err
			}
			if _, err := a.deps.Cognito(t.AWS).SetUserMFAPreference(ctx, &cip.SetUserMFAPreferenceInput{AccessToken: aws.String(s.AccessToken),
				SoftwareTokenMfaSettings: &ciptypes.SoftwareTokenMfaSettingsType{Enabled: true, PreferredMfa: true}}); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": s.Username, "totp": "enabled", "preferred": true}, func(w io.Writer) {
				fmt.Fprintf(w, "Authenticator app set up for %s; Cognito asks for its code at sign-in.\n", s.Username)
			})
		},
	}
	setup.Flags().BoolVar(&showSecret, "show-secret", false, "also print the TOTP secret and otpauth:// URI (a secret)")
	mfa.AddCommand(setup)
	return mfa
}

// setupTOTP associates and verifies an authenticator app, for a signed-in
// user (accessToken) or during sign-in (session of MFA_SETUP); it returns
// the session VerifySoftwareToken gives in the latter case.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
func (a *app) setupTOTP(ctx context.Context, t *target, username, accessToken string, session *string) (*string, error) {
	if !a.deps.Terminal && !a.showSecret {
		return nil, &Error{Code: ExitUsage, Message: "Setting up an authenticator app shows its secret: as a QR code on a terminal, or as text with --show-secret.",
			Next: "run on a terminal, or add --show-secret"}
	}
	c := a.deps.Cognito(t.AWS)
	in := &cip.AssociateSoftwareTokenInput{Session: session}
	if accessToken != "" {
		in.AccessToken = aws.String(accessToken)
	}
	r, err := c.AssociateSoftwareToken(ctx, in)
	if err != nil {
		return nil, err
	}
	secret := aws.ToString(r.SecretCode)
	uri := otpauthURI(t.Stack, username, secret)
	if a.deps.Terminal {
		qrterminal.GenerateHalfBlock(uri, qrterminal.M, a.deps.Stderr)
		fmt.Fprintln(a.deps.Stderr, "Scan the QR code with your authenticator app.")
	}
	if a.showSecret {
		fmt.Fprintf(a.deps.Stderr, "secret: %s\nURI:    %s\n", secret, uri)
	}
	code, err := a.prompts.line("Code shown by the app: ")
	if err != nil {
		return nil, err
	}
	vin := &cip.VerifySoftwareTokenInput{UserCode: aws.String(code), FriendlyDeviceName: aws.String("authctl"), Session: r.Session}
	if accessToken != "" {
		vin.AccessToken = aws.String(accessToken)
	}
	v, err := c.VerifySoftwareToken(ctx, vin)
	if err != nil {
		return nil, err
	}
	if v.Status != ciptypes.VerifySoftwareTokenResponseTypeSuccess {
		return nil, &Error{Code: ExitInvalid, Message: "Cognito did not accept the authenticator code (status " + string(v.Status) + ").", Next: "authctl mfa setup again"}
	}
	return v.Session, nil
}

// otpauthURI is the Key Uri Format authenticator apps read (label
// "issuer:account", as in its example otpauth://totp/Example:alice@google.com?...):
// https://github.com/google/google-authenticator/wiki/Key-Uri-Format
func otpauthURI(issuer, account, secret string) string {
	v := url.Values{"secret": {secret}, "issuer": {issuer}}
	return "otpauth://totp/" + url.PathEscape(issuer+":"+account) + "?" + v.Encode()
}
