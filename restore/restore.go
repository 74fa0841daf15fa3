// Package restore restores a backup written by package backup into a user
// pool: groups, users (their attributes but the immutable sub, enabled or
// disabled, verified flags, no welcome message) and memberships.
//
// A run is idempotent: what exists (a group, a user by username, a
// membership) is skipped, so a run stopped anywhere is simply run again.
// Plan (Options.DryRun) reads the backup and the target pool and says what
// a run would do, changing nothing.
//
// Cognito gives every restored user a new sub; Report.SubMap maps old to
// new, so apps that key data by sub can re-key.
//
// Passwords never leave Cognito, so users come back without one, in one of
// two ways, chosen explicitly (Options.Passwords):
//   - PasswordsReset: each user is created with a random password nobody
//     knows and then marked RESET_REQUIRED, which makes Cognito send it a
//     code (email or SMS) now; at its next sign-in it sets a new password
//     with a code (forgot-password flow). Needs a verified email or phone
//     number; disabled users are disabled first and sent nothing.
//   - PasswordsMigrate: users are not created; the stack's user-migration
//     trigger creates each one, with the password it verifies, at the first
//     sign-in. Groups are restored, and the memberships of users who have
//     arrived since are applied by the next run.
package restore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/pace"
)

// Cognito is what Restore calls of the Cognito user pools API.
type Cognito interface {
	DescribeUserPool(context.Context, *cip.DescribeUserPoolInput, ...func(*cip.Options)) (*cip.DescribeUserPoolOutput, error)
	GetGroup(context.Context, *cip.GetGroupInput, ...func(*cip.Options)) (*cip.GetGroupOutput, error)
	CreateGroup(context.Context, *cip.CreateGroupInput, ...func(*cip.Options)) (*cip.CreateGroupOutput, error)
	AdminGetUser(context.Context, *cip.AdminGetUserInput, ...func(*cip.Options)) (*cip.AdminGetUserOutput, error)
	AdminCreateUser(context.Context, *cip.AdminCreateUserInput, ...func(*cip.Options)) (*cip.AdminCreateUserOutput, error)
	AdminSetUserPassword(context.Context, *cip.AdminSetUserPasswordInput, ...func(*cip.Options)) (*cip.AdminSetUserPasswordOutput, error)
	AdminResetUserPassword(context.Context, *cip.AdminResetUserPasswordInput, ...func(*cip.Options)) (*cip.AdminResetUserPasswordOutput, error)
	AdminDisableUser(context.Context, *cip.AdminDisableUserInput, ...func(*cip.Options)) (*cip.AdminDisableUserOutput, error)
	AdminListGroupsForUser(context.Context, *cip.AdminListGroupsForUserInput, ...func(*cip.Options)) (*cip.AdminListGroupsForUserOutput, error)
	AdminAddUserToGroup(context.Context, *cip.AdminAddUserToGroupInput, ...func(*cip.Options)) (*cip.AdminAddUserToGroupOutput, error)
}

// Passwords is how restored users get a password back.
type Passwords string

const (
	// PasswordsReset creates users RESET_REQUIRED: they set a new password
	// with a code at their next sign-in.
	PasswordsReset Passwords = "reset"
	// PasswordsMigrate creates no users: the user-migration trigger does at
	// each first sign-in.
	PasswordsMigrate Passwords = "migrate"
)

// Cognito's quota for user creation and administration.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/quotas.html
const (
	// CreateRequestsPerSecond is the UserCreation category (AdminCreateUser,
	// SignUp), shared in the account and Region.
	CreateRequestsPerSecond = 50
)

// Method is how a restore creates users.
type Method string

const (
	// MethodAuto creates users one by one up to ImportThreshold users, and
	// with an import job above it when ImportLogsRoleARN is set.
	MethodAuto Method = ""
	// MethodAdmin creates each user with AdminCreateUser.
	MethodAdmin Method = "admin"
	// MethodImport creates the users with a verified email or phone with
	// one CSV user import job (the others one by one).
	MethodImport Method = "import"
)

