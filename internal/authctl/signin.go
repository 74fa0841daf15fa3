package authctl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/runtime/srp"
)

// SignInAPI is what SignIn calls of Cognito.
type SignInAPI interface {
	InitiateAuth(context.Context, *cip.InitiateAuthInput, ...func(*cip.Options)) (*cip.InitiateAuthOutput, error)
	RespondToAuthChallenge(context.Context, *cip.RespondToAuthChallengeInput, ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error)
}

// Challenge is one challenge Cognito asks during a sign-in.
type Challenge struct {
	Name       ciptypes.ChallengeNameType
	Parameters map[string]string
	Session    *string
}

// Answer is the reply to a Challenge: its ChallengeResponses (SignIn adds
// USERNAME), and a Session when answering it started a new one
// (VerifySoftwareToken during MFA_SETUP).
type Answer struct {
	Responses map[string]string
	Session   *string
}

// SignInInput is a sign-in of Username on an app client.
type SignInInput struct {
	PoolID, ClientID, Username, Password string
	// PasswordAuth sends the password (USER_PASSWORD_AUTH) instead of
	// proving it (USER_SRP_AUTH); the client must allow the flow.
	PasswordAuth bool
	// Answer answers every challenge after the password: new password,
	// MFA codes, MFA choice and setup. Nil: such a challenge is an error.
	Answer func(context.Context, Challenge) (Answer, error)
	// Now is the clock of the SRP proof. Default: time.Now.
	Now func() time.Time
}

// maxChallenges bounds a sign-in's round trips (password, new password,
// MFA setup, MFA: four at most in Cognito's flows).
const maxChallenges = 8

// SignIn signs in with USER_SRP_AUTH (the password never leaves this
// process: the client proves it with the PASSWORD_VERIFIER answer of
// package srp) or USER_PASSWORD_AUTH, then answers Cognito's challenges
// until tokens come. The end-to-end journey signs in with it too.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
// and RespondToAuthChallenge's ChallengeResponses:
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
func SignIn(ctx context.Context, c SignInAPI, in SignInInput) (*ciptypes.AuthenticationResultType, error) {
	now := in.Now
	if now == nil {
		now = time.Now
	}
	var (
		s    *srp.Client
		init *cip.InitiateAuthInput
	)
	if in.PasswordAuth {
		init = &cip.InitiateAuthInput{ClientId: aws.String(in.ClientID), AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{"USERNAME": in.Username, "PASSWORD": in.Password}}
	} else {
		var err error
		if s, err = srp.New(in.PoolID); err != nil {
			return nil, err
		}
		init = &cip.InitiateAuthInput{ClientId: aws.String(in.ClientID), AuthFlow: ciptypes.AuthFlowTypeUserSrpAuth,
			AuthParameters: map[string]string{"USERNAME": in.Username, "SRP_A": s.SRPA()}}
	}
	resp, err := c.InitiateAuth(ctx, init)
	if err != nil {
		return nil, err
	}
	result, ch := resp.AuthenticationResult, Challenge{resp.ChallengeName, resp.ChallengeParameters, resp.Session}
	username := in.Username
	for i := 0; result == nil; i++ {
		if i == maxChallenges {
			return nil, fmt.Errorf("sign-in: more than %d challenges; last %s", maxChallenges, ch.Name)
		}
		if id := ch.Parameters["USER_ID_FOR_SRP"]; id != "" {
			username = id // Cognito's name for the user in the following challenges
		}
		var answer Answer
		switch {
		case ch.Name == ciptypes.ChallengeNameTypePasswordVerifier && s != nil:
			responses, err := s.PasswordVerifier(ch.Parameters, in.Password, now())
			if err != nil {
				return nil, err
			}
			answer.Responses = responses
		case ch.Name == "":
			return nil, fmt.Errorf("sign-in: Cognito answered neither tokens nor a challenge")
		case in.Answer == nil:
			return nil, fmt.Errorf("sign-in: Cognito asks %s, which this sign-in cannot answer", ch.Name)
		default:
			if answer, err = in.Answer(ctx, ch); err != nil {
				return nil, err
			}
		}
		responses := map[string]string{"USERNAME": username}
		for k, v := range answer.Responses {
			responses[k] = v
		}
		session := ch.Session
		if answer.Session != nil {
			session = answer.Session
		}
		r, err := c.RespondToAuthChallenge(ctx, &cip.RespondToAuthChallengeInput{ClientId: aws.String(in.ClientID),
			ChallengeName: ch.Name, ChallengeResponses: responses, Session: session})
		if err != nil {
			return nil, err
		}
		result, ch = r.AuthenticationResult, Challenge{r.ChallengeName, r.ChallengeParameters, r.Session}
	}
	return result, nil
}

// answerInteractively answers challenges by asking the person at the
// terminal (or reading lines from standard input).
func (a *app) answerInteractively(t *target, username string) func(context.Context, Challenge) (Answer, error) {
	return func(ctx context.Context, ch Challenge) (Answer, error) {
		p := a.prompts
		switch ch.Name {
		case ciptypes.ChallengeNameTypeNewPasswordRequired:
			a.note("Cognito requires a new password for this user (an administrator created it, or asked for a reset).")
			pw, err := p.newPassword("New password: ", "AUTHCTL_NEW_PASSWORD")
			if err != nil {
				return Answer{}, err
			}
			r := map[string]string{"NEW_PASSWORD": pw}
			// requiredAttributes: a JSON list like ["userAttributes.name"].
			var required []string
			_ = json.Unmarshal([]byte(ch.Parameters["requiredAttributes"]), &required)
			for _, attr := range required {
				v, err := p.line(strings.TrimPrefix(attr, "userAttributes.") + " (required): ")
				if err != nil {
					return Answer{}, err
				}
				r[attr] = v
			}
			return Answer{Responses: r}, nil
		case ciptypes.ChallengeNameTypeSoftwareTokenMfa:
			code, err := p.line("Code from your authenticator app: ")
			return Answer{Responses: map[string]string{"SOFTWARE_TOKEN_MFA_CODE": code}}, err
		case ciptypes.ChallengeNameTypeSmsMfa:
			code, err := p.line("Code sent by SMS to " + ch.Parameters["CODE_DELIVERY_DESTINATION"] + ": ")
			return Answer{Responses: map[string]string{"SMS_MFA_CODE": code}}, err
		case ciptypes.ChallengeNameTypeEmailOtp:
			code, err := p.line("Code sent by email to " + ch.Parameters["CODE_DELIVERY_DESTINATION"] + ": ")
			return Answer{Responses: map[string]string{"EMAIL_OTP_CODE": code}}, err
		case ciptypes.ChallengeNameTypeSelectMfaType:
			var options []string
			_ = json.Unmarshal([]byte(ch.Parameters["MFAS_CAN_CHOOSE"]), &options)
			choice, err := p.line("Second factor (" + strings.Join(options, ", ") + "): ")
			return Answer{Responses: map[string]string{"ANSWER": choice}}, err
		case ciptypes.ChallengeNameTypeMfaSetup:
			a.note("The pool requires MFA and this user has none yet: set up an authenticator app now.")
			session, err := a.setupTOTP(ctx, t, username, "", ch.Session)
			return Answer{Session: session}, err
		}
		return Answer{}, &Error{Code: ExitError, Message: fmt.Sprintf("Cognito asks for %s, which authctl does not answer.", ch.Name),
			Next: "sign in through managed login (authctl urls) for this flow"}
	}
}
