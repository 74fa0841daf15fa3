package authctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/restore"
)

// user is a user as admin commands show it.
type user struct {
	Username   string            `json:"username"`
	Status     string            `json:"status"`
	Enabled    bool              `json:"enabled"`
	Created    time.Time         `json:"created"`
	Attributes map[string]string `json:"attributes"`
	Groups     []string          `json:"groups,omitempty"`
}

func attributes(list []ciptypes.AttributeType) map[string]string {
	m := map[string]string{}
	for _, a := range list {
		m[aws.ToString(a.Name)] = aws.ToString(a.Value)
	}
	return m
}

// pool resolves the environment of cmd, its Cognito client and pool id.
func (a *app) pool(cmd *cobra.Command) (context.Context, *target, Cognito, string, error) {
	ctx, t, err := a.targetOf(cmd)
	if err != nil {
		return ctx, nil, nil, "", err
	}
	return ctx, t, a.deps.Cognito(t.AWS), t.Outputs[contract.OutputUserPoolID], nil
}

func (a *app) usersCommand() *cobra.Command {
	users := group("users", "Administer users (AWS credentials with Cognito admin rights)")
	var filter string
	var limit int
	list := &cobra.Command{
		Use:   "list",
		Short: "List the pool's users",
		Example: `  authctl users list
  authctl users list --filter 'email ^= "jane"'   # ListUsers filter syntax
  authctl users list -o json --limit 0`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, _, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			var out []user
			in := &cip.ListUsersInput{UserPoolId: aws.String(pool)}
			if filter != "" {
				in.Filter = aws.String(filter)
			}
			for {
				in.Limit = aws.Int32(backup.MaxListUsers)
				if limit > 0 && limit-len(out) < backup.MaxListUsers {
					in.Limit = aws.Int32(int32(limit - len(out)))
				}
				r, err := c.ListUsers(ctx, in)
				if err != nil {
					return err
				}
				for _, u := range r.Users {
					out = append(out, user{Username: aws.ToString(u.Username), Status: string(u.UserStatus), Enabled: u.Enabled,
						Created: aws.ToTime(u.UserCreateDate), Attributes: attributes(u.Attributes)})
				}
				if r.PaginationToken == nil || limit > 0 && len(out) >= limit {
					break
				}
				in.PaginationToken = r.PaginationToken
			}
			if out == nil {
				out = []user{}
			}
			return a.print(out, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "USERNAME\tSTATUS\tENABLED\tEMAIL\tCREATED")
				for _, u := range out {
					fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%s\n", u.Username, u.Status, u.Enabled, u.Attributes["email"], u.Created.Format(time.DateOnly))
				}
				tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&filter, "filter", "", `ListUsers filter, e.g. 'email ^= "jane"' or 'status = "Enabled"'`)
	list.Flags().IntVar(&limit, "limit", 100, "most users to list (0: all)")

	get := &cobra.Command{
		Use:     "get USERNAME",
		Short:   "Show a user: status, attributes, groups",
		Example: `  authctl users get jane@example.com -o json`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, _, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			r, err := c.AdminGetUser(ctx, &cip.AdminGetUserInput{UserPoolId: aws.String(pool), Username: aws.String(args[0])})
			if err != nil {
				return err
			}
			u := user{Username: aws.ToString(r.Username), Status: string(r.UserStatus), Enabled: r.Enabled, Created: aws.ToTime(r.UserCreateDate),
				Attributes: attributes(r.UserAttributes), Groups: []string{}}
			in := &cip.AdminListGroupsForUserInput{UserPoolId: aws.String(pool), Username: aws.String(args[0])}
			for {
				g, err := c.AdminListGroupsForUser(ctx, in)
				if err != nil {
					return err
				}
				for _, group := range g.Groups {
					u.Groups = append(u.Groups, aws.ToString(group.GroupName))
				}
				if g.NextToken == nil {
					break
				}
				in.NextToken = g.NextToken
			}
			return a.print(u, func(w io.Writer) {
				fmt.Fprintf(w, "%s  %s  enabled=%v  created %s\n", u.Username, u.Status, u.Enabled, u.Created.Format(time.RFC3339))
				fmt.Fprintf(w, "groups: %s\n", or(strings.Join(u.Groups, ", "), "(none)"))
				for _, k := range sortedKeys(u.Attributes) {
					fmt.Fprintf(w, "  %-24s %s\n", k, u.Attributes[k])
				}
			})
		},
	}
	disable := &cobra.Command{
		Use:   "disable USERNAME",
		Short: "Disable a user: no more sign-in (asks first)",
		Long: `Disable a user (AdminDisableUser): Cognito refuses their sign-in and their
refresh token. Tokens already issued stay valid until they expire (minutes).`,
		Example: `  authctl users disable jane@example.com --yes`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			if err := a.confirm(fmt.Sprintf("Disable %s in %s?", args[0], t.Stack)); err != nil {
				return err
			}
			if _, err := c.AdminDisableUser(ctx, &cip.AdminDisableUserInput{UserPoolId: aws.String(pool), Username: aws.String(args[0])}); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": args[0], "enabled": false}, func(w io.Writer) { fmt.Fprintf(w, "Disabled %s.\n", args[0]) })
		},
	}
	enable := &cobra.Command{
		Use:     "enable USERNAME",
		Short:   "Enable a disabled user",
		Example: `  authctl users enable jane@example.com`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, _, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			if _, err := c.AdminEnableUser(ctx, &cip.AdminEnableUserInput{UserPoolId: aws.String(pool), Username: aws.String(args[0])}); err != nil {
				return err
			}
			return a.print(map[string]interface{}{"username": args[0], "enabled": true}, func(w io.Writer) { fmt.Fprintf(w, "Enabled %s.\n", args[0]) })
		},
	}
	users.AddCommand(list, get, disable, enable)
	return users
}

