package authctl

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentity"
	citypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentity/types"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/localdeploy"
	"github.com/authstack/authstack/internal/test/jwttest"
)

// The fakes follow the API reference of each call they implement
// (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/):
// the parameters Cognito requires, the challenge parameters it sends, the
// exceptions it raises. SRP proofs are not checked here (moto does not
// either); the end-to-end journey proves them against the emulator.

const (
	testPool   = "eu-west-1_Fake12345"
	testClient = "webclient000000000000000001"
	testIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/" + testPool
	testKid    = "kid-1" // jwttest.JWKS names Keys()[0] so
)

// jwt signs claims as Cognito signs its tokens (RS256, the key set's kid).
func jwt(claims map[string]interface{}) string {
	return jwttest.Sign(claims, testKid, jwttest.Keys()[0])
}

func jwks() []byte { return jwttest.JWKS() }

type fakeUser struct {
	password, sub string
	confirmed     bool
	enabled       bool
	attrs         map[string]string
	groups        []string
	totp          bool
}

// fakeCognito is a user pool in memory.
type fakeCognito struct {
	Cognito // methods a test does not need panic (nil)
	mu      sync.Mutex
	users   map[string]*fakeUser
	groups  map[string]bool
	// challenges are asked after the password, in order.
	challenges []ciptypes.ChallengeNameType
	// responses records every RespondToAuthChallenge's responses.
	responses []map[string]string
	// revoked refresh tokens and sessions.
	revoked map[string]bool
	// fail makes the named operation fail with err.
	fail         map[string]error
	calls        []string
	tokenN       int
	now          func() time.Time
	secret       string // the machine client's
	totpKey      string
	session      string // the session of the challenge asked last
	customDomain string
}

func newFakeCognito() *fakeCognito {
	return &fakeCognito{users: map[string]*fakeUser{}, groups: map[string]bool{"authdev-development-admin": true},
		revoked: map[string]bool{}, fail: map[string]error{}, now: time.Now, secret: "machinesecret", totpKey: "JBSWY3DPEHPK3PXP", customDomain: "auth.example.com"}
}

func (f *fakeCognito) call(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
	return f.fail[op]
}

func (f *fakeCognito) called(op string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == op {
			return true
		}
	}
	return false
}

func (f *fakeCognito) tokens(user string) *ciptypes.AuthenticationResultType {
	f.tokenN++
	u := f.users[user]
	now := f.now()
	session := fmt.Sprintf("session-%d", f.tokenN)
	common := map[string]interface{}{"sub": u.sub, "iss": testIssuer, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": now.Unix(),
		"origin_jti": session, "jti": fmt.Sprintf("jti-%d", f.tokenN), "cognito:groups": u.groups}
	id, access := map[string]interface{}{"token_use": "id", "aud": testClient, "cognito:username": user, "email": u.attrs["email"]}, map[string]interface{}{
		"token_use": "access", "client_id": testClient, "username": user, "scope": "aws.cognito.signin.user.admin"}
	for k, v := range common {
		id[k], access[k] = v, v
	}
	return &ciptypes.AuthenticationResultType{IdToken: aws.String(jwt(id)), AccessToken: aws.String(jwt(access)),
		RefreshToken: aws.String("refresh-" + user + "-" + session), ExpiresIn: 3600, TokenType: aws.String("Bearer")}
}