// Options configure Restore.
type Options struct {
	// Passwords chooses how users get a password back. Required.
	Passwords Passwords
	// Method chooses how users are created (with Passwords reset).
	// Default: MethodAuto.
	Method Method
	// ImportLogsRoleARN is the IAM role Cognito's import job writes its
	// CloudWatch log with (CreateUserImportJob's CloudWatchLogsRoleArn).
	// Required for an import job. Default: "" (no import job).
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-using-import-tool-cli-cloudwatch-iam-role.html
	ImportLogsRoleARN string
	// ImportThreshold is the number of users in the backup above which
	// MethodAuto uses an import job. Default: 100,000.
	ImportThreshold int
	// DryRun plans: reads the backup and the pool, changes nothing.
	// Default: false.
	DryRun bool
	// QuotaShare is the share of CreateRequestsPerSecond the restore uses
	// (for all its calls, as AdminCreateUser is followed by one or two
	// more). (0, 1]. Default: 0.8.
	QuotaShare float64
	// Progress, when set, is called after every 100 users.
	Progress func(Report)
}

// Report is what a run did (or, dry, would do).
type Report struct {
	DryRun                        bool
	GroupsCreated, GroupsExisting int
	UsersCreated, UsersExisting   int
	// UsersSkipped are users Cognito cannot take back as they were (an
	// external-provider user comes back at its next federated sign-in), by
	// username with the reason.
	UsersSkipped map[string]string
	// UsersImported came in through an import job (counted in UsersCreated).
	UsersImported int
	// UsersToInvite were restored without a verified email or phone
	// number, so Cognito cannot send them a reset code: they stay
	// FORCE_CHANGE_PASSWORD; invite them (AdminCreateUser with
	// MessageAction RESEND) once they have a contact.
	UsersToInvite                         []string
	MembershipsAdded, MembershipsExisting int
	MembershipsPending                    int // users not (yet) in the pool
	// MembershipsSkipped belong to users in Conflicts.
	MembershipsSkipped int
	// Conflicts are users of the pool with a backed-up user's name but
	// other attributes (someone else, in a live pool): left alone, by the
	// pool's username with the reason.
	Conflicts map[string]string
	// UsersFailed are users the pool refused (an attribute its schema
	// lacks, no email in an email-username pool), with Cognito's reason;
	// the others are restored.
	UsersFailed map[string]string
	// SubMap maps each restored user's sub in the backup to its new sub
	// (existing users too: their current sub).
	SubMap map[string]string
	Took   time.Duration
}

// Restore restores the backup in store into the pool poolID.
func Restore(ctx context.Context, c Cognito, store backup.Store, poolID string, o Options) (*Report, error) {
	switch o.Passwords {
	case PasswordsReset, PasswordsMigrate:
	default:
		return nil, fmt.Errorf("restore: Passwords %q: choose %q (users set a new password at their next sign-in) or %q (the user-migration trigger brings each user back at the first sign-in)", o.Passwords, PasswordsReset, PasswordsMigrate)
	}
	if o.QuotaShare == 0 {
		o.QuotaShare = 0.8
	}
	if o.QuotaShare < 0 || o.QuotaShare > 1 {
		return nil, fmt.Errorf("restore: QuotaShare %v is outside (0, 1]", o.QuotaShare)
	}
	m, err := backup.ReadManifest(ctx, store)
	if err != nil {
		return nil, err
	}
	r := &restorer{ctx: ctx, c: c, pool: poolID, o: o, pacer: pace.New(o.QuotaShare * CreateRequestsPerSecond),
		rep:     &Report{DryRun: o.DryRun, UsersSkipped: map[string]string{}, SubMap: map[string]string{}, Conflicts: map[string]string{}, UsersFailed: map[string]string{}},
		present: map[string]bool{}, conflict: map[string]bool{}, importPoll: 10 * time.Second}
	start := time.Now()
	var desc *cip.DescribeUserPoolOutput
	if err := r.call(func() (err error) {
		desc, err = c.DescribeUserPool(ctx, &cip.DescribeUserPoolInput{UserPoolId: aws.String(poolID)})
		return err
	}); err != nil {
		return nil, fmt.Errorf("restore: DescribeUserPool %s: %w", poolID, err)
	}
	for _, a := range desc.UserPool.UsernameAttributes {
		r.signIn = append(r.signIn, string(a))
	}
	r.username, r.planned, r.newSub = map[string]string{}, map[string]bool{}, map[string]string{}
	if err := backup.Each(ctx, store, m, backup.KindGroups, r.group); err != nil {
		return r.rep, err
	}
	threshold := o.ImportThreshold
	if threshold == 0 {
		threshold = 100000
	}
	switch {
	case o.Method == MethodImport && o.ImportLogsRoleARN == "":
		return r.rep, errors.New("restore: an import job needs ImportLogsRoleARN, the role Cognito writes the job's CloudWatch log with")
	case o.Method != MethodAuto && o.Method != MethodAdmin && o.Method != MethodImport:
		return r.rep, fmt.Errorf("restore: Method %q: choose %q, %q or %q", o.Method, MethodAuto, MethodAdmin, MethodImport)
	}
	importJob := o.Passwords == PasswordsReset && (o.Method == MethodImport || o.Method == MethodAuto && o.ImportLogsRoleARN != "" && m.Counts.Users > threshold)
	if importJob {
		if err := r.importUsers(store, m); err != nil {
			return r.rep, err
		}
		if err := r.afterImport(store, m); err != nil {
			return r.rep, err
		}
	} else if err := backup.Each(ctx, store, m, backup.KindUsers, r.user); err != nil {
		return r.rep, err
	}
	if err := backup.Each(ctx, store, m, backup.KindMembers, r.member); err != nil {
		return r.rep, err
	}
	r.rep.Took = time.Since(start)
	return r.rep, nil
}