// groupName resolves a group: as named, or the stack's group of that short
// name (STACK-admin for admin).
func (a *app) groupName(ctx context.Context, t *target, c Cognito, pool, name string) (string, error) {
	_, err := c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String(name)})
	var nf *ciptypes.ResourceNotFoundException
	if !errors.As(err, &nf) {
		return name, err
	}
	long := t.Stack + "-" + name
	if _, err2 := c.GetGroup(ctx, &cip.GetGroupInput{UserPoolId: aws.String(pool), GroupName: aws.String(long)}); err2 == nil {
		return long, nil
	}
	return "", &Error{Code: ExitNotFound, Message: fmt.Sprintf("The pool has no group %q (nor %q).", name, long), Next: "authctl groups list", Err: err}
}

func (a *app) groupsCommand() *cobra.Command {
	groups := group("groups", "Group memberships (AWS credentials with Cognito admin rights)")
	list := &cobra.Command{
		Use: "list", Short: "List the pool's groups", Example: `  authctl groups list`, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, _, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			type group struct {
				Name        string `json:"name"`
				Precedence  *int32 `json:"precedence,omitempty"`
				Description string `json:"description,omitempty"`
			}
			out := []group{}
			in := &cip.ListGroupsInput{UserPoolId: aws.String(pool)}
			for {
				r, err := c.ListGroups(ctx, in)
				if err != nil {
					return err
				}
				for _, g := range r.Groups {
					out = append(out, group{aws.ToString(g.GroupName), g.Precedence, aws.ToString(g.Description)})
				}
				if r.NextToken == nil {
					break
				}
				in.NextToken = r.NextToken
			}
			return a.print(out, func(w io.Writer) {
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "GROUP\tPRECEDENCE\tDESCRIPTION")
				for _, g := range out {
					p := ""
					if g.Precedence != nil {
						p = fmt.Sprint(*g.Precedence)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", g.Name, p, g.Description)
				}
				tw.Flush()
			})
		},
	}
	member := func(add bool) *cobra.Command {
		verb, use, example := "remove", "remove USERNAME GROUP", `  authctl groups remove jane@example.com admin --yes`
		if add {
			verb, use, example = "add", "add USERNAME GROUP", `  authctl groups add jane@example.com admin   # the stack's admin group`
		}
		return &cobra.Command{
			Use: use, Short: strings.ToUpper(verb[:1]) + verb[1:] + " a user's membership of a group (GROUP: its name, or the stack's short name)",
			Example: example, Args: cobra.ExactArgs(2),
			RunE: func(cmd *cobra.Command, args []string) error {
				ctx, t, c, pool, err := a.pool(cmd)
				if err != nil {
					return err
				}
				group, err := a.groupName(ctx, t, c, pool, args[1])
				if err != nil {
					return err
				}
				if add {
					_, err = c.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: aws.String(pool), Username: aws.String(args[0]), GroupName: aws.String(group)})
				} else {
					if err := a.confirm(fmt.Sprintf("Remove %s from group %s?", args[0], group)); err != nil {
						return err
					}
					_, err = c.AdminRemoveUserFromGroup(ctx, &cip.AdminRemoveUserFromGroupInput{UserPoolId: aws.String(pool), Username: aws.String(args[0]), GroupName: aws.String(group)})
				}
				if err != nil {
					return err
				}
				return a.print(map[string]interface{}{"username": args[0], "group": group, "member": add}, func(w io.Writer) {
					if add {
						fmt.Fprintf(w, "Added %s to %s (in tokens issued from now on).\n", args[0], group)
					} else {
						fmt.Fprintf(w, "Removed %s from %s (tokens issued before keep the group until they expire).\n", args[0], group)
					}
				})
			},
		}
	}
	groups.AddCommand(list, member(true), member(false))
	return groups
}

