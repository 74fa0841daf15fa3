package identitypool_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/identitypool"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func newPool(t *testing.T, allowGuests bool) (assertions.Template, *identitypool.IdentityPool) {
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	client := pool.AddClient(jsii.String("Client"), nil)
	p := identitypool.NewIdentityPool(stack, jsii.String("Ids"), &identitypool.IdentityPoolProps{
		UserPool: pool, Clients: []cognito.IUserPoolClient{client}, AllowGuests: jsii.Bool(allowGuests),
	})
	return assertions.Template_FromStack(stack, nil), p
}

// policyOf returns the properties of the IAM policy the construct attaches
// for signed-in users (SignedInStorage) or guests (GuestStorage), as JSON.
func policyOf(t *testing.T, tpl assertions.Template, name string) string {
	t.Helper()
	for id, res := range *tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		if strings.HasPrefix(id, "Ids"+name) {
			b, _ := json.Marshal((*res)["Properties"])
			return string(b)
		}
	}
	t.Fatalf("no %s policy", name)
	return ""
}

func TestTrustAndStorageForSignedInAndGuests(t *testing.T) {
	// GIVEN an identity pool with guests allowed
	tpl, p := newPool(t, true)
	// THEN both roles trust only this pool (aud) and their auth state (amr)
	for _, amr := range []string{"authenticated", "unauthenticated"} {
		if err := cdktest.Has(tpl, "AWS::IAM::Role", map[string]interface{}{
			"AssumeRolePolicyDocument": map[string]interface{}{"Statement": []interface{}{map[string]interface{}{
				"Action": "sts:AssumeRoleWithWebIdentity", "Effect": "Allow",
				"Principal": map[string]interface{}{"Federated": "cognito-identity.amazonaws.com"},
				"Condition": map[string]interface{}{
					"StringEquals":           map[string]interface{}{"cognito-identity.amazonaws.com:aud": map[string]interface{}{"Ref": assertions.Match_AnyValue()}},
					"ForAnyValue:StringLike": map[string]interface{}{"cognito-identity.amazonaws.com:amr": amr},
				},
			}}},
		}); err != nil {
			t.Errorf("%s role: %v", amr, err)
		}
	}
	if err := cdktest.Has(tpl, "AWS::Cognito::IdentityPool", map[string]interface{}{
		"AllowUnauthenticatedIdentities": true,
	}); err != nil {
		t.Error(err)
	}
	// AND signed-in users may read/write only their own prefix, and read public/
	signedIn := policyOf(t, tpl, "SignedInStorage")
	for _, want := range []string{
		`"/private/${cognito-identity.amazonaws.com:sub}/*"`, `"s3:PutObject"`, `"s3:DeleteObject"`, `"/public/*"`,
		`"s3:prefix":["private/${cognito-identity.amazonaws.com:sub}/","private/${cognito-identity.amazonaws.com:sub}/*"]`,
		`"kms:GenerateDataKey"`, `"kms:ViaService"`,
	} {
		if !strings.Contains(signedIn, want) {
			t.Errorf("signed-in policy lacks %s:\n%s", want, signedIn)
		}
	}
	// AND guests may only read public/
	guest := policyOf(t, tpl, "GuestStorage")
	if !strings.Contains(guest, `"/public/*"`) {
		t.Errorf("guest policy lacks public read: %s", guest)
	}
	for _, forbidden := range []string{"private/", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "kms:GenerateDataKey"} {
		if strings.Contains(guest, forbidden) {
			t.Errorf("guest policy grants %s: %s", forbidden, guest)
		}
	}
	// AND the bucket is KMS-encrypted, versioned, private and logged
	if err := cdktest.Has(tpl, "AWS::S3::Bucket", map[string]interface{}{
		"BucketEncryption": map[string]interface{}{"ServerSideEncryptionConfiguration": []interface{}{map[string]interface{}{
			"BucketKeyEnabled":              true,
			"ServerSideEncryptionByDefault": map[string]interface{}{"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": assertions.Match_AnyValue()},
		}}},
		"VersioningConfiguration": map[string]interface{}{"Status": "Enabled"},
		"PublicAccessBlockConfiguration": map[string]interface{}{
			"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
		},
		"LoggingConfiguration": map[string]interface{}{"DestinationBucketName": assertions.Match_AnyValue(), "LogFilePrefix": "storage/"},
	}); err != nil {
		t.Error(err)
	}
	tpl.HasResource(jsii.String("AWS::S3::Bucket"), map[string]interface{}{"DeletionPolicy": "Retain"})
	if p.IdentityPoolId() == nil || p.AuthenticatedPrincipal() == nil {
		t.Error("accessors returned nil")
	}
}

