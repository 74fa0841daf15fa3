package apihandler

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/authstack/authstack/internal/authorizer"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/denylist"
	"github.com/authstack/authstack/internal/jwtverify"
	"github.com/authstack/authstack/internal/mototest"
	"github.com/authstack/authstack/internal/rules"
	"github.com/authstack/authstack/internal/testevents"
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
	// moto 5.2.5 implements no RevokeToken and answers GlobalSignOut with
	// NotAuthorized for valid tokens, so Cognito's half of logout goes to a
	// recorder here (unit tests cover both calls); all else is real.
	cognito := &fakeCognito{}
	api := &Handler{Verifier: verifier, DenyList: list, Cognito: cognito, AdminGroup: "admin", Metrics: m, Log: log}
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
	// Log out with the refresh token (RevokeToken), twice: idempotent.
	refresh := aws.ToString(auth.AuthenticationResult.RefreshToken)
	for i := 0; i < 2; i++ {
		out, _ := api.Handle(ctx, events.APIGatewayProxyRequest{HTTPMethod: "POST", Resource: "/auth/logout",
			Headers: map[string]string{"Authorization": "Bearer " + access}, Body: `{"refreshToken":"` + refresh + `"}`})
		if out.StatusCode != 200 {
			t.Fatalf("logout %d = %d %s", i+1, out.StatusCode, out.Body)
		}
	}
	// The same, still unexpired access token is now refused (401)...
	if _, err := authz.Handle(ctx, events.APIGatewayCustomAuthorizerRequest{AuthorizationToken: "Bearer " + access, MethodArn: methodArn}); err == nil || err.Error() != "Unauthorized" {
		t.Fatalf("authorizer after logout: %v; want Unauthorized", err)
	}
	if cognito.revoked != 2 {
		t.Errorf("RevokeToken called %d times; want once per logout", cognito.revoked)
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
