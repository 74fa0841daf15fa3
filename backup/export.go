package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/internal/pace"
)

// Cognito is what Export calls of the Cognito user pools API
// (cognitoidentityprovider.Client): read-only operations.
type Cognito interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	GetUserPoolMfaConfig(context.Context, *cip.GetUserPoolMfaConfigInput, ...func(*cip.Options)) (*cip.GetUserPoolMfaConfigOutput, error)
	ListUserPoolClients(context.Context, *cip.ListUserPoolClientsInput, ...func(*cip.Options)) (*cip.ListUserPoolClientsOutput, error)
	DescribeUserPoolClient(context.Context, *cip.DescribeUserPoolClientInput, ...func(*cip.Options)) (*cip.DescribeUserPoolClientOutput, error)
	ListGroups(context.Context, *cip.ListGroupsInput, ...func(*cip.Options)) (*cip.ListGroupsOutput, error)
	ListUsers(context.Context, *cip.ListUsersInput, ...func(*cip.Options)) (*cip.ListUsersOutput, error)
	ListUsersInGroup(context.Context, *cip.ListUsersInGroupInput, ...func(*cip.Options)) (*cip.ListUsersInGroupOutput, error)
}

// Cognito's quotas Export paces itself by.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
const (
	// ListRequestsPerSecond is the category of ListUsers, ListUsersInGroup
	// and ListGroups (UserList, GroupList): shared by every caller in the
	// account and Region, not adjustable.
	ListRequestsPerSecond = 30
	// MaxListUsers is the largest ListUsers and ListUsersInGroup page (Limit 60).
	MaxListUsers = 60
	// MaxListGroups is the largest ListGroups page.
	MaxListGroups = 60
)

// Options configure Export.
type Options struct {
	// QuotaShare is the share of ListRequestsPerSecond Export uses, leaving
	// the rest to the pool's other callers (sign-in flows do not count
	// against it; admin consoles and other exports do). (0, 1].
	// Default: 0.8.
	QuotaShare float64
	// PartSize is the number of records per part file (a users part may
	// hold up to 59 more: whole ListUsers pages). Default: 10,000.
	PartSize int
	// Budget ends a run early: Export saves its checkpoint and returns
	// ErrIncomplete when a part would end after it. Default: zero (no budget:
	// run to completion or ctx's end).
	Budget time.Time
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Progress, when set, is called after every part with the counts so far.
	Progress func(Counts)
}

// ErrIncomplete is returned when Export stopped at Options.Budget; calling
// Export again with the same store continues from the checkpoint.
var ErrIncomplete = errors.New("backup: stopped at the budget; run again to continue")

// checkpoint is Export's progress, saved after every part.
type checkpoint struct {
	FormatVersion int       `json:"formatVersion"`
	UserPoolID    string    `json:"userPoolId"`
	StartedAt     time.Time `json:"startedAt"`
	Phase         string    `json:"phase"` // pool, groups, users, members, manifest, done
	// NextToken continues the users (or the current group's members) listing.
	NextToken  string   `json:"nextToken,omitempty"`
	GroupNames []string `json:"groupNames,omitempty"`
	GroupIndex int      `json:"groupIndex,omitempty"`
	Counts     Counts   `json:"counts"`
	Pool       Part     `json:"pool"`
	Parts      []Part   `json:"parts"`
}

// Export backs up the user pool poolID into store and returns its
// manifest. It resumes the checkpoint store holds (an earlier run of the
// same backup), so a run stopped anywhere continues without duplicates or
// gaps: every part is written whole before the checkpoint that follows it.
// An export whose pagination token expired while it was stopped starts
// that listing again from its first part.
func Export(ctx context.Context, c Cognito, store Store, poolID string, o *Options) (*Manifest, error) {
	e, err := newExporter(c, store, poolID, o)
	if err != nil {
		return nil, err
	}
	return e.run(ctx)
}