func TestNoGuests(t *testing.T) {
	tpl, _ := newPool(t, false)
	if err := cdktest.Has(tpl, "AWS::Cognito::IdentityPool", map[string]interface{}{"AllowUnauthenticatedIdentities": false}); err != nil {
		t.Fatal(err)
	}
	for id := range *tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		if strings.HasPrefix(id, "IdsGuestStorage") {
			t.Errorf("guest storage policy %s exists with guests off", id)
		}
	}
}

func TestRequiresPoolAndClients(t *testing.T) {
	stack := cdktest.NewStack(t)
	pool := cognito.NewUserPool(stack, jsii.String("Pool"), nil)
	if msg := cdktest.Panics(func() {
		identitypool.NewIdentityPool(stack, jsii.String("Ids"), &identitypool.IdentityPoolProps{UserPool: pool})
	}); !strings.Contains(msg, "identitypool Ids: Clients: at least one app client is required") {
		t.Errorf("panic = %q", msg)
	}
	if msg := cdktest.Panics(func() { identitypool.NewIdentityPool(stack, jsii.String("Ids"), nil) }); !strings.Contains(msg, "UserPool is required") {
		t.Errorf("panic = %q", msg)
	}
}

func TestWithoutStorageAndImportedClients(t *testing.T) {
	// GIVEN an identity pool for imported clients, without storage
	stack := cdktest.NewStack(t)
	pool := cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_example"))
	client := cognito.UserPoolClient_FromUserPoolClientId(stack, jsii.String("Client"), jsii.String("1example23456789abcdefghij"))
	p := identitypool.NewIdentityPool(stack, jsii.String("Ids"), &identitypool.IdentityPoolProps{
		UserPool: pool, Clients: []cognito.IUserPoolClient{client}, Storage: jsii.Bool(false),
	})
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN the pool accepts the imported client's tokens and nothing else is created
	if err := cdktest.Has(tpl, "AWS::Cognito::IdentityPool", map[string]interface{}{
		"CognitoIdentityProviders": []interface{}{assertions.Match_ObjectLike(&map[string]interface{}{"ClientId": "1example23456789abcdefghij"})},
	}); err != nil {
		t.Error(err)
	}
	for _, typ := range []string{"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::IAM::Policy"} {
		tpl.ResourceCountIs(jsii.String(typ), jsii.Number(0))
	}
	if p.Bucket != nil {
		t.Error("Bucket set without storage")
	}
	// WHEN (in a stack of its own) the storage is a construct of its own for
	// the roles of such a pool
	stack = cdktest.NewStack(t)
	p = identitypool.NewIdentityPool(stack, jsii.String("Ids"), &identitypool.IdentityPoolProps{
		UserPool: cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_example")),
		Clients:  []cognito.IUserPoolClient{cognito.UserPoolClient_FromUserPoolClientId(stack, jsii.String("Client"), jsii.String("1example23456789abcdefghij"))},
		Storage:  jsii.Bool(false),
	})
	st := identitypool.NewIdentityStorage(stack, jsii.String("Files"), &identitypool.IdentityStorageProps{
		AuthenticatedRole: p.Pool.AuthenticatedRole(), GuestRole: p.Pool.UnauthenticatedRole(),
	})
	tpl = assertions.Template_FromStack(stack, nil)
	// THEN both buckets, the key and both roles' policies exist, as inside an IdentityPool
	tpl.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(2))
	tpl.ResourceCountIs(jsii.String("AWS::KMS::Key"), jsii.Number(1))
	if !strings.Contains(policyOfPrefix(t, tpl, "FilesSignedInStorage"), "private/${cognito-identity.amazonaws.com:sub}/*") ||
		strings.Contains(policyOfPrefix(t, tpl, "FilesGuestStorage"), "private/") || st.Bucket == nil {
		t.Error("storage policies differ from the identity pool's own")
	}
	if msg := cdktest.Panics(func() { identitypool.NewIdentityStorage(stack, jsii.String("X"), &identitypool.IdentityStorageProps{}) }); !strings.Contains(msg, "AuthenticatedRole is required") {
		t.Errorf("panic = %q", msg)
	}
}

func policyOfPrefix(t *testing.T, tpl assertions.Template, prefix string) string {
	t.Helper()
	for id, res := range *tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil) {
		if strings.HasPrefix(id, prefix) {
			b, _ := json.Marshal((*res)["Properties"])
			return string(b)
		}
	}
	t.Fatalf("no policy %s*", prefix)
	return ""
}
