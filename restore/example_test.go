package restore_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/restore"
)

// Plan a restore, then run it and keep the report and the sub map.
func ExampleRestore() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		panic(err)
	}
	idp := cip.NewFromConfig(cfg)
	store := backup.Dir("./backup-eu-west-1_AbCdEf123")
	opts := restore.Options{Passwords: restore.PasswordsReset, DryRun: true}
	plan, err := restore.Restore(ctx, idp, store, "eu-west-1_NewPool1", opts)
	if err != nil {
		panic(err)
	}
	fmt.Println("would create", plan.UsersCreated, "users and", plan.GroupsCreated, "groups")
	opts.DryRun = false
	rep, err := restore.Restore(ctx, idp, store, "eu-west-1_NewPool1", opts)
	if err != nil {
		panic(err)
	}
	if err := rep.Write("./restore-report"); err != nil {
		panic(err)
	}
}