type restorer struct {
	ctx     context.Context
	c       Cognito
	pool    string
	o       Options
	pacer   *pace.Pacer
	rep     *Report
	present map[string]bool // usernames in the pool after the users pass
	groups  map[string]map[string]bool
	// signIn are the target pool's UsernameAttributes (email, phone_number):
	// a user is created with that attribute as its username, and the
	// backup's username (Cognito's generated one) maps to it.
	signIn   []string
	username map[string]string   // the backup's username -> the pool's
	planned  map[string]bool     // users a dry run would create
	newSub   map[string]string   // restored username -> its new sub
	conflict map[string]bool     // backed-up usernames whose namesake is someone else
	reported int                 // users handled at the last Progress call
	before   map[string]poolUser // users (names and sign-in attributes) the pool had before an import job
	// importPoll is the interval between two DescribeUserImportJob calls.
	importPoll time.Duration
}

// call paces f and retries it while Cognito throttles.
func (r *restorer) call(f func() error) error { return r.pacer.Call(r.ctx, f) }

func (r *restorer) group(g backup.Group) error {
	var missing *ciptypes.ResourceNotFoundException
	err := r.call(func() error {
		_, err := r.c.GetGroup(r.ctx, &cip.GetGroupInput{UserPoolId: aws.String(r.pool), GroupName: aws.String(g.Name)})
		return err
	})
	switch {
	case err == nil:
		r.rep.GroupsExisting++
		return nil
	case !errors.As(err, &missing):
		return fmt.Errorf("group %s: %w", g.Name, err)
	case r.o.DryRun:
		r.rep.GroupsCreated++
		return nil
	}
	in := &cip.CreateGroupInput{UserPoolId: aws.String(r.pool), GroupName: aws.String(g.Name), Precedence: g.Precedence}
	if g.Description != "" {
		in.Description = aws.String(g.Description)
	}
	if g.RoleARN != "" {
		in.RoleArn = aws.String(g.RoleARN)
	}
	if err := r.call(func() error { _, err := r.c.CreateGroup(r.ctx, in); return err }); err != nil {
		return fmt.Errorf("group %s: %w", g.Name, err)
	}
	r.rep.GroupsCreated++
	return nil
}

// readOnly are attributes Cognito sets itself: never written back.
var readOnly = []string{"sub", "identities", "cognito:mfa_enabled", "cognito:username", "updated_at"}

// usernameOf is the username u signs in with in the target pool: its email
// or phone number when the pool takes those as usernames (Cognito then
// generates the username ListUsers reports, which cannot be given back),
// else its username.
func (r *restorer) usernameOf(u backup.User) string {
	for _, a := range r.signIn {
		if v := u.Attributes[a]; v != "" {
			return v
		}
	}
	return u.Username
}

