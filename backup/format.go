// Package backup exports a Cognito user pool — every user, group and
// membership, and the pool's configuration — into a documented format
// (JSON Lines parts and a manifest, docs/BACKUP.md), resumably: an export
// stopped at any point (a Lambda deadline, a crash) continues from its
// checkpoint without duplicates or gaps. Cognito has no export of its own
// and AWS Backup does not cover user pools.
//
// The same code runs in the stack's scheduled backup (constructs/backup, a
// Step Functions loop around functions/backup) and as a library:
//
//	store := backup.Dir("./backup-2026-11-25")
//	m, err := backup.Export(ctx, cognitoClient, store, "eu-west-1_AbCdEf123", nil)
//
// Package restore reads what Export writes.
package backup

import (
	"time"
)

// FormatVersion is the version of the format Export writes (manifest.json
// formatVersion); readers refuse versions they do not know.
const FormatVersion = 1

// File names inside a backup (a folder or an S3 prefix).
const (
	ManifestFile   = "manifest.json"   // written last: a backup without it is incomplete
	PoolFile       = "pool.json"       // the pool's configuration
	CheckpointFile = "checkpoint.json" // Export's progress; not part of the backup
)

// Part kinds: the records of a part file (KIND-NNNNN.jsonl).
const (
	KindGroups  = "groups"
	KindUsers   = "users"
	KindMembers = "members"
)

// Manifest describes a complete backup: what Export read and the SHA-256
// of every part, so a reader checks it has all of it, unchanged.
type Manifest struct {
	FormatVersion int       `json:"formatVersion"`
	UserPoolID    string    `json:"userPoolId"`
	StartedAt     time.Time `json:"startedAt"`
	CompletedAt   time.Time `json:"completedAt"`
	Counts        Counts    `json:"counts"`
	// Parts in the order Export wrote them; Pool is pool.json's.
	Pool  Part   `json:"pool"`
	Parts []Part `json:"parts"`
}

// Counts are the records of a backup.
type Counts struct {
	Users       int `json:"users"`
	Groups      int `json:"groups"`
	Memberships int `json:"memberships"`
	AppClients  int `json:"appClients"`
}

// Part is one file of a backup.
type Part struct {
	Name    string `json:"name"`
	Kind    string `json:"kind,omitempty"`
	Records int    `json:"records"`
	Bytes   int    `json:"bytes"`
	SHA256  string `json:"sha256"` // hex
}

// User is a line of a users part: what ListUsers reports of a user.
// Passwords, TOTP secrets, passkeys and devices never leave Cognito.
type User struct {
	Username string `json:"username"`
	// Sub is the user's immutable id; a restored user gets a new one.
	Sub string `json:"sub"`
	// Attributes by name, sub included (standard, custom:..., dev:...).
	Attributes map[string]string `json:"attributes"`
	// Status is Cognito's UserStatus (CONFIRMED, UNCONFIRMED,
	// FORCE_CHANGE_PASSWORD, RESET_REQUIRED, EXTERNAL_PROVIDER, ...).
	Status   string    `json:"status"`
	Enabled  bool      `json:"enabled"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	// MFAOptions are the SMS MFA settings ListUsers reports (legacy
	// MFAOptions); ListUsers reports no TOTP or preferred-MFA setting.
	MFAOptions []MFAOption `json:"mfaOptions,omitempty"`
}

// MFAOption is an SMS MFA setting of a user.
type MFAOption struct {
	DeliveryMedium string `json:"deliveryMedium"`
	AttributeName  string `json:"attributeName"`
}

// Group is a line of a groups part.
type Group struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Precedence  *int32 `json:"precedence,omitempty"`
	RoleARN     string `json:"roleArn,omitempty"`
}

// Member is a line of a members part: username is in group.
type Member struct {
	Group    string `json:"group"`
	Username string `json:"username"`
}
