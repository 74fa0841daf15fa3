package restore_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/restore"
)

// csvHeader is GetCSVHeader's answer in the Cognito API reference's example.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetCSVHeader.html
var csvHeader = []string{"name", "given_name", "family_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website",
	"email", "email_verified", "gender", "birthdate", "zoneinfo", "locale", "phone_number", "phone_number_verified", "address", "updated_at",
	"cognito:mfa_enabled", "cognito:username"}

// importing is moto (which has no import jobs) plus Cognito's import job
// as its developer guide describes it: a pre-signed URL takes the CSV (a PUT
// with x-amz-server-side-encryption: aws:kms), StartUserImportJob imports
// each row as a RESET_REQUIRED user, DescribeUserImportJob reports it.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool.html
type importing struct {
	*cip.Client
	t       *testing.T
	srv     *httptest.Server
	mu      sync.Mutex
	csv     [][]string
	roleARN string
	started bool
}

func newImporting(t *testing.T, c *cip.Client) *importing {
	im := &importing{Client: c, t: t}
	im.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.Header.Get("x-amz-server-side-encryption") != "aws:kms" {
			t.Errorf("upload %s with encryption header %q; the pre-signed URL takes a PUT with aws:kms", r.Method, r.Header.Get("x-amz-server-side-encryption"))
			w.WriteHeader(http.StatusForbidden)
			return
		}
		rows, err := csv.NewReader(r.Body).ReadAll()
		if err != nil {
			t.Errorf("CSV: %v", err)
		}
		im.mu.Lock()
		im.csv = rows
		im.mu.Unlock()
	}))
	t.Cleanup(im.srv.Close)
	return im
}

func (im *importing) GetCSVHeader(_ context.Context, in *cip.GetCSVHeaderInput, _ ...func(*cip.Options)) (*cip.GetCSVHeaderOutput, error) {
	return &cip.GetCSVHeaderOutput{UserPoolId: in.UserPoolId, CSVHeader: csvHeader}, nil
}

func (im *importing) CreateUserImportJob(_ context.Context, in *cip.CreateUserImportJobInput, _ ...func(*cip.Options)) (*cip.CreateUserImportJobOutput, error) {
	im.roleARN = aws.ToString(in.CloudWatchLogsRoleArn)
	return &cip.CreateUserImportJobOutput{UserImportJob: &ciptypes.UserImportJobType{JobId: aws.String("import-1a2b3c4d5e"), PreSignedUrl: aws.String(im.srv.URL + "/upload"),
		Status: ciptypes.UserImportJobStatusTypeCreated, UserPoolId: in.UserPoolId}}, nil
}

func (im *importing) StartUserImportJob(ctx context.Context, in *cip.StartUserImportJobInput, _ ...func(*cip.Options)) (*cip.StartUserImportJobOutput, error) {
	im.mu.Lock()
	defer im.mu.Unlock()
	header := im.csv[0]
	for _, row := range im.csv[1:] {
		var attrs []ciptypes.AttributeType
		var username string
		for i, col := range header {
			switch {
			case col == "cognito:username":
				username = row[i]
			case col == "cognito:mfa_enabled" || row[i] == "":
			default:
				attrs = append(attrs, ciptypes.AttributeType{Name: aws.String(col), Value: aws.String(row[i])})
			}
		}
		if _, err := im.Client.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: in.UserPoolId, Username: aws.String(username), UserAttributes: attrs, MessageAction: ciptypes.MessageActionTypeSuppress}); err != nil {
			return nil, err
		}
		if _, err := im.Client.AdminSetUserPassword(ctx, &cip.AdminSetUserPasswordInput{UserPoolId: in.UserPoolId, Username: aws.String(username), Password: aws.String("Imported-9x!"), Permanent: true}); err != nil {
			return nil, err
		}
		if _, err := im.Client.AdminResetUserPassword(ctx, &cip.AdminResetUserPasswordInput{UserPoolId: in.UserPoolId, Username: aws.String(username)}); err != nil {
			return nil, err
		}
	}
	im.started = true
	return &cip.StartUserImportJobOutput{}, nil
}

func (im *importing) DescribeUserImportJob(_ context.Context, in *cip.DescribeUserImportJobInput, _ ...func(*cip.Options)) (*cip.DescribeUserImportJobOutput, error) {
	status := ciptypes.UserImportJobStatusTypePending
	if im.started {
		status = ciptypes.UserImportJobStatusTypeSucceeded
	}
	return &cip.DescribeUserImportJobOutput{UserImportJob: &ciptypes.UserImportJobType{JobId: in.JobId, Status: status, ImportedUsers: int64(len(im.csv) - 1)}}, nil
}

func TestLargePoolsComeBackThroughAnImportJob(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	src := pool(t, ctx, idp, "source")
	users := seed(t, ctx, idp, src)
	dir := t.TempDir()
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), src, nil); err != nil {
		t.Fatal(err)
	}
	// GIVEN a pool "large" enough for an import job (threshold 2) and its logs role
	dst := pool(t, ctx, idp, "target")
	im := newImporting(t, idp)
	rep, err := restore.Restore(ctx, im, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset,
		ImportLogsRoleARN: "arn:aws:iam::123456789012:role/CognitoImport", ImportThreshold: 2})
	if err != nil {
		t.Fatal(err)
	}
	// THEN the users with a verified contact came in one CSV, in the pool's columns
	if im.roleARN != "arn:aws:iam::123456789012:role/CognitoImport" || len(im.csv) != 4 || strings.Join(im.csv[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("import job: role %q, %d CSV rows, header %v", im.roleARN, len(im.csv), im.csv[0])
	}
	if rep.UsersImported != 3 || rep.UsersCreated != 4 || len(rep.UsersToInvite) != 1 || len(rep.SubMap) != 4 {
		t.Errorf("report %+v", rep)
	}
	// AND every user, its enabled flag and its groups are back
	for _, u := range users {
		got, err := idp.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(dst), Username: aws.String(u.username)})
		if err != nil {
			t.Fatalf("%s: %v", u.username, err)
		}
		if got.Enabled != u.enabled {
			t.Errorf("%s: enabled %v", u.username, got.Enabled)
		}
		g, _ := idp.AdminListGroupsForUser(ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(dst), Username: aws.String(u.username)})
		if len(g.Groups) != len(u.groups) {
			t.Errorf("%s: %d groups; want %d", u.username, len(g.Groups), len(u.groups))
		}
	}
	// AND without the logs role an import job is refused with what is missing
	if _, err := restore.Restore(ctx, im, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset, Method: restore.MethodImport}); err == nil ||
		!strings.Contains(err.Error(), "ImportLogsRoleARN") {
		t.Errorf("import without a role: %v", err)
	}
}