func (r *restorer) user(u backup.User) error {
	defer r.progress()
	name := r.usernameOf(u)
	r.username[u.Username] = name
	existing, err := r.getUser(name)
	if err != nil {
		return err
	}
	if existing != nil {
		return r.existingUser(u, existing)
	}
	if u.Status == string(ciptypes.UserStatusTypeExternalProvider) {
		r.rep.UsersSkipped[name] = "a federated user (EXTERNAL_PROVIDER) comes back at its next sign-in through its identity provider"
		return nil
	}
	if r.o.Passwords == PasswordsMigrate {
		r.rep.UsersSkipped[name] = "passwords: migrate (the user-migration trigger creates the user at the first sign-in)"
		return nil
	}
	if r.o.DryRun {
		r.rep.UsersCreated++
		r.planned[name] = true
		return nil
	}
	var created *cip.AdminCreateUserOutput
	err = r.call(func() (err error) {
		created, err = r.c.AdminCreateUser(r.ctx, &cip.AdminCreateUserInput{
			UserPoolId: aws.String(r.pool), Username: aws.String(name), UserAttributes: restorable(u),
			// No welcome message: the user is being restored, not invited.
			MessageAction: ciptypes.MessageActionTypeSuppress,
		})
		return err
	})
	var invalid *ciptypes.InvalidParameterException
	if errors.As(err, &invalid) {
		// The pool refuses this user (an attribute its schema lacks, no
		// email in an email-username pool): the others are restored.
		r.rep.UsersFailed[name] = invalid.ErrorMessage()
		return nil
	}
	if err != nil {
		return fmt.Errorf("user %s: AdminCreateUser: %w", name, err)
	}
	r.newSub[name] = subOf(created.User.Attributes)
	if len(r.signIn) > 0 {
		// An email (or phone) username pool generates the username; read it.
		got, err := r.getUser(name)
		if err != nil || got == nil {
			return fmt.Errorf("user %s: created but not found: %v", name, err)
		}
		name = aws.ToString(got.Username)
		r.username[u.Username] = name
		r.newSub[name] = subOf(got.UserAttributes)
	}
	r.rep.UsersCreated++
	r.present[name] = true
	r.rep.SubMap[u.Sub] = r.newSub[name]
	return r.settle(u, name, true)
}

// settle brings a restored user to the backup's state: disabled first (a
// disabled user is sent nothing), then a password path. A user that was
// just created (or a rerun finds half-restored: FORCE_CHANGE_PASSWORD) gets
// a random password nobody knows; an enabled one with a verified email or
// phone is then marked RESET_REQUIRED, which makes Cognito send it a code
// now (and again when it signs in and asks for one). Without a verified
// contact no code can reach the user: it stays FORCE_CHANGE_PASSWORD and
// is listed in UsersToInvite.
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminResetUserPassword.html
func (r *restorer) settle(u backup.User, name string, needsPassword bool) error {
	if !u.Enabled {
		if err := r.call(func() error {
			_, err := r.c.AdminDisableUser(r.ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(r.pool), Username: aws.String(name)})
			return err
		}); err != nil {
			return fmt.Errorf("user %s: AdminDisableUser: %w", name, err)
		}
	}
	if !needsPassword {
		return nil
	}
	if u.Attributes["email_verified"] != "true" && u.Attributes["phone_number_verified"] != "true" {
		r.rep.UsersToInvite = append(r.rep.UsersToInvite, name)
		return nil
	}
	secret, err := randomPassword()
	if err != nil {
		return err
	}
	if err := r.call(func() error {
		_, err := r.c.AdminSetUserPassword(r.ctx, &cip.AdminSetUserPasswordInput{UserPoolId: aws.String(r.pool), Username: aws.String(name), Password: aws.String(secret), Permanent: true})
		return err
	}); err != nil {
		return fmt.Errorf("user %s: AdminSetUserPassword: %w", name, err)
	}
	if !u.Enabled {
		return nil // no message to a disabled user; reset it when it is enabled again
	}
	if err := r.call(func() error {
		_, err := r.c.AdminResetUserPassword(r.ctx, &cip.AdminResetUserPasswordInput{UserPoolId: aws.String(r.pool), Username: aws.String(name)})
		return err
	}); err != nil {
		return fmt.Errorf("user %s: AdminResetUserPassword: %w", name, err)
	}
	return nil
}

