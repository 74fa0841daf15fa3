package backup_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/authstack/authstack/backup"
)

// Back a pool up into a local folder; run it again to continue a backup
// that stopped.
func ExampleExport() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		panic(err)
	}
	// Adaptive retry slows the client down when Cognito throttles.
	idp := cip.NewFromConfig(cfg, func(o *cip.Options) { o.Retryer = retry.NewAdaptiveMode() })
	m, err := backup.Export(ctx, idp, backup.Dir("./backup-eu-west-1_AbCdEf123"), "eu-west-1_AbCdEf123", nil)
	if errors.Is(err, backup.ErrIncomplete) {
		return // stopped at Options.Budget: run again
	}
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Counts.Users, "users")
}
