package restore

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
)

// Importer is what an import job needs of the Cognito API, besides Cognito.
type Importer interface {
	GetCSVHeader(context.Context, *cip.GetCSVHeaderInput, ...func(*cip.Options)) (*cip.GetCSVHeaderOutput, error)
	CreateUserImportJob(context.Context, *cip.CreateUserImportJobInput, ...func(*cip.Options)) (*cip.CreateUserImportJobOutput, error)
	StartUserImportJob(context.Context, *cip.StartUserImportJobInput, ...func(*cip.Options)) (*cip.StartUserImportJobOutput, error)
	DescribeUserImportJob(context.Context, *cip.DescribeUserImportJobInput, ...func(*cip.Options)) (*cip.DescribeUserImportJobOutput, error)
	ListUsers(context.Context, *cip.ListUsersInput, ...func(*cip.Options)) (*cip.ListUsersOutput, error)
}

// importUsers creates the users of the backup that the pool lacks with one
// CSV user import job: no call per user, users arrive RESET_REQUIRED (they
// set a new password with a code at their next sign-in), no monthly-active-
// user charge for the import. The CSV's columns are the pool's
// (GetCSVHeader); a user without a verified email or phone is left to the
// per-user path, as Cognito cannot send it a code.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool.html
func (r *restorer) importUsers(store backup.Store, m *backup.Manifest) error {
	im, ok := r.c.(Importer)
	if !ok {
		return errors.New("restore: the Cognito client cannot run import jobs (it lacks GetCSVHeader ... DescribeUserImportJob)")
	}
	var header *cip.GetCSVHeaderOutput
	if err := r.call(func() (err error) {
		header, err = im.GetCSVHeader(r.ctx, &cip.GetCSVHeaderInput{UserPoolId: aws.String(r.pool)})
		return err
	}); err != nil {
		return fmt.Errorf("restore: GetCSVHeader: %w", err)
	}
	existing, err := r.listPool(im)
	if err != nil {
		return err
	}
	r.before = existing
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header.CSVHeader); err != nil {
		return err
	}
	rows := 0
	err = backup.Each(r.ctx, store, m, backup.KindUsers, func(u backup.User) error {
		name := r.usernameOf(u)
		_, there := existing[name]
		switch {
		case there:
			return nil // counted by the per-user pass
		case u.Status == string(ciptypes.UserStatusTypeExternalProvider):
			return nil
		case u.Attributes["email_verified"] != "true" && u.Attributes["phone_number_verified"] != "true":
			return nil // the per-user pass lists it for an invitation
		}
		row := make([]string, len(header.CSVHeader))
		for i, col := range header.CSVHeader {
			switch col {
			case "cognito:username":
				row[i] = name
			case "cognito:mfa_enabled":
				row[i] = "false"
			default:
				row[i] = u.Attributes[col]
			}
		}
		rows++
		return w.Write(row)
	})
	if err != nil {
		return err
	}
	w.Flush()
	if rows == 0 || r.o.DryRun {
		r.rep.UsersImported = rows
		return nil
	}
	var job *cip.CreateUserImportJobOutput
	if err := r.call(func() (err error) {
		job, err = im.CreateUserImportJob(r.ctx, &cip.CreateUserImportJobInput{
			UserPoolId: aws.String(r.pool), JobName: aws.String("authstack-restore-" + time.Now().UTC().Format("20060102T150405Z")),
			CloudWatchLogsRoleArn: aws.String(r.o.ImportLogsRoleARN),
		})
		return err
	}); err != nil {
		return fmt.Errorf("restore: CreateUserImportJob: %w", err)
	}
	if err := upload(r.ctx, aws.ToString(job.UserImportJob.PreSignedUrl), buf.Bytes()); err != nil {
		return fmt.Errorf("restore: uploading the import CSV: %w", err)
	}
	jobID := job.UserImportJob.JobId
	if err := r.call(func() error {
		_, err := im.StartUserImportJob(r.ctx, &cip.StartUserImportJobInput{UserPoolId: aws.String(r.pool), JobId: jobID})
		return err
	}); err != nil {
		return fmt.Errorf("restore: StartUserImportJob: %w", err)
	}
	for {
		var d *cip.DescribeUserImportJobOutput
		if err := r.call(func() (err error) {
			d, err = im.DescribeUserImportJob(r.ctx, &cip.DescribeUserImportJobInput{UserPoolId: aws.String(r.pool), JobId: jobID})
			return err
		}); err != nil {
			return fmt.Errorf("restore: DescribeUserImportJob: %w", err)
		}
		j := d.UserImportJob
		switch j.Status {
		case ciptypes.UserImportJobStatusTypeSucceeded:
			r.rep.UsersImported = int(j.ImportedUsers)
			return nil
		case ciptypes.UserImportJobStatusTypeFailed, ciptypes.UserImportJobStatusTypeExpired, ciptypes.UserImportJobStatusTypeStopped:
			return fmt.Errorf("restore: import job %s is %s after %d users (%d failed): %s; its CloudWatch log names each row's error, and a new run restores the rest",
				aws.ToString(jobID), j.Status, j.ImportedUsers, j.FailedUsers, aws.ToString(j.CompletionMessage))
		}
		select {
		case <-r.ctx.Done():
			return fmt.Errorf("restore: import job %s still %s: %w", aws.ToString(jobID), j.Status, r.ctx.Err())
		case <-time.After(r.importPoll):
		}
	}
}