func (f *fakeCognito) SignUp(_ context.Context, in *cip.SignUpInput, _ ...func(*cip.Options)) (*cip.SignUpOutput, error) {
	if err := f.call("SignUp"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	name := aws.ToString(in.Username)
	if _, ok := f.users[name]; ok {
		return nil, &ciptypes.UsernameExistsException{Message: aws.String("User already exists")}
	}
	if len(aws.ToString(in.Password)) < 8 {
		return nil, &ciptypes.InvalidPasswordException{Message: aws.String("Password did not conform with policy: Password not long enough")}
	}
	attrs := map[string]string{}
	for _, a := range in.UserAttributes {
		attrs[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	u := &fakeUser{password: aws.ToString(in.Password), sub: fmt.Sprintf("0000%04d-1111-4222-8333-444455556666", len(f.users)), enabled: true, attrs: attrs}
	f.users[name] = u
	return &cip.SignUpOutput{UserSub: aws.String(u.sub), UserConfirmed: false,
		CodeDeliveryDetails: &ciptypes.CodeDeliveryDetailsType{Destination: aws.String("j***@e***"), DeliveryMedium: ciptypes.DeliveryMediumTypeEmail, AttributeName: aws.String("email")}}, nil
}

func (f *fakeCognito) ConfirmSignUp(_ context.Context, in *cip.ConfirmSignUpInput, _ ...func(*cip.Options)) (*cip.ConfirmSignUpOutput, error) {
	if err := f.call("ConfirmSignUp"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.ConfirmationCode) != "123456" {
		return nil, &ciptypes.CodeMismatchException{Message: aws.String("Invalid verification code provided, please try again.")}
	}
	u.confirmed = true
	return &cip.ConfirmSignUpOutput{}, nil
}

func (f *fakeCognito) AdminConfirmSignUp(_ context.Context, in *cip.AdminConfirmSignUpInput, _ ...func(*cip.Options)) (*cip.AdminConfirmSignUpOutput, error) {
	if err := f.call("AdminConfirmSignUp"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	u.confirmed = true
	return &cip.AdminConfirmSignUpOutput{}, nil
}

func (f *fakeCognito) user(name *string) (*fakeUser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[aws.ToString(name)]
	if !ok {
		return nil, &ciptypes.UserNotFoundException{Message: aws.String("User does not exist.")}
	}
	return u, nil
}

func (f *fakeCognito) ResendConfirmationCode(_ context.Context, in *cip.ResendConfirmationCodeInput, _ ...func(*cip.Options)) (*cip.ResendConfirmationCodeOutput, error) {
	if err := f.call("ResendConfirmationCode"); err != nil {
		return nil, err
	}
	if _, err := f.user(in.Username); err != nil {
		return nil, err
	}
	return &cip.ResendConfirmationCodeOutput{CodeDeliveryDetails: &ciptypes.CodeDeliveryDetailsType{Destination: aws.String("j***@e***")}}, nil
}

// srpParams are PASSWORD_VERIFIER's challenge parameters (valid numbers;
// the fake does not check the proof).
func srpParams(user string) map[string]string {
	return map[string]string{"USER_ID_FOR_SRP": user, "SRP_B": strings.Repeat("ab", 384), "SALT": "a1b2c3d4", "SECRET_BLOCK": base64.StdEncoding.EncodeToString([]byte("secret-block"))}
}

func (f *fakeCognito) InitiateAuth(_ context.Context, in *cip.InitiateAuthInput, _ ...func(*cip.Options)) (*cip.InitiateAuthOutput, error) {
	if err := f.call("InitiateAuth/" + string(in.AuthFlow)); err != nil {
		return nil, err
	}
	p := in.AuthParameters
	switch in.AuthFlow {
	case ciptypes.AuthFlowTypeRefreshTokenAuth:
		f.mu.Lock()
		defer f.mu.Unlock()
		rt := p["REFRESH_TOKEN"]
		user, _, _ := strings.Cut(strings.TrimPrefix(rt, "refresh-"), "-session")
		if f.revoked[rt] || f.users[user] == nil {
			return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Refresh Token has been revoked")}
		}
		r := f.tokens(user)
		r.RefreshToken = nil // no rotation: Cognito returns no new refresh token
		return &cip.InitiateAuthOutput{AuthenticationResult: r}, nil
	case ciptypes.AuthFlowTypeUserSrpAuth:
		if p["SRP_A"] == "" {
			return nil, &ciptypes.InvalidParameterException{Message: aws.String("Missing required parameter SRP_A")}
		}
		u, err := f.user(aws.String(p["USERNAME"]))
		if err != nil {
			return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Incorrect username or password.")}
		}
		if !u.confirmed {
			return nil, &ciptypes.UserNotConfirmedException{Message: aws.String("User is not confirmed.")}
		}
		// With email as the username attribute, Cognito names the user by
		// its internal username (the sub) in USER_ID_FOR_SRP, and every
		// later challenge response must use that as USERNAME.
		f.mu.Lock()
		f.session = "srp-session"
		f.mu.Unlock()
		return &cip.InitiateAuthOutput{ChallengeName: ciptypes.ChallengeNameTypePasswordVerifier, ChallengeParameters: srpParams(u.sub), Session: aws.String("srp-session")}, nil
	case ciptypes.AuthFlowTypeUserPasswordAuth:
		return nil, &ciptypes.InvalidParameterException{Message: aws.String("USER_PASSWORD_AUTH flow not enabled for this client")}
	}
	return nil, fmt.Errorf("fake: flow %s", in.AuthFlow)
}

func (f *fakeCognito) RespondToAuthChallenge(_ context.Context, in *cip.RespondToAuthChallengeInput, _ ...func(*cip.Options)) (*cip.RespondToAuthChallengeOutput, error) {
	if err := f.call("RespondToAuthChallenge/" + string(in.ChallengeName)); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r := in.ChallengeResponses
	f.responses = append(f.responses, r)
	user := ""
	for name, u := range f.users {
		if u.sub == r["USERNAME"] {
			user = name
		}
	}
	if user == "" {
		return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Incorrect username or password.")}
	}
	// Each answer carries the session of the challenge it answers (MFA_SETUP:
	// the one VerifySoftwareToken returned).
	if want := f.session; in.ChallengeName != ciptypes.ChallengeNameTypeMfaSetup && aws.ToString(in.Session) != want {
		return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Invalid session for the user, session is expired.")}
	}
	switch in.ChallengeName {
	case ciptypes.ChallengeNameTypePasswordVerifier:
		for _, k := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
			if r[k] == "" {
				return nil, &ciptypes.InvalidParameterException{Message: aws.String("Missing " + k)}
			}
		}
	case ciptypes.ChallengeNameTypeNewPasswordRequired:
		if r["NEW_PASSWORD"] == "" {
			return nil, &ciptypes.InvalidParameterException{Message: aws.String("Missing NEW_PASSWORD")}
		}
	case ciptypes.ChallengeNameTypeSoftwareTokenMfa, ciptypes.ChallengeNameTypeSmsMfa, ciptypes.ChallengeNameTypeEmailOtp:
		key := map[ciptypes.ChallengeNameType]string{ciptypes.ChallengeNameTypeSoftwareTokenMfa: "SOFTWARE_TOKEN_MFA_CODE",
			ciptypes.ChallengeNameTypeSmsMfa: "SMS_MFA_CODE", ciptypes.ChallengeNameTypeEmailOtp: "EMAIL_OTP_CODE"}[in.ChallengeName]
		if r[key] != "654321" {
			return nil, &ciptypes.CodeMismatchException{Message: aws.String("Invalid code received for user")}
		}
	case ciptypes.ChallengeNameTypeSelectMfaType:
		if r["ANSWER"] != "SOFTWARE_TOKEN_MFA" {
			return nil, &ciptypes.InvalidParameterException{Message: aws.String("Invalid ANSWER")}
		}
		f.session = "session-after-select"
		return &cip.RespondToAuthChallengeOutput{ChallengeName: ciptypes.ChallengeNameTypeSoftwareTokenMfa, Session: aws.String(f.session)}, nil
	case ciptypes.ChallengeNameTypeMfaSetup:
		if aws.ToString(in.Session) != "verified-session" {
			return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Invalid session for the user.")}
		}
	}
	if len(f.challenges) > 0 {
		next := f.challenges[0]
		f.challenges = f.challenges[1:]
		params := map[string]string{"USER_ID_FOR_SRP": f.users[user].sub}
		switch next {
		case ciptypes.ChallengeNameTypeNewPasswordRequired:
			params["requiredAttributes"] = `["userAttributes.name"]`
		case ciptypes.ChallengeNameTypeSmsMfa, ciptypes.ChallengeNameTypeEmailOtp:
			params["CODE_DELIVERY_DESTINATION"] = "+*******1234"
		case ciptypes.ChallengeNameTypeSelectMfaType:
			params["MFAS_CAN_CHOOSE"] = `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`
		}
		f.session = "session-for-" + string(next)
		return &cip.RespondToAuthChallengeOutput{ChallengeName: next, ChallengeParameters: params, Session: aws.String(f.session)}, nil
	}
	return &cip.RespondToAuthChallengeOutput{AuthenticationResult: f.tokens(user)}, nil
}

func (f *fakeCognito) ForgotPassword(_ context.Context, in *cip.ForgotPasswordInput, _ ...func(*cip.Options)) (*cip.ForgotPasswordOutput, error) {
	if err := f.call("ForgotPassword"); err != nil {
		return nil, err
	}
	return &cip.ForgotPasswordOutput{CodeDeliveryDetails: &ciptypes.CodeDeliveryDetailsType{Destination: aws.String("j***@e***")}}, nil
}

func (f *fakeCognito) ConfirmForgotPassword(_ context.Context, in *cip.ConfirmForgotPasswordInput, _ ...func(*cip.Options)) (*cip.ConfirmForgotPasswordOutput, error) {
	if err := f.call("ConfirmForgotPassword"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.ConfirmationCode) != "123456" {
		return nil, &ciptypes.ExpiredCodeException{Message: aws.String("Invalid code provided, please request a code again.")}
	}
	u.password = aws.ToString(in.Password)
	return &cip.ConfirmForgotPasswordOutput{}, nil
}

// userOf is the user an access token names (the fake trusts its own tokens).
func (f *fakeCognito) userOf(token *string) (string, error) {
	claims, err := tokenClaims(aws.ToString(token))
	if err != nil || claims["token_use"] != "access" {
		return "", &ciptypes.NotAuthorizedException{Message: aws.String("Invalid Access Token")}
	}
	return claims["username"].(string), nil
}

func (f *fakeCognito) ChangePassword(_ context.Context, in *cip.ChangePasswordInput, _ ...func(*cip.Options)) (*cip.ChangePasswordOutput, error) {
	if err := f.call("ChangePassword"); err != nil {
		return nil, err
	}
	name, err := f.userOf(in.AccessToken)
	if err != nil {
		return nil, err
	}
	u, _ := f.user(&name)
	if u.password != aws.ToString(in.PreviousPassword) {
		return nil, &ciptypes.NotAuthorizedException{Message: aws.String("Incorrect username or password.")}
	}
	u.password = aws.ToString(in.ProposedPassword)
	return &cip.ChangePasswordOutput{}, nil
}

func (f *fakeCognito) AssociateSoftwareToken(_ context.Context, in *cip.AssociateSoftwareTokenInput, _ ...func(*cip.Options)) (*cip.AssociateSoftwareTokenOutput, error) {
	if err := f.call("AssociateSoftwareToken"); err != nil {
		return nil, err
	}
	if in.AccessToken == nil && in.Session == nil {
		return nil, &ciptypes.InvalidParameterException{Message: aws.String("AccessToken or Session required")}
	}
	// Every association makes a new secret (so no code exists before it).
	f.mu.Lock()
	f.totpKey = strings.ToUpper(randomString(16))
	f.mu.Unlock()
	return &cip.AssociateSoftwareTokenOutput{SecretCode: aws.String(f.totpKey), Session: in.Session}, nil
}

func (f *fakeCognito) VerifySoftwareToken(_ context.Context, in *cip.VerifySoftwareTokenInput, _ ...func(*cip.Options)) (*cip.VerifySoftwareTokenOutput, error) {
	if err := f.call("VerifySoftwareToken"); err != nil {
		return nil, err
	}
	if aws.ToString(in.UserCode) != "654321" {
		return nil, &ciptypes.EnableSoftwareTokenMFAException{Message: aws.String("Code mismatch")}
	}
	out := &cip.VerifySoftwareTokenOutput{Status: ciptypes.VerifySoftwareTokenResponseTypeSuccess}
	if in.Session != nil {
		out.Session = aws.String("verified-session")
	}
	return out, nil
}

func (f *fakeCognito) SetUserMFAPreference(_ context.Context, in *cip.SetUserMFAPreferenceInput, _ ...func(*cip.Options)) (*cip.SetUserMFAPreferenceOutput, error) {
	if err := f.call("SetUserMFAPreference"); err != nil {
		return nil, err
	}
	name, err := f.userOf(in.AccessToken)
	if err != nil {
		return nil, err
	}
	u, _ := f.user(&name)
	u.totp = in.SoftwareTokenMfaSettings != nil && in.SoftwareTokenMfaSettings.Enabled
	return &cip.SetUserMFAPreferenceOutput{}, nil
}

func (f *fakeCognito) DeleteUser(_ context.Context, in *cip.DeleteUserInput, _ ...func(*cip.Options)) (*cip.DeleteUserOutput, error) {
	if err := f.call("DeleteUser"); err != nil {
		return nil, err
	}
	name, err := f.userOf(in.AccessToken)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	delete(f.users, name)
	f.mu.Unlock()
	return &cip.DeleteUserOutput{}, nil
}

func (f *fakeCognito) AdminDeleteUser(_ context.Context, in *cip.AdminDeleteUserInput, _ ...func(*cip.Options)) (*cip.AdminDeleteUserOutput, error) {
	if err := f.call("AdminDeleteUser"); err != nil {
		return nil, err
	}
	if _, err := f.user(in.Username); err != nil {
		return nil, err
	}
	f.mu.Lock()
	delete(f.users, aws.ToString(in.Username))
	f.mu.Unlock()
	return &cip.AdminDeleteUserOutput{}, nil
}

func (f *fakeCognito) RevokeToken(_ context.Context, in *cip.RevokeTokenInput, _ ...func(*cip.Options)) (*cip.RevokeTokenOutput, error) {
	if err := f.call("RevokeToken"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.revoked[aws.ToString(in.Token)] = true
	f.mu.Unlock()
	return &cip.RevokeTokenOutput{}, nil
}

func (f *fakeCognito) AdminGetUser(_ context.Context, in *cip.AdminGetUserInput, _ ...func(*cip.Options)) (*cip.AdminGetUserOutput, error) {
	if err := f.call("AdminGetUser"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	var attrs []ciptypes.AttributeType
	for k, v := range u.attrs {
		attrs = append(attrs, ciptypes.AttributeType{Name: aws.String(k), Value: aws.String(v)})
	}
	return &cip.AdminGetUserOutput{Username: in.Username, UserStatus: ciptypes.UserStatusTypeConfirmed, Enabled: u.enabled, UserAttributes: attrs,
		UserCreateDate: aws.Time(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))}, nil
}

func (f *fakeCognito) AdminListGroupsForUser(_ context.Context, in *cip.AdminListGroupsForUserInput, _ ...func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error) {
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	var gs []ciptypes.GroupType
	for _, g := range u.groups {
		gs = append(gs, ciptypes.GroupType{GroupName: aws.String(g)})
	}
	return &cip.AdminListGroupsForUserOutput{Groups: gs}, nil
}

// ListUsers pages two users at a time, to prove pagination.
func (f *fakeCognito) ListUsers(_ context.Context, in *cip.ListUsersInput, _ ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	if err := f.call("ListUsers"); err != nil {
		return nil, err
	}
	if l := aws.ToInt32(in.Limit); l < 1 || l > 60 {
		return nil, &ciptypes.InvalidParameterException{Message: aws.String("1 validation error detected: Value at 'limit' failed to satisfy constraint")}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var names []string
	for n := range f.users {
		names = append(names, n)
	}
	sortStrings(names)
	start := 0
	fmt.Sscan(aws.ToString(in.PaginationToken), &start)
	end := min(start+2, len(names), start+int(aws.ToInt32(in.Limit)))
	out := &cip.ListUsersOutput{}
	for _, n := range names[start:end] {
		u := f.users[n]
		out.Users = append(out.Users, ciptypes.UserType{Username: aws.String(n), Enabled: u.enabled, UserStatus: ciptypes.UserStatusTypeConfirmed,
			Attributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(u.attrs["email"])}}, UserCreateDate: aws.Time(time.Unix(0, 0))})
	}
	if end < len(names) {
		out.PaginationToken = aws.String(fmt.Sprint(end))
	}
	return out, nil
}

func (f *fakeCognito) AdminDisableUser(_ context.Context, in *cip.AdminDisableUserInput, _ ...func(*cip.Options)) (*cip.AdminDisableUserOutput, error) {
	if err := f.call("AdminDisableUser"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	u.enabled = false
	return &cip.AdminDisableUserOutput{}, nil
}

func (f *fakeCognito) AdminEnableUser(_ context.Context, in *cip.AdminEnableUserInput, _ ...func(*cip.Options)) (*cip.AdminEnableUserOutput, error) {
	if err := f.call("AdminEnableUser"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	u.enabled = true
	return &cip.AdminEnableUserOutput{}, nil
}

func (f *fakeCognito) GetGroup(_ context.Context, in *cip.GetGroupInput, _ ...func(*cip.Options)) (*cip.GetGroupOutput, error) {
	if !f.groups[aws.ToString(in.GroupName)] {
		return nil, &ciptypes.ResourceNotFoundException{Message: aws.String("Group not found.")}
	}
	return &cip.GetGroupOutput{Group: &ciptypes.GroupType{GroupName: in.GroupName}}, nil
}

func (f *fakeCognito) ListGroups(_ context.Context, in *cip.ListGroupsInput, _ ...func(*cip.Options)) (*cip.ListGroupsOutput, error) {
	out := &cip.ListGroupsOutput{}
	for g := range f.groups {
		out.Groups = append(out.Groups, ciptypes.GroupType{GroupName: aws.String(g)})
	}
	return out, nil
}

func (f *fakeCognito) AdminAddUserToGroup(_ context.Context, in *cip.AdminAddUserToGroupInput, _ ...func(*cip.Options)) (*cip.AdminAddUserToGroupOutput, error) {
	if err := f.call("AdminAddUserToGroup"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	if !f.groups[aws.ToString(in.GroupName)] {
		return nil, &ciptypes.ResourceNotFoundException{Message: aws.String("Group not found.")}
	}
	u.groups = append(u.groups, aws.ToString(in.GroupName))
	return &cip.AdminAddUserToGroupOutput{}, nil
}

func (f *fakeCognito) AdminRemoveUserFromGroup(_ context.Context, in *cip.AdminRemoveUserFromGroupInput, _ ...func(*cip.Options)) (*cip.AdminRemoveUserFromGroupOutput, error) {
	if err := f.call("AdminRemoveUserFromGroup"); err != nil {
		return nil, err
	}
	u, err := f.user(in.Username)
	if err != nil {
		return nil, err
	}
	var keep []string
	for _, g := range u.groups {
		if g != aws.ToString(in.GroupName) {
			keep = append(keep, g)
		}
	}
	u.groups = keep
	return &cip.AdminRemoveUserFromGroupOutput{}, nil
}

// DescribeUserPool reports the pool's domains (a custom one, as the
// harness's HostedUiBaseUrl, and a prefix one).
func (f *fakeCognito) DescribeUserPool(_ context.Context, in *cip.DescribeUserPoolInput, _ ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error) {
	if err := f.call("DescribeUserPool"); err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolOutput{UserPool: &ciptypes.UserPoolType{Id: in.UserPoolId, CustomDomain: aws.String(f.customDomain), Domain: aws.String("authdev")}}, nil
}

func (f *fakeCognito) DescribeUserPoolClient(_ context.Context, in *cip.DescribeUserPoolClientInput, _ ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error) {
	if err := f.call("DescribeUserPoolClient"); err != nil {
		return nil, err
	}
	return &cip.DescribeUserPoolClientOutput{UserPoolClient: &ciptypes.UserPoolClientType{ClientId: in.ClientId, ClientSecret: aws.String(f.secret)}}, nil
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

// fakeIdentity is an identity pool.
type fakeIdentity struct {
	logins []map[string]string
	guests bool
}

func (f *fakeIdentity) GetId(_ context.Context, in *cognitoidentity.GetIdInput, _ ...func(*cognitoidentity.Options)) (*cognitoidentity.GetIdOutput, error) {
	if len(in.Logins) == 0 && !f.guests {
		return nil, &citypes.NotAuthorizedException{Message: aws.String("Unauthenticated access is not supported for this identity pool.")}
	}
	f.logins = append(f.logins, in.Logins)
	return &cognitoidentity.GetIdOutput{IdentityId: aws.String("eu-west-1:11111111-2222-3333-4444-555555555555")}, nil
}

func (f *fakeIdentity) GetCredentialsForIdentity(_ context.Context, in *cognitoidentity.GetCredentialsForIdentityInput, _ ...func(*cognitoidentity.Options)) (*cognitoidentity.GetCredentialsForIdentityOutput, error) {
	return &cognitoidentity.GetCredentialsForIdentityOutput{IdentityId: in.IdentityId, Credentials: &citypes.Credentials{AccessKeyId: aws.String("ASIAFAKE"),
		SecretKey: aws.String("secretkey"), SessionToken: aws.String("sessiontoken"), Expiration: aws.Time(time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC))}}, nil
}

// fakeStacks is CloudFormation with one stack.
type fakeStacks struct {
	name, region string
	outputs      map[string]string
	asked        []string
}

func (f *fakeStacks) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.asked = append(f.asked, aws.ToString(in.StackName)+"@"+f.region)
	if aws.ToString(in.StackName) != f.name {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id " + aws.ToString(in.StackName) + " does not exist"}
	}
	s := cftypes.Stack{StackName: in.StackName}
	for k, v := range f.outputs {
		s.Outputs = append(s.Outputs, cftypes.Output{OutputKey: aws.String(k), OutputValue: aws.String(v)})
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cftypes.Stack{s}}, nil
}

// fakeAPI is the stack's API (the authorizer's contract: 401 without a
// valid token or after logout), the token endpoint and the key set, on
// one server the test transport sends every URL to.
type fakeAPI struct {
	t       *testing.T
	cog     *fakeCognito
	mu      sync.Mutex
	revoked map[string]bool // origin_jti
	srv     *httptest.Server
	// ignoreLogout makes logout answer 200 and revoke nothing (a broken API).
	ignoreLogout bool
}

func newFakeAPI(t *testing.T, cog *fakeCognito) *fakeAPI {
	f := &fakeAPI{t: t, cog: cog, revoked: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func answer(w http.ResponseWriter, status int, v map[string]interface{}) {
	v["status"] = status
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/"+testPool+"/.well-known/jwks.json":
		w.Write(jwks())
		return
	case r.URL.Path == "/oauth2/token":
		id, secret, ok := r.BasicAuth()
		r.ParseForm()
		if !ok || secret != f.cog.secret || r.Form.Get("grant_type") != "client_credentials" || id == "" {
			w.WriteHeader(400)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		w.Write([]byte(`{"access_token":"machine-token","token_type":"Bearer","expires_in":3600}`))
		return
	case r.URL.Path == "/v1/guest":
		answer(w, 200, map[string]interface{}{})
		return
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "machine-token" {
		if r.URL.Path == "/v1/client" {
			answer(w, 200, map[string]interface{}{"identity": map[string]string{"principal": "machine"}})
		} else {
			answer(w, 403, map[string]interface{}{"message": "Forbidden"})
		}
		return
	}
	claims, err := tokenClaims(token)
	f.mu.Lock()
	revoked := err == nil && f.revoked[fmt.Sprint(claims["origin_jti"])]
	f.mu.Unlock()
	if err != nil || revoked {
		answer(w, 401, map[string]interface{}{"message": "Unauthorized"})
		return
	}
	switch r.URL.Path {
	case "/v1/user":
		answer(w, 200, map[string]interface{}{"identity": map[string]interface{}{"sub": claims["sub"], "tokenUse": claims["token_use"]}})
	case "/v1/auth/logout":
		var body struct{ RefreshToken string }
		json.NewDecoder(r.Body).Decode(&body)
		if f.ignoreLogout {
			answer(w, 200, map[string]interface{}{})
			return
		}
		f.mu.Lock()
		f.revoked[fmt.Sprint(claims["origin_jti"])] = true
		f.mu.Unlock()
		f.cog.mu.Lock()
		f.cog.revoked[body.RefreshToken] = true
		f.cog.mu.Unlock()
		answer(w, 200, map[string]interface{}{"hostedUiLogoutUrl": "https://auth.example.com/logout?client_id=" + testClient})
	default:
		answer(w, 403, map[string]interface{}{"message": "Forbidden"})
	}
}

// harness runs authctl against the fakes.
type harness struct {
	t         *testing.T
	cog       *fakeCognito
	id        *fakeIdentity
	stacks    *fakeStacks
	api       *fakeAPI
	configDir string
	outputs   string // outputs file
	terminal  bool
	env       map[string]string
	now       time.Time
	s3        backup.S3API
}

func testOutputs() map[string]string {
	return map[string]string{
		"UserPoolId": testPool, "WebClientId": testClient, "IosClientId": "iosclient", "MachineClientId": "machineclient",
		"ApiUrl": "https://api.example.com/v1/", "HostedUiBaseUrl": "https://auth.example.com", "IssuerUrl": testIssuer,
		"JwksUrl": testIssuer + "/.well-known/jwks.json", "IdentityPoolId": "eu-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
		"WebSignInUrl":     "https://auth.example.com/login?client_id=" + testClient + "&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2Fauth%2Fcallback",
		"BackupBucketName": "backups-bucket",
	}
}

// testTarget is the environment of the harness's outputs file.
func testTarget() *target {
	return &target{Name: "authdev-development.eu-west-1", Stack: "authdev-development", Region: "eu-west-1", Outputs: testOutputs()}
}

func newHarness(t *testing.T) *harness {
	h := &harness{t: t, cog: newFakeCognito(), id: &fakeIdentity{}, configDir: t.TempDir(), env: map[string]string{}, now: time.Now()}
	h.cog.now = func() time.Time { return h.now }
	h.api = newFakeAPI(t, h.cog)
	out := testOutputs()
	h.stacks = &fakeStacks{name: "authdev-development", outputs: out}
	b, _ := json.Marshal(map[string]interface{}{"authdev-development": out, "authdev-development-certificates": map[string]string{"CertificateArn": "arn:x"}})
	h.outputs = filepath.Join(t.TempDir(), "outputs.json")
	if err := os.WriteFile(h.outputs, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) deps(stdin string, stdout, stderr *bytes.Buffer) Deps {
	return Deps{
		Stdin: strings.NewReader(stdin), Stdout: stdout, Stderr: stderr,
		Getenv:     func(k string) string { return h.env[k] },
		Terminal:   h.terminal,
		ReadSecret: func() (string, error) { return "", fmt.Errorf("no terminal in tests") },
		ConfigDir:  func() (string, error) { return h.configDir, nil },
		LoadAWS: func(_ context.Context, region, profile string) (aws.Config, error) {
			h.stacks.region = region
			return aws.Config{Region: region}, nil
		},
		Cognito:  func(aws.Config) Cognito { return h.cog },
		Identity: func(aws.Config) Identity { return h.id },
		Stacks:   func(aws.Config) Stacks { return h.stacks },
		S3:       func(aws.Config) backup.S3API { return h.s3 },
		HTTP:     &localdeploy.Transport{Endpoint: h.api.srv.URL},
		Now:      func() time.Time { return h.now },
	}
}

// run runs authctl with the outputs file as the environment (unless args
// choose another) and returns the exit code and what it printed.
func (h *harness) run(stdin string, args ...string) (int, string, string) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	chosen := false
	for _, a := range args {
		if a == "--env" || strings.HasPrefix(a, "--local") || a == "--outputs-file" {
			chosen = true
		}
	}
	if !chosen {
		args = append([]string{"--outputs-file", h.outputs}, args...)
	}
	code := Main(context.Background(), args, h.deps(stdin, &stdout, &stderr))
	return code, stdout.String(), stderr.String()
}

// runArgs runs authctl with exactly args and no input.
func (h *harness) runArgs(args []string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), args, h.deps("", &stdout, &stderr))
	return code, stdout.String(), stderr.String()
}

// mustRun fails the test unless authctl exits 0.
func (h *harness) mustRun(stdin string, args ...string) string {
	h.t.Helper()
	code, out, errOut := h.run(stdin, args...)
	if code != 0 {
		h.t.Fatalf("authctl %s = exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// signedIn signs jane up, confirms and signs her in.
func (h *harness) signedIn() {
	h.t.Helper()
	h.mustRun("Correct-Horse-9\n", "signup", "jane@example.com")
	h.mustRun("", "confirm", "jane@example.com", "123456")
	h.mustRun("Correct-Horse-9\n", "login", "jane@example.com")
}