// existingUser handles a user the pool has already: the backup's (an
// earlier run's, completed if it stopped half-way), or someone else with the
// same name in a live pool, which is reported and left alone: no
// memberships, no sub mapping.
func (r *restorer) existingUser(u backup.User, existing *cip.AdminGetUserOutput) error {
	// Later calls use the pool's own username (Cognito's generated one in
	// an email-username pool; aliases are not accepted everywhere).
	actual := aws.ToString(existing.Username)
	have := map[string]string{}
	for _, a := range existing.UserAttributes {
		have[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	for _, a := range restorable(u) {
		if have[aws.ToString(a.Name)] != aws.ToString(a.Value) {
			r.rep.Conflicts[actual] = fmt.Sprintf("a user of that name exists with another %s: not merged (no memberships, no sub mapping)", aws.ToString(a.Name))
			r.conflict[u.Username] = true
			return nil
		}
	}
	r.username[u.Username] = actual
	r.rep.UsersExisting++
	r.present[actual] = true
	r.rep.SubMap[u.Sub] = subOf(existing.UserAttributes)
	if r.o.DryRun || r.o.Passwords == PasswordsMigrate {
		return nil
	}
	// A run that stopped after AdminCreateUser left the user without a
	// usable password (FORCE_CHANGE_PASSWORD, the temporary one never sent)
	// or enabled when the backup's was disabled: finish it. A user disabled
	// since (the backup's was enabled) is an administrator's decision.
	halfway := existing.UserStatus == ciptypes.UserStatusTypeForceChangePassword
	if halfway || existing.Enabled && !u.Enabled {
		return r.settle(u, actual, halfway)
	}
	return nil
}

// restorable are the attributes of u a restore writes back.
func restorable(u backup.User) []ciptypes.AttributeType {
	names := make([]string, 0, len(u.Attributes))
	for n := range u.Attributes {
		if !slices.Contains(readOnly, n) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	attrs := make([]ciptypes.AttributeType, 0, len(names))
	for _, n := range names {
		attrs = append(attrs, ciptypes.AttributeType{Name: aws.String(n), Value: aws.String(u.Attributes[n])})
	}
	return attrs
}

// progress reports every 100 users handled.
func (r *restorer) progress() {
	n := r.rep.UsersCreated + r.rep.UsersExisting + len(r.rep.UsersSkipped) + len(r.rep.UsersFailed) + len(r.rep.Conflicts)
	if r.o.Progress != nil && n > 0 && n%100 == 0 && n != r.reported {
		r.reported = n
		r.o.Progress(*r.rep)
	}
}

func (r *restorer) getUser(username string) (*cip.AdminGetUserOutput, error) {
	var out *cip.AdminGetUserOutput
	var missing *ciptypes.UserNotFoundException
	err := r.call(func() (err error) {
		out, err = r.c.AdminGetUser(r.ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(r.pool), Username: aws.String(username)})
		return err
	})
	if errors.As(err, &missing) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("user %s: AdminGetUser: %w", username, err)
	}
	return out, nil
}

func (r *restorer) member(m backup.Member) error {
	if r.conflict[m.Username] {
		r.rep.MembershipsSkipped++
		return nil
	}
	if name, ok := r.username[m.Username]; ok {
		m.Username = name
	}
	if r.planned[m.Username] {
		r.rep.MembershipsAdded++ // a user the run would create, with its groups
		return nil
	}
	if !r.present[m.Username] {
		// Not in the pool (yet): migrate mode, or skipped above. A later
		// run adds it once the user has arrived.
		if u, err := r.getUser(m.Username); err != nil || u == nil {
			r.rep.MembershipsPending++
			return err
		}
		r.present[m.Username] = true
	}
	in, err := r.groupsOf(m.Username)
	if err != nil {
		return err
	}
	if in[m.Group] {
		r.rep.MembershipsExisting++
		return nil
	}
	if !r.o.DryRun {
		if err := r.call(func() error {
			_, err := r.c.AdminAddUserToGroup(r.ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(r.pool), Username: aws.String(m.Username), GroupName: aws.String(m.Group)})
			return err
		}); err != nil {
			return fmt.Errorf("membership of %s in %s: %w", m.Username, m.Group, err)
		}
	}
	in[m.Group] = true
	r.rep.MembershipsAdded++
	return nil
}

// groupsOf lists (once) the groups username is in.
func (r *restorer) groupsOf(username string) (map[string]bool, error) {
	if r.groups == nil {
		r.groups = map[string]map[string]bool{}
	}
	if g, ok := r.groups[username]; ok {
		return g, nil
	}
	g := map[string]bool{}
	var token *string
	for {
		var out *cip.AdminListGroupsForUserOutput
		if err := r.call(func() (err error) {
			out, err = r.c.AdminListGroupsForUser(r.ctx, &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(r.pool), Username: aws.String(username), Limit: aws.Int32(60), NextToken: token})
			return err
		}); err != nil {
			return nil, fmt.Errorf("groups of %s: %w", username, err)
		}
		for _, grp := range out.Groups {
			g[aws.ToString(grp.GroupName)] = true
		}
		if token = out.NextToken; aws.ToString(token) == "" {
			break
		}
	}
	r.groups[username] = g
	return g, nil
}

func subOf(attrs []ciptypes.AttributeType) string {
	for _, a := range attrs {
		if aws.ToString(a.Name) == "sub" {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

// randomPassword is 32 random bytes, with every character class a password
// policy can require appended.
func randomPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b) + "aA1!", nil
}
