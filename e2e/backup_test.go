//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/restore"
)

// backupAndRestore runs the deployed backup as its schedule would (an
// execution of its state machine), reads the backup from the bucket, and
// restores it into a new pool.
func (j *journey) backupAndRestore() {
	ctx, out := j.ctx, j.out
	if out[contract.OutputBackupStateMachineARN] == "" {
		j.skip("scheduled backup", "the stack has no backup (backup.enabled: false)")
		return
	}
	pool := out[contract.OutputUserPoolID]
	var result struct {
		Prefix string `json:"prefix"`
		Done   bool   `json:"done"`
		Users  int    `json:"users"`
	}
	j.step("the backup's state machine runs to SUCCEEDED (its schedule's target)", func() error {
		c := sfn.NewFromConfig(j.cfg)
		start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(out[contract.OutputBackupStateMachineARN])})
		if err != nil {
			return err
		}
		for deadline := time.Now().Add(90 * time.Second); ; {
			d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: start.ExecutionArn})
			if err != nil {
				return err
			}
			switch d.Status {
			case sfntypes.ExecutionStatusSucceeded:
				return json.Unmarshal([]byte(aws.ToString(d.Output)), &result)
			case sfntypes.ExecutionStatusRunning, sfntypes.ExecutionStatusPendingRedrive:
			default:
				return fmt.Errorf("execution %s: %s %s", aws.ToString(start.ExecutionArn), aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("execution still %s after 90 s", d.Status)
			}
			time.Sleep(250 * time.Millisecond)
		}
	})
	s3c := s3.NewFromConfig(j.cfg, func(o *s3.Options) { o.UsePathStyle = true })
	store := backup.S3(s3c, out[contract.OutputBackupBucketName], result.Prefix)
	j.step("the backup in the bucket holds every user, group and membership of the pool", func() error {
		m, err := backup.ReadManifest(ctx, store)
		if err != nil {
			return err
		}
		users, err := j.idp.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(pool)})
		if err != nil {
			return err
		}
		groups, err := j.idp.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(pool)})
		if err != nil {
			return err
		}
		if !result.Done || m.Counts.Users != len(users.Users) || m.Counts.Users != result.Users || m.Counts.Groups != len(groups.Groups) || m.Counts.Memberships < 1 {
			return fmt.Errorf("backup %+v (%s); pool has %d users, %d groups", m.Counts, result.Prefix, len(users.Users), len(groups.Groups))
		}
		// Every part is read back against its SHA-256.
		return backup.Each(ctx, store, m, backup.KindUsers, func(u backup.User) error {
			if u.Sub == "" || u.Attributes["email"] == "" {
				return fmt.Errorf("user %s without sub or email", u.Username)
			}
			return nil
		})
	})
	j.step("restore the backup into a new pool: users reset their password, groups and memberships kept", func() error {
		p, err := j.idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("restored-" + random(4)),
			UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail}})
		if err != nil {
			return err
		}
		rep, err := restore.Restore(ctx, j.idp, store, aws.ToString(p.UserPool.Id), restore.Options{Passwords: restore.PasswordsReset})
		if err != nil {
			return err
		}
		if rep.UsersCreated != result.Users || rep.MembershipsAdded < 1 || len(rep.SubMap) != result.Users {
			return fmt.Errorf("restore %+v; want %d users", rep, result.Users)
		}
		return nil
	})
}