// poolUser is a user of the target pool as ListUsers reports it.
type poolUser struct{ username, sub string }

// listPool lists the pool's users once, by username and by each sign-in
// attribute (email, phone_number) the pool takes as a username.
func (r *restorer) listPool(im Importer) (map[string]poolUser, error) {
	out := map[string]poolUser{}
	var token *string
	for {
		var page *cip.ListUsersOutput
		if err := r.call(func() (err error) {
			page, err = im.ListUsers(r.ctx, &cip.ListUsersInput{UserPoolId: aws.String(r.pool), Limit: aws.Int32(60), PaginationToken: token})
			return err
		}); err != nil {
			return nil, fmt.Errorf("restore: ListUsers: %w", err)
		}
		for _, u := range page.Users {
			e := poolUser{username: aws.ToString(u.Username), sub: subOf(u.Attributes)}
			out[e.username] = e
			for _, a := range u.Attributes {
				if slices.Contains(r.signIn, aws.ToString(a.Name)) {
					out[aws.ToString(a.Value)] = e
				}
			}
		}
		if token = page.PaginationToken; aws.ToString(token) == "" {
			return out, nil
		}
	}
}

// upload PUTs the CSV to the job's pre-signed URL with the header Cognito
// requires of it.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool-cli-uploading-csv-file.html
func upload(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("x-amz-server-side-encryption", "aws:kms")
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("%s: %s", resp.Status, b)
	}
	return nil
}

// afterImport maps each imported user to its new name and sub with one
// listing of the pool (no call per user), disables those the backup had
// disabled, and restores one by one the users the job did not take.
func (r *restorer) afterImport(store backup.Store, m *backup.Manifest) error {
	listed, err := r.listPool(r.c.(Importer))
	if err != nil {
		return err
	}
	return backup.Each(r.ctx, store, m, backup.KindUsers, func(u backup.User) error {
		name := r.usernameOf(u)
		e, ok := listed[name]
		if _, before := r.before[name]; !ok || before {
			return r.user(u) // not imported (no verified contact), or there before: one by one
		}
		r.username[u.Username] = e.username
		r.present[e.username] = true
		r.rep.SubMap[u.Sub] = e.sub
		r.rep.UsersCreated++
		if !u.Enabled {
			return r.settle(u, e.username, false)
		}
		return nil
	})
}