// store opens a backup location: a directory, or s3://BUCKET/PREFIX.
func (a *app) store(t *target, location string) (backup.Store, error) {
	if strings.HasPrefix(location, "s3://") {
		bucket, prefix, err := backup.ParseS3URL(location)
		if err != nil {
			return nil, usageErr("%v", err)
		}
		return backup.S3(a.deps.S3(t.AWS), bucket, prefix), nil
	}
	return backup.Dir(location), nil
}

// bar is a progress bar on a terminal's stderr, nothing otherwise.
func (a *app) bar(total int64, what string) *progressbar.ProgressBar {
	if !a.deps.Terminal || a.output != "text" {
		return progressbar.DefaultSilent(total, what)
	}
	return progressbar.NewOptions64(total, progressbar.OptionSetWriter(a.deps.Stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
}

func (a *app) backupCommand() *cobra.Command {
	var to string
	var share float64
	var remote, ifDeployed bool
	var poll, timeout time.Duration
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Back up the user pool (users, groups, memberships, configuration) now",
		Long: `Export the pool with the backup library (docs/BACKUP.md): resumable (run the
same command again to continue), paced to leave Cognito's list quota to
others. By default into the stack's backup bucket, beside the scheduled
backups: s3://BUCKET/backups/POOL_ID/TIME/.`,
		Example: `  authctl --env production backup
  authctl backup --to ./pool-backup        # a local directory
  authctl backup --to s3://my-bucket/adhoc/2026-12-03/
  authctl --env production backup --remote --if-deployed   # the stack's state machine, waited for (the pipeline's pre-deploy step)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, c, pool, err := a.pool(cmd)
			// Only a stack that does not exist: a stack without the outputs is an error.
			if ifDeployed && err != nil && explain(err).Code == ExitNotFound && strings.Contains(explain(err).Message, "does not exist") {
				a.note("%s Nothing to back up yet.", explain(err).Message)
				return a.print(map[string]interface{}{"deployed": false}, func(io.Writer) {})
			}
			if err != nil {
				return err
			}
			if remote {
				if to != "" {
					return usageErr("--remote backs up into the stack's bucket: drop --to")
				}
				return a.remoteBackup(ctx, t, poll, timeout)
			}
			if !(share > 0 && share <= 1) {
				return usageErr("--quota-share %v: a share in (0, 1]", share)
			}
			if to == "" {
				bucket, err := t.output(contract.OutputBackupBucketName)
				if err != nil {
					return err
				}
				// The scheduled backups' layout (backupjob): the id sorts by time.
				to = "s3://" + bucket + "/backups/" + pool + "/" + a.now().UTC().Format("2006-01-02T15:04:05.000Z")
			}
			store, err := a.store(t, to)
			if err != nil {
				return err
			}
			if m, err := backup.ReadManifest(ctx, store); err == nil {
				return &Error{Code: ExitConflict, Message: fmt.Sprintf("%s holds a complete backup already (of %s, %s): a backup runs into an empty place, or continues an unfinished one.", to, m.UserPoolID, m.CompletedAt.Format(time.RFC3339)),
					Next: "choose another --to (or none: a new folder in the stack's backup bucket)"}
			}
			a.note("backing up %s into %s (if it stops, run again with --to %s to continue)", pool, to, to)
			bar := a.bar(-1, "backing up")
			m, err := backup.Export(ctx, c, store, pool, &backup.Options{QuotaShare: share, Progress: func(n backup.Counts) {
				_ = bar.Set64(int64(n.Users))
			}})
			_ = bar.Finish()
			if err != nil {
				e := explain(err)
				e.Message += " The backup so far is kept: authctl backup --to " + to + " continues it."
				return e
			}
			out := map[string]interface{}{"location": to, "counts": m.Counts}
			return a.print(out, func(w io.Writer) {
				fmt.Fprintf(w, "Backed up %s: %d users, %d groups, %d memberships, into %s\n", pool, m.Counts.Users, m.Counts.Groups, m.Counts.Memberships, to)
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "directory or s3://BUCKET/PREFIX (default: the stack's backup bucket)")
	cmd.Flags().Float64Var(&share, "quota-share", 0.8, "share of Cognito's list quota (30 requests/s per account and Region) to use, (0, 1]")
	cmd.Flags().BoolVar(&remote, "remote", false, "start the stack's backup state machine (BackupStateMachineArn) and wait for it, instead of exporting from here")
	cmd.Flags().BoolVar(&ifDeployed, "if-deployed", false, "succeed without a backup when the environment's stack does not exist yet (a first deployment)")
	cmd.Flags().DurationVar(&poll, "poll", 10*time.Second, "with --remote: how often to check the execution")
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Hour, "with --remote: how long to wait for the execution")
	return cmd
}

func (a *app) restoreCommand() *cobra.Command {
	var from, into, passwords, method, logsRole, report string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "restore --from LOCATION",
		Short: "Restore a backup into the stack's pool (or another); --dry-run plans only",
		Long: `Restore a backup with the restore library: groups, users, memberships;
idempotent (users already there are left alone and reported), with the
old-to-new sub map and a report written to --report (restore-report.json,
sub-map.csv). Passwords: reset (users set a new one with a code Cognito
sends now) or migrate (the user-migration trigger brings each user back).`,
		Example: `  authctl restore --from s3://BUCKET/backups/eu-west-1_abc/2026-12-01T02:00:00.000Z/ --dry-run
  authctl restore --from ./pool-backup --passwords reset --yes
  authctl restore --from ./pool-backup --into eu-west-1_NEWPOOL`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, t, c, pool, err := a.pool(cmd)
			if err != nil {
				return err
			}
			if from == "" {
				return usageErr("--from is required: the backup's directory or s3:// location")
			}
			switch restore.Passwords(passwords) {
			case restore.PasswordsReset, restore.PasswordsMigrate:
			default:
				return usageErr("--passwords %q: reset (users set a new password with a code) or migrate (the migration trigger brings them back)", passwords)
			}
			switch restore.Method(method) {
			case restore.MethodAuto, restore.MethodAdmin, restore.MethodImport:
			default:
				return usageErr("--method %q: admin, import, or empty for automatic", method)
			}
			if into != "" {
				pool = into
			}
			store, err := a.store(t, from)
			if err != nil {
				return err
			}
			m, err := backup.ReadManifest(ctx, store)
			if err != nil {
				return &Error{Code: ExitNotFound, Message: "No complete backup at " + from + ": " + err.Error(), Next: "choose a backup folder with a manifest.json", Err: err}
			}
			if !dryRun {
				if err := a.confirm(fmt.Sprintf("Restore %d users and %d groups of %s (%s) into %s?", m.Counts.Users, m.Counts.Groups, m.UserPoolID, m.CompletedAt.Format(time.RFC3339), pool)); err != nil {
					return err
				}
			}
			bar := a.bar(int64(m.Counts.Users), "restoring")
			r, err := restore.Restore(ctx, c, store, pool, restore.Options{Passwords: restore.Passwords(passwords), Method: restore.Method(method),
				ImportLogsRoleARN: logsRole, DryRun: dryRun, Progress: func(r restore.Report) {
					_ = bar.Set64(int64(r.UsersCreated + r.UsersExisting + len(r.UsersSkipped) + len(r.UsersFailed) + len(r.Conflicts)))
				}})
			_ = bar.Finish()
			if report == "" && !dryRun {
				report = "restore-report-" + a.now().UTC().Format("20060102T150405Z")
			}
			if err != nil {
				// A restore stopped midway (throttled, interrupted) returns what
				// it did so far: keep its sub map, the only record of the new subs.
				if r != nil && report != "" {
					if werr := r.Write(report); werr == nil {
						a.note("What was restored before the error, and its sub map: %s/ (run the same restore again to finish; it is idempotent)", report)
					}
				}
				return err
			}
			if report != "" {
				if err := r.Write(report); err != nil {
					return err
				}
			}
			if err := a.print(r, func(w io.Writer) {
				verb := "Restored"
				if dryRun {
					verb = "Would restore (dry run)"
				}
				fmt.Fprintf(w, "%s into %s: users %d created, %d there already, %d skipped, %d failed, %d in conflict; groups %d created; memberships %d added.\n",
					verb, pool, r.UsersCreated, r.UsersExisting, len(r.UsersSkipped), len(r.UsersFailed), len(r.Conflicts), r.GroupsCreated, r.MembershipsAdded)
				if len(r.UsersToInvite) > 0 {
					fmt.Fprintf(w, "%d users have no verified email or phone: invite them (see the report).\n", len(r.UsersToInvite))
				}
				if report != "" {
					fmt.Fprintf(w, "Report and sub map: %s/\n", report)
				}
			}); err != nil {
				return err
			}
			if len(r.UsersFailed) > 0 {
				return &Error{Code: ExitFailed, Message: fmt.Sprintf("%d users could not be restored; the report says why.", len(r.UsersFailed))}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "the backup: a directory or s3://BUCKET/PREFIX (required)")
	f.StringVar(&into, "into", "", "user pool id to restore into (default: the stack's pool)")
	f.StringVar(&passwords, "passwords", "reset", "how users get a password back: reset or migrate")
	f.StringVar(&method, "method", "", "how users are created: admin, import, or empty for automatic (import above 100,000 users with --import-logs-role)")
	f.StringVar(&logsRole, "import-logs-role", "", "IAM role ARN the user import job logs with")
	f.StringVar(&report, "report", "", "directory for restore-report.json and sub-map.csv (default: restore-report-TIME; a dry run writes one only when named)")
	f.BoolVar(&dryRun, "dry-run", false, "plan only: read the backup and the pool, change nothing")
	_ = cmd.RegisterFlagCompletionFunc("passwords", cobra.FixedCompletions([]string{"reset", "migrate"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("method", cobra.FixedCompletions([]string{"admin", "import"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// group is a command that only holds subcommands: anything else after it
// is a usage error (exit 2), not help and success.
func group(use, short string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErr("%s needs a subcommand: %s", cmd.CommandPath(), strings.Join(subcommands(cmd), ", "))
		}}
}

func subcommands(cmd *cobra.Command) []string {
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	return names
}

// remoteBackup starts an execution of the stack's backup state machine and
// waits until it ends: SUCCEEDED is a fresh restore point; any other end
// is an error naming the execution.
// Source: https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html (status)
func (a *app) remoteBackup(ctx context.Context, t *target, poll, timeout time.Duration) error {
	arn, err := t.output(contract.OutputBackupStateMachineARN)
	if err != nil {
		return err
	}
	c := a.deps.Sfn(t.AWS)
	start, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		return err
	}
	exec := aws.ToString(start.ExecutionArn)
	a.note("started %s; waiting for it (at most %s)", exec, timeout)
	deadline := a.now().Add(timeout)
	for {
		d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(exec)})
		if err != nil {
			return err
		}
		switch d.Status {
		case sfntypes.ExecutionStatusSucceeded:
			took := aws.ToTime(d.StopDate).Sub(aws.ToTime(d.StartDate)).Round(time.Second)
			return a.print(map[string]interface{}{"deployed": true, "execution": exec, "status": d.Status, "took": took.String()}, func(w io.Writer) {
				fmt.Fprintf(w, "Backed up %s's user pool (%s, %s).\n", t.Stack, exec, took)
			})
		case sfntypes.ExecutionStatusRunning, sfntypes.ExecutionStatusPendingRedrive:
		default:
			return &Error{Code: ExitFailed, Message: fmt.Sprintf("The backup %s ended %s: %s %s", exec, d.Status, aws.ToString(d.Error), aws.ToString(d.Cause)),
				Next: "read the execution in the Step Functions console; redrive it to resume from its checkpoint"}
		}
		if a.now().After(deadline) {
			return &Error{Code: ExitFailed, Message: fmt.Sprintf("The backup %s is still running after %s.", exec, timeout), Next: "wait for it, or raise --timeout"}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}