type exporter struct {
	c     Cognito
	store Store
	pool  string
	o     Options
	pacer *pace.Pacer
	cp    checkpoint
}

func newExporter(c Cognito, store Store, poolID string, o *Options) (*exporter, error) {
	e := &exporter{c: c, store: store, pool: poolID}
	if o != nil {
		e.o = *o
	}
	if e.o.QuotaShare == 0 {
		e.o.QuotaShare = 0.8
	}
	if e.o.QuotaShare < 0 || e.o.QuotaShare > 1 {
		return nil, fmt.Errorf("backup: QuotaShare %v is outside (0, 1]", e.o.QuotaShare)
	}
	if e.o.PartSize == 0 {
		e.o.PartSize = 10000
	}
	if e.o.PartSize < 1 {
		return nil, fmt.Errorf("backup: PartSize %d is below 1", e.o.PartSize)
	}
	if e.o.Now == nil {
		e.o.Now = time.Now
	}
	if poolID == "" {
		return nil, errors.New("backup: the user pool id is required")
	}
	e.pacer = pace.New(e.o.QuotaShare * ListRequestsPerSecond)
	return e, nil
}

// over reports whether the run's budget is spent.
func (e *exporter) over() bool {
	return !e.o.Budget.IsZero() && e.o.Now().After(e.o.Budget)
}

func (e *exporter) run(ctx context.Context) (*Manifest, error) {
	if err := e.load(ctx); err != nil {
		return nil, err
	}
	for {
		if e.cp.Phase == "done" {
			return e.manifest(ctx)
		}
		if e.over() {
			return nil, ErrIncomplete
		}
		var err error
		switch e.cp.Phase {
		case "pool":
			err = e.exportPool(ctx)
		case "groups":
			err = e.exportGroups(ctx)
		case "users":
			err = e.exportUsers(ctx)
		case "members":
			err = e.exportMembers(ctx)
		case "manifest":
			err = e.writeManifest(ctx)
		default:
			err = fmt.Errorf("backup: checkpoint phase %q is unknown", e.cp.Phase)
		}
		if err != nil {
			return nil, err
		}
		if err := e.save(ctx); err != nil {
			return nil, err
		}
		if e.o.Progress != nil {
			e.o.Progress(e.cp.Counts)
		}
	}
}

