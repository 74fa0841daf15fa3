package apihandler

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/authorizer"
	"github.com/authstack/authstack/internal/runtime/denylist"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/internal/test/testevents"
	"github.com/authstack/authstack/rules"
)

// TestSignInCallLogoutDenied runs the whole revocation story against real
// AWS APIs (moto): sign in to a user pool, call the API through the
// authorizer, log out, and the very same access token is refused.
func TestSignInCallLogoutDenied(t *testing.T) {
	cfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp, ddb := cip.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg)

	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("users")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	client, err := idp.CreateUserPoolClient(ctx, &cip.CreateUserPoolClientInput{UserPoolId: aws.String(poolID), ClientName: aws.String("app"),
		ExplicitAuthFlows: []ciptypes.ExplicitAuthFlowsType{ciptypes.ExplicitAuthFlowsTypeAllowUserPasswordAuth, ciptypes.ExplicitAuthFlowsTypeAllowRefreshTokenAuth}})
	if err != nil {
		t.Fatal(err)
	}
	clientID := aws.ToString(client.UserPoolClient.ClientId)
	if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: aws.String(poolID), Username: aws.String("jane@example.com")}); err != nil {
		t.Fatal(err)
	}
	if _, err := idp.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(poolID), Username: aws.String("jane@example.com"),
		Password: aws.String("Correct-Horse-9"), Permanent: true}); err != nil {
		t.Fatal(err)
	}
	auth, err := idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "jane@example.com", "PASSWORD": "Correct-Horse-9"}})
	if err != nil {
		t.Fatal(err)
	}
	access := aws.ToString(auth.AuthenticationResult.AccessToken)

	table := "denylist"
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(table), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(contract.DenyListKey), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(contract.DenyListKey), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}
	list := &denylist.List{Client: ddb, Table: table, TTL: 30 * 24 * time.Hour}
	verifier := &jwtverify.Verifier{
		Issuer:    "https://cognito-idp." + mototest.Region + ".amazonaws.com/" + poolID,
		ClientIDs: []string{clientID},
		Keys:      &jwtverify.JWKS{URL: aws.ToString(cfg.BaseEndpoint) + "/" + poolID + "/.well-known/jwks.json"},
		CacheSize: 100,
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	m, _ := testevents.Metrics()
	authz := &authorizer.Handler{Verifier: verifier, Revocations: list, Metrics: m, Log: log, Rules: []rules.Rule{
		{Method: "GET", Path: "/user"}, {Method: "POST", Path: "/auth/logout"},
	}}
	// moto implements AdminUserGlobalSignOut (in every region) but no
	// RevokeToken; logouts here send no refresh token, so only the former runs.
	api := &Handler{UserPoolID: poolID, Verifier: verifier, DenyList: list, Cognito: idp, AdminGroup: "admin", Metrics: m, Log: log}
	methodArn := "arn:aws:execute-api:eu-west-1:123456789012:abc/prod/GET/user"

	// Signed in: the authorizer allows and the API answers with the identity.
	resp, err := authz.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: "Bearer " + access, MethodArn: methodArn})
	if err != nil {
		t.Fatalf("authorizer refused a fresh moto token: %v", err)
	}
	got, _ := api.Handle(ctx, events.APIGatewayProxyRequest{HTTPMethod: "GET", Resource: "/user", RequestContext: events.APIGatewayProxyRequestContext{Authorizer: resp.Context}})
	if got.StatusCode != 200 {
		t.Fatalf("GET /user = %d %s", got.StatusCode, got.Body)
	}
	// Log out, twice: idempotent.
	refresh := aws.ToString(auth.AuthenticationResult.RefreshToken)
	for i := 0; i < 2; i++ {
		out, _ := api.Handle(ctx, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
			Headers: map[string]string{"Authorization": "Bearer " + access}})
		if out.StatusCode != 200 {
			t.Fatalf("logout %d = %d %s", i+1, out.StatusCode, out.Body)
		}
	}
	// The same, still unexpired access token is now refused (401)...
	if _, err := authz.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: "Bearer " + access, MethodArn: methodArn}); err == nil || err.Error() != "Unauthorized" {
		t.Fatalf("authorizer after logout: %v; want Unauthorized", err)
	}
	// ... and Cognito ended the session: the refresh token no longer works.
	_, err = idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: ciptypes.AuthFlowTypeRefreshTokenAuth,
		AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
	var na *ciptypes.NotAuthorizedException
	if !errors.As(err, &na) {
		t.Errorf("refresh after logout = %v; want NotAuthorizedException (AdminUserGlobalSignOut)", err)
	}
	// When Cognito refuses (here: a pool that does not exist), the answer is
	// a 502 that says so, never "Signed out".
	broken := *api
	broken.UserPoolID = mototest.Region + "_DoesNotExist"
	out, _ := broken.Handle(ctx, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
		Headers: map[string]string{"Authorization": "Bearer " + access2(t, idp, clientID)}})
	if out.StatusCode != 502 || strings.Contains(out.Body, `"Signed out"`) {
		t.Errorf("logout Cognito refused = %d %s; want 502", out.StatusCode, out.Body)
	}
	// A new sign-in works again.
	time.Sleep(1100 * time.Millisecond) // iat has a resolution of one second
	auth, err = idp.InitiateAuth(ctx, &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "jane@example.com", "PASSWORD": "Correct-Horse-9"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := authz.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: "Bearer " + aws.ToString(auth.AuthenticationResult.AccessToken), MethodArn: methodArn}); err != nil {
		t.Errorf("a new sign-in after logout is refused: %v", err)
	}
}

// access2 signs jane in again (a token the deny-list does not refuse yet:
// iat has a resolution of one second).
func access2(t *testing.T, idp *cip.Client, clientID string) string {
	time.Sleep(1100 * time.Millisecond)
	auth, err := idp.InitiateAuth(context.Background(), &cip.InitiateAuthInput{ClientId: aws.String(clientID), AuthFlow: ciptypes.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": "jane@example.com", "PASSWORD": "Correct-Horse-9"}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(auth.AuthenticationResult.AccessToken)
}
