// Package backupjob is the scheduled backup's function: one step of the
// Step Functions loop (constructs/userbackup) that runs backup.Export
// until its invocation's time runs out, then hands back whether the backup
// is done.
package backupjob

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
)

// Input is what the state machine passes: the backup's id, its start time
// (States: $$.Execution.StartTime), the same for every step of a run.
type Input struct {
	BackupID string `json:"backupId"`
}

// Output is what a step returns: the state machine loops until Done.
type Output struct {
	BackupID string `json:"backupId"`
	Prefix   string `json:"prefix"`
	Done     bool   `json:"done"`
	Users    int    `json:"users"`
}

// Handler backs up one pool into a bucket.
type Handler struct {
	Cognito backup.Cognito
	Store   func(prefix string) backup.Store
	PoolID  string
	// QuotaShare is backup.Options.QuotaShare. Default: 0 (backup's, 0.8).
	QuotaShare float64
	Metrics    *telemetry.Metrics
	// Margin is the time kept before the invocation's deadline to save
	// the checkpoint and answer. Default: one minute.
	Margin time.Duration
}

// FromEnv builds a Handler from the function's environment.
func FromEnv(getenv func(string) string, c backup.Cognito, store func(prefix string) backup.Store, m *telemetry.Metrics) (*Handler, error) {
	h := &Handler{Cognito: c, Store: store, PoolID: getenv(contract.EnvUserPoolID), Metrics: m}
	if h.PoolID == "" {
		return nil, fmt.Errorf("%s is not set", contract.EnvUserPoolID)
	}
	if s := getenv(contract.EnvBackupQuotaShare); s != "" {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 || f > 1 {
			return nil, fmt.Errorf("%s %q is not a share in (0, 1]", contract.EnvBackupQuotaShare, s)
		}
		h.QuotaShare = f
	}
	return h, nil
}

var backupID = regexp.MustCompile(`^[0-9A-Za-z:.+_-]{1,64}$`)

// Handle runs the backup until done or out of time.
func (h *Handler) Handle(ctx context.Context, in Input) (*Output, error) {
	if !backupID.MatchString(in.BackupID) {
		return nil, fmt.Errorf("backupId %q: 1-64 of A-Za-z0-9:.+_- (the execution's start time)", in.BackupID)
	}
	margin := h.Margin
	if margin == 0 {
		margin = time.Minute
	}
	var budget time.Time
	if d, ok := ctx.Deadline(); ok {
		budget = d.Add(-margin)
	}
	// backups/POOL_ID/BACKUP_ID/: one folder per run, newest last.
	prefix := "backups/" + h.PoolID + "/" + in.BackupID
	m, err := backup.Export(ctx, h.Cognito, h.Store(prefix), h.PoolID, &backup.Options{QuotaShare: h.QuotaShare, Budget: budget})
	if errors.Is(err, backup.ErrIncomplete) {
		return &Output{BackupID: in.BackupID, Prefix: prefix}, nil
	}
	if err != nil {
		return nil, err
	}
	h.Metrics.Count(contract.BackupsCompleted, 1)
	h.Metrics.Count(contract.BackupUsers, m.Counts.Users)
	return &Output{BackupID: in.BackupID, Prefix: prefix, Done: true, Users: m.Counts.Users}, nil
}
