package backupjob

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/mototest"
)

func TestStepsUntilDoneThenCounts(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	p, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c"} {
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: p.UserPool.Id, Username: aws.String(u), MessageAction: ciptypes.MessageActionTypeSuppress}); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	var metrics bytes.Buffer
	env := map[string]string{contract.EnvUserPoolID: aws.ToString(p.UserPool.Id), contract.EnvBackupQuotaShare: "0.5"}
	h, err := FromEnv(func(k string) string { return env[k] }, idp, func(prefix string) backup.Store { return backup.Dir(dir + "/" + prefix) },
		&telemetry.Metrics{W: &metrics, Stack: "shop-prod"})
	if err != nil {
		t.Fatal(err)
	}
	h.Margin = time.Second
	// GIVEN an invocation whose time is already up THEN it hands back "not done"
	short, cancel := context.WithDeadline(ctx, time.Now().Add(500*time.Millisecond))
	defer cancel()
	out, err := h.Handle(short, Input{BackupID: "2026-11-25T20:00:00.000Z"})
	if err != nil || out.Done || out.Prefix != "backups/"+aws.ToString(p.UserPool.Id)+"/2026-11-25T20:00:00.000Z" {
		t.Fatalf("out of time: %+v, %v", out, err)
	}
	// WHEN the next step has time THEN the backup completes and the metrics say so
	out, err = h.Handle(ctx, Input{BackupID: "2026-11-25T20:00:00.000Z"})
	if err != nil || !out.Done || out.Users != 3 {
		t.Fatalf("with time: %+v, %v", out, err)
	}
	for _, want := range []string{`"BackupsCompleted":1`, `"BackupUsers":3`, `"Stack":"shop-prod"`} {
		if !strings.Contains(metrics.String(), want) {
			t.Errorf("metrics %s lack %s", metrics.String(), want)
		}
	}
	// AND bad input is refused, whatever the state machine passed
	if _, err := h.Handle(ctx, Input{BackupID: "../../etc"}); err == nil {
		t.Error("a backup id with a path was accepted")
	}
	for _, bad := range []map[string]string{{}, {contract.EnvUserPoolID: "p", contract.EnvBackupQuotaShare: "2"}} {
		if _, err := FromEnv(func(k string) string { return bad[k] }, idp, nil, nil); err == nil {
			t.Errorf("FromEnv(%v) accepted", bad)
		}
	}
}