// load reads the checkpoint, or starts a new one.
func (e *exporter) load(ctx context.Context) error {
	b, err := e.store.Get(ctx, CheckpointFile)
	if errors.Is(err, fs.ErrNotExist) {
		e.cp = checkpoint{FormatVersion: FormatVersion, UserPoolID: e.pool, StartedAt: e.o.Now().UTC(), Phase: "pool"}
		return nil
	}
	if err != nil {
		return fmt.Errorf("backup: reading the checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, &e.cp); err != nil {
		return fmt.Errorf("backup: the checkpoint: %w", err)
	}
	switch {
	case e.cp.FormatVersion != FormatVersion:
		return fmt.Errorf("backup: the checkpoint has format version %d; this export writes %d (start a new backup elsewhere)", e.cp.FormatVersion, FormatVersion)
	case e.cp.UserPoolID != e.pool:
		return fmt.Errorf("backup: this store holds a backup of %s, not %s", e.cp.UserPoolID, e.pool)
	}
	return nil
}

func (e *exporter) save(ctx context.Context) error {
	b, err := json.Marshal(e.cp)
	if err != nil {
		return err
	}
	if err := e.store.Put(ctx, CheckpointFile, b); err != nil {
		return fmt.Errorf("backup: saving the checkpoint: %w", err)
	}
	return nil
}

// call paces f by the quota share and retries it while Cognito throttles.
func (e *exporter) call(ctx context.Context, f func() error) error { return e.pacer.Call(ctx, f) }

// putPart writes records as a JSON Lines part and records it.
func (e *exporter) putPart(ctx context.Context, kind string, records []any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, r := range records {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	n := 1
	for _, p := range e.cp.Parts {
		if p.Kind == kind {
			n++
		}
	}
	part := Part{Name: fmt.Sprintf("%s-%05d.jsonl", kind, n), Kind: kind, Records: len(records), Bytes: buf.Len(), SHA256: digest(buf.Bytes())}
	if err := e.store.Put(ctx, part.Name, buf.Bytes()); err != nil {
		return fmt.Errorf("backup: writing %s: %w", part.Name, err)
	}
	e.cp.Parts = append(e.cp.Parts, part)
	return nil
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// PoolConfig is pool.json: the pool's configuration as Cognito describes
// it, app clients without their secrets.
type PoolConfig struct {
	UserPool   *ciptypes.UserPoolType        `json:"userPool"`
	MFA        *MFAConfig                    `json:"mfa"`
	AppClients []ciptypes.UserPoolClientType `json:"appClients"`
}

// MFAConfig is GetUserPoolMfaConfig's answer.
type MFAConfig struct {
	MfaConfiguration              ciptypes.UserPoolMfaType             `json:"mfaConfiguration"`
	SmsMfaConfiguration           *ciptypes.SmsMfaConfigType           `json:"smsMfaConfiguration,omitempty"`
	SoftwareTokenMfaConfiguration *ciptypes.SoftwareTokenMfaConfigType `json:"softwareTokenMfaConfiguration,omitempty"`
	EmailMfaConfiguration         *ciptypes.EmailMfaConfigType         `json:"emailMfaConfiguration,omitempty"`
	WebAuthnConfiguration         *ciptypes.WebAuthnConfigurationType  `json:"webAuthnConfiguration,omitempty"`
}

func (e *exporter) exportPool(ctx context.Context) error {
	pc := PoolConfig{}
	err := e.call(ctx, func() error {
		out, err := e.c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(e.pool)})
		if err == nil {
			pc.UserPool = out.UserPool
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: DescribeUserPool %s: %w", e.pool, err)
	}
	err = e.call(ctx, func() error {
		out, err := e.c.GetUserPoolMfaConfig(ctx, &cip.GetUserPoolMfaConfigInput{UserPoolId: aws.String(e.pool)})
		if err == nil {
			pc.MFA = &MFAConfig{MfaConfiguration: out.MfaConfiguration, SmsMfaConfiguration: out.SmsMfaConfiguration,
				SoftwareTokenMfaConfiguration: out.SoftwareTokenMfaConfiguration, EmailMfaConfiguration: out.EmailMfaConfiguration,
				WebAuthnConfiguration: out.WebAuthnConfiguration}
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: GetUserPoolMfaConfig: %w", err)
	}
	var token *string
	for {
		var page *cip.ListUserPoolClientsOutput
		if err := e.call(ctx, func() (err error) {
			page, err = e.c.ListUserPoolClients(ctx, &cip.ListUserPoolClientsInput{UserPoolId: aws.String(e.pool), MaxResults: aws.Int32(60), NextToken: token})
			return err
		}); err != nil {
			return fmt.Errorf("backup: ListUserPoolClients: %w", err)
		}
		for _, d := range page.UserPoolClients {
			var c *cip.DescribeUserPoolClientOutput
			if err := e.call(ctx, func() (err error) {
				c, err = e.c.DescribeUserPoolClient(ctx, &cip.DescribeUserPoolClientInput{UserPoolId: aws.String(e.pool), ClientId: d.ClientId})
				return err
			}); err != nil {
				return fmt.Errorf("backup: DescribeUserPoolClient %s: %w", aws.ToString(d.ClientId), err)
			}
			client := *c.UserPoolClient
			client.ClientSecret = nil // secrets never leave Cognito
			pc.AppClients = append(pc.AppClients, client)
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	b, err := json.MarshalIndent(pc, "", "  ")
	if err != nil {
		return err
	}
	if err := e.store.Put(ctx, PoolFile, b); err != nil {
		return fmt.Errorf("backup: writing %s: %w", PoolFile, err)
	}
	e.cp.Pool = Part{Name: PoolFile, Records: 1, Bytes: len(b), SHA256: digest(b)}
	e.cp.Counts.AppClients = len(pc.AppClients)
	e.cp.Phase = "groups"
	return nil
}

func (e *exporter) exportGroups(ctx context.Context) error {
	var records []any
	var names []string
	var token *string
	for {
		var page *cip.ListGroupsOutput
		if err := e.call(ctx, func() (err error) {
			page, err = e.c.ListGroups(ctx, &cip.ListGroupsInput{UserPoolId: aws.String(e.pool), Limit: aws.Int32(MaxListGroups), NextToken: token})
			return err
		}); err != nil {
			return fmt.Errorf("backup: ListGroups: %w", err)
		}
		for _, g := range page.Groups {
			records = append(records, Group{Name: aws.ToString(g.GroupName), Description: aws.ToString(g.Description), Precedence: g.Precedence, RoleARN: aws.ToString(g.RoleArn)})
			names = append(names, aws.ToString(g.GroupName))
		}
		if token = page.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	// Groups are few (at most 10,000 a pool): one part.
	if err := e.putPart(ctx, KindGroups, records); err != nil {
		return err
	}
	e.cp.GroupNames, e.cp.Counts.Groups, e.cp.Phase = names, len(names), "users"
	return nil
}

// expiredToken reports Cognito refusing a pagination token it issued
// earlier (an export resumed after its token expired).
func expiredToken(err error) bool {
	var invalid *ciptypes.InvalidParameterException
	return errors.As(err, &invalid) && strings.Contains(strings.ToLower(invalid.ErrorMessage()), "token")
}

// restartListing drops the parts of kind (and the counts they hold) so a
// listing starts again at its first part, which overwrites the old ones.
func (e *exporter) restartListing(kind string) {
	kept := e.cp.Parts[:0]
	for _, p := range e.cp.Parts {
		if p.Kind != kind {
			kept = append(kept, p)
		}
	}
	e.cp.Parts, e.cp.NextToken = kept, ""
	switch kind {
	case KindUsers:
		e.cp.Counts.Users = 0
	case KindMembers:
		e.cp.Counts.Memberships, e.cp.GroupIndex = 0, 0
	}
}

// exportUsers writes the next users part.
func (e *exporter) exportUsers(ctx context.Context) error {
	var records []any
	// A part ends at PartSize records (a page may take it up to 59 past),
	// or when the budget is spent: the checkpoint keeps the token.
	for len(records) < e.o.PartSize && (len(records) == 0 || !e.over()) {
		var page *cip.ListUsersOutput
		err := e.call(ctx, func() (err error) {
			page, err = e.c.ListUsers(ctx, &cip.ListUsersInput{UserPoolId: aws.String(e.pool), Limit: aws.Int32(MaxListUsers), PaginationToken: tokenOrNil(e.cp.NextToken)})
			return err
		})
		if err != nil && e.cp.NextToken != "" && expiredToken(err) {
			e.restartListing(KindUsers)
			return nil
		}
		if err != nil {
			return fmt.Errorf("backup: ListUsers: %w", err)
		}
		for _, u := range page.Users {
			records = append(records, userOf(u))
		}
		e.cp.NextToken = aws.ToString(page.PaginationToken)
		if e.cp.NextToken == "" {
			e.cp.Phase = "members"
			break
		}
	}
	if len(records) == 0 {
		return nil
	}
	if err := e.putPart(ctx, KindUsers, records); err != nil {
		return err
	}
	e.cp.Counts.Users += len(records)
	return nil
}

// exportMembers writes the next members part, group by group
// (ListUsersInGroup: one listing per group, not a call per user).
func (e *exporter) exportMembers(ctx context.Context) error {
	var records []any
	// Many empty groups cost calls without records: the budget is checked
	// on every page, and the checkpoint keeps the group and the token.
	for len(records) < e.o.PartSize && e.cp.GroupIndex < len(e.cp.GroupNames) && !e.over() {
		group := e.cp.GroupNames[e.cp.GroupIndex]
		var page *cip.ListUsersInGroupOutput
		err := e.call(ctx, func() (err error) {
			page, err = e.c.ListUsersInGroup(ctx, &cip.ListUsersInGroupInput{UserPoolId: aws.String(e.pool), GroupName: aws.String(group), Limit: aws.Int32(MaxListUsers), NextToken: tokenOrNil(e.cp.NextToken)})
			return err
		})
		if err != nil && e.cp.NextToken != "" && expiredToken(err) {
			e.restartListing(KindMembers)
			return nil
		}
		var gone *ciptypes.ResourceNotFoundException
		if errors.As(err, &gone) && strings.Contains(strings.ToLower(gone.ErrorMessage()), "pool") {
			return fmt.Errorf("backup: the user pool %s is gone: %w", e.pool, err)
		}
		if errors.As(err, &gone) {
			// Deleted since it was listed: it has no members to back up.
			e.cp.GroupIndex, e.cp.NextToken = e.cp.GroupIndex+1, ""
			continue
		}
		if err != nil {
			return fmt.Errorf("backup: ListUsersInGroup %s: %w", group, err)
		}
		for _, u := range page.Users {
			records = append(records, Member{Group: group, Username: aws.ToString(u.Username)})
		}
		if e.cp.NextToken = aws.ToString(page.NextToken); e.cp.NextToken == "" {
			e.cp.GroupIndex++
		}
	}
	if e.cp.GroupIndex >= len(e.cp.GroupNames) {
		e.cp.Phase = "manifest"
	}
	if len(records) == 0 {
		return nil
	}
	if err := e.putPart(ctx, KindMembers, records); err != nil {
		return err
	}
	e.cp.Counts.Memberships += len(records)
	return nil
}

func (e *exporter) writeManifest(ctx context.Context) error {
	m := e.manifestOf()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := e.store.Put(ctx, ManifestFile, b); err != nil {
		return fmt.Errorf("backup: writing %s: %w", ManifestFile, err)
	}
	e.cp.Phase = "done"
	return nil
}

func (e *exporter) manifestOf() *Manifest {
	return &Manifest{FormatVersion: FormatVersion, UserPoolID: e.pool, StartedAt: e.cp.StartedAt, CompletedAt: e.o.Now().UTC(),
		Counts: e.cp.Counts, Pool: e.cp.Pool, Parts: e.cp.Parts}
}

// manifest reads the manifest of a completed backup.
func (e *exporter) manifest(ctx context.Context) (*Manifest, error) {
	return ReadManifest(ctx, e.store)
}

// ReadManifest reads and checks the manifest of the backup in store.
func ReadManifest(ctx context.Context, store Store) (*Manifest, error) {
	b, err := store.Get(ctx, ManifestFile)
	if err != nil {
		return nil, fmt.Errorf("backup: %s (a backup without it is incomplete): %w", ManifestFile, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("backup: %s: %w", ManifestFile, err)
	}
	if m.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("backup: format version %d; this reader knows %d", m.FormatVersion, FormatVersion)
	}
	return &m, nil
}

func tokenOrNil(t string) *string {
	if t == "" {
		return nil
	}
	return aws.String(t)
}

func userOf(u ciptypes.UserType) User {
	out := User{Username: aws.ToString(u.Username), Attributes: map[string]string{}, Status: string(u.UserStatus), Enabled: u.Enabled,
		Created: aws.ToTime(u.UserCreateDate).UTC(), Modified: aws.ToTime(u.UserLastModifiedDate).UTC()}
	for _, a := range u.Attributes {
		out.Attributes[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	out.Sub = out.Attributes["sub"]
	for _, m := range u.MFAOptions {
		out.MFAOptions = append(out.MFAOptions, MFAOption{DeliveryMedium: string(m.DeliveryMedium), AttributeName: aws.ToString(m.AttributeName)})
	}
	return out
}
