package backup_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authstack/authstack/backup"
	"github.com/authstack/authstack/internal/test/mototest"
)

// fill creates a pool in moto with n users and two groups (every third
// user in one of them).
func fill(t *testing.T, ctx context.Context, idp *cip.Client, n int) string {
	t.Helper()
	p, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	id := p.UserPool.Id
	for _, g := range []string{"a", "b"} {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: id, GroupName: aws.String(g)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("user-%03d", i)
		// A retry by the SDK of a create that moto, under load, answered
		// late finds the user there: that is the user, not an error.
		var exists *ciptypes.UsernameExistsException
		if _, err := idp.AdminCreateUser(ctx, &cip.AdminCreateUserInput{UserPoolId: id, Username: aws.String(name), MessageAction: ciptypes.MessageActionTypeSuppress,
			UserAttributes: []ciptypes.AttributeType{{Name: aws.String("email"), Value: aws.String(name + "@example.com")}}}); err != nil && !errors.As(err, &exists) {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := idp.AdminAddUserToGroup(ctx, &cip.AdminAddUserToGroupInput{UserPoolId: id, Username: aws.String(name), GroupName: aws.String([]string{"a", "b"}[i%2])}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return aws.ToString(id)
}

// usernames reads every user of a backup.
func usernames(t *testing.T, ctx context.Context, store backup.Store) []string {
	t.Helper()
	m, err := backup.ReadManifest(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	if err := backup.Each(ctx, store, m, backup.KindUsers, func(u backup.User) error {
		out = append(out, u.Username)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// failingStore fails every Put after the first ok ones, as a run that
// crashes or times out does.
type failingStore struct {
	backup.Store
	ok   int
	puts atomic.Int32
}

func (f *failingStore) Put(ctx context.Context, name string, b []byte) error {
	if int(f.puts.Add(1)) > f.ok {
		return errors.New("the run ended")
	}
	return f.Store.Put(ctx, name, b)
}

func TestAnInterruptedBackupResumesWithoutDuplicatesOrGaps(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 130) // three ListUsers pages of 60

	// GIVEN runs that end after every possible number of writes (a part,
	// or the checkpoint after it), each continued by the next
	dir := t.TempDir()
	for ok := 1; ; ok++ {
		_, err := backup.Export(ctx, idp, &failingStore{Store: backup.Dir(dir), ok: ok}, poolID, &backup.Options{PartSize: 50})
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "the run ended") {
			t.Fatal(err)
		}
		if ok > 100 {
			t.Fatal("never completes")
		}
	}
	// THEN the backup holds every user once, as an uninterrupted one does
	got := usernames(t, ctx, backup.Dir(dir))
	whole := t.TempDir()
	if _, err := backup.Export(ctx, idp, backup.Dir(whole), poolID, &backup.Options{PartSize: 50}); err != nil {
		t.Fatal(err)
	}
	want := usernames(t, ctx, backup.Dir(whole))
	sort.Strings(got)
	if len(want) != 130 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("resumed backup has %d users (%d distinct?); want the 130 of an uninterrupted one", len(got), len(want))
	}
	m, _ := backup.ReadManifest(ctx, backup.Dir(dir))
	if m.Counts.Users != 130 || m.Counts.Memberships != 44 || m.Counts.Groups != 2 {
		t.Errorf("counts %+v", m.Counts)
	}
	// AND a finished backup run again only reads its manifest
	again, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, nil)
	if err != nil || again.CompletedAt != m.CompletedAt {
		t.Errorf("re-run of a finished backup: %v, %v", again, err)
	}
	// AND a backup of another pool in the same place is refused
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), "eu-west-1_other", nil); err == nil || !strings.Contains(err.Error(), "holds a backup of "+poolID) {
		t.Errorf("other pool: %v", err)
	}
}

func TestBudgetStopsAndTheNextRunContinues(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 70)
	dir := t.TempDir()
	// GIVEN a clock that passes the budget after three parts
	var ticks int
	now := func() time.Time { ticks++; return time.Unix(1_700_000_000+int64(ticks)*60, 0) }
	_, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, &backup.Options{PartSize: 20, Now: now, Budget: time.Unix(1_700_000_000+200, 0)})
	if !errors.Is(err, backup.ErrIncomplete) {
		t.Fatalf("first run: %v; want ErrIncomplete", err)
	}
	if _, err := os.Stat(filepath.Join(dir, backup.ManifestFile)); err == nil {
		t.Fatal("an incomplete backup has a manifest")
	}
	// WHEN the next run has time THEN it completes with every user
	if _, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(usernames(t, ctx, backup.Dir(dir))); n != 70 {
		t.Errorf("%d users; want 70", n)
	}
}

// throttling answers like Cognito's TooManyRequestsException for the first
// n ListUsers calls.
type throttling struct {
	*cip.Client
	n, calls int
}

func (c *throttling) ListUsers(ctx context.Context, in *cip.ListUsersInput, o ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	c.calls++
	if c.calls <= c.n {
		return nil, &ciptypes.TooManyRequestsException{Message: aws.String("Too many requests")}
	}
	return c.Client.ListUsers(ctx, in, o...)
}

// expiring refuses the saved pagination token of a resumed export once,
// as Cognito does for a token that expired.
type expiring struct {
	*cip.Client
	refused bool
}

func (c *expiring) ListUsers(ctx context.Context, in *cip.ListUsersInput, o ...func(*cip.Options)) (*cip.ListUsersOutput, error) {
	if in.PaginationToken != nil && !c.refused {
		c.refused = true
		return nil, &ciptypes.InvalidParameterException{Message: aws.String("Pagination token is expired")}
	}
	return c.Client.ListUsers(ctx, in, o...)
}

func TestThrottlingIsRetriedAndExpiredTokensRestartTheListing(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 65)
	// GIVEN Cognito throttling the first two ListUsers calls THEN the export completes
	th := &throttling{Client: idp, n: 2}
	dir := t.TempDir()
	if _, err := backup.Export(ctx, th, backup.Dir(dir), poolID, nil); err != nil {
		t.Fatal(err)
	}
	if th.calls != 4 || len(usernames(t, ctx, backup.Dir(dir))) != 65 {
		t.Errorf("%d ListUsers calls; want 2 throttled and 2 pages", th.calls)
	}
	// GIVEN an export stopped after its first users part, whose token then expired
	dir = t.TempDir()
	store := &failingStore{Store: backup.Dir(dir), ok: 6} // pool, checkpoint, groups, checkpoint, users-1, checkpoint
	if _, err := backup.Export(ctx, idp, store, poolID, &backup.Options{PartSize: 60}); err == nil {
		t.Fatal("the store did not stop the run")
	}
	// WHEN it resumes THEN the users listing starts again, and nobody is twice or missing
	if _, err := backup.Export(ctx, &expiring{Client: idp}, backup.Dir(dir), poolID, &backup.Options{PartSize: 60}); err != nil {
		t.Fatal(err)
	}
	got := usernames(t, ctx, backup.Dir(dir))
	seen := map[string]bool{}
	for _, u := range got {
		if seen[u] {
			t.Errorf("%s twice", u)
		}
		seen[u] = true
	}
	if len(seen) != 65 {
		t.Errorf("%d users; want 65", len(seen))
	}
}

func TestADamagedPartIsRefused(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 3)
	dir := t.TempDir()
	m, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, nil)
	if err != nil {
		t.Fatal(err)
	}
	// GIVEN a users part changed after the backup
	path := filepath.Join(dir, "users-00001.jsonl")
	b, _ := os.ReadFile(path)
	os.WriteFile(path, append(b, []byte(`{"username":"intruder"}`+"\n")...), 0o600)
	// THEN reading it fails naming the part
	err = backup.Each(ctx, backup.Dir(dir), m, backup.KindUsers, func(backup.User) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "users-00001.jsonl has SHA-256") {
		t.Errorf("damaged part: %v", err)
	}
	// AND the pool's configuration is there, app client secrets never
	pc, err := backup.ReadPool(ctx, backup.Dir(dir), m)
	if err != nil || aws.ToString(pc.UserPool.Id) != poolID {
		t.Errorf("pool.json: %+v, %v", pc, err)
	}
}

// TestTheFormatIsItsSchema validates what Export writes against the
// published JSON Schema (docs/backup.schema.json), which other tools read.
func TestTheFormatIsItsSchema(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 7)
	dir := t.TempDir()
	m, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, &backup.Options{PartSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	_, file, _, _ := runtime.Caller(0)
	schemaPath := filepath.Join(filepath.Dir(file), "..", "docs", "backup.schema.json")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	compile := func(ref string) *jsonschema.Schema {
		s, err := c.Compile(schemaPath + ref)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	check := func(s *jsonschema.Schema, what string, b []byte) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if err := s.Validate(v); err != nil {
			t.Errorf("%s does not follow the schema: %v", what, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, backup.ManifestFile))
	check(compile(""), backup.ManifestFile, b)
	for kind, def := range map[string]string{backup.KindUsers: "User", backup.KindGroups: "Group", backup.KindMembers: "Member"} {
		s := compile("#/$defs/" + def)
		if err := backup.Read(ctx, backup.Dir(dir), m, kind, func(line []byte) error {
			check(s, kind+" line", line)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestManyEmptyGroupsStillProgressWithinTheBudget(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp := cip.NewFromConfig(awsCfg)
	poolID := fill(t, ctx, idp, 2)
	for i := 0; i < 12; i++ {
		if _, err := idp.CreateGroup(ctx, &cip.CreateGroupInput{UserPoolId: aws.String(poolID), GroupName: aws.String(fmt.Sprint("empty-", i))}); err != nil {
			t.Fatal(err)
		}
	}
	// GIVEN runs whose budget allows only a few calls (the clock moves a
	// minute on every look)
	dir := t.TempDir()
	var ticks int64
	now := func() time.Time { ticks++; return time.Unix(ticks*60, 0) }
	runs := 0
	for {
		runs++
		budget := time.Unix((ticks+4)*60, 0)
		_, err := backup.Export(ctx, idp, backup.Dir(dir), poolID, &backup.Options{Now: now, Budget: budget})
		if err == nil {
			break
		}
		if !errors.Is(err, backup.ErrIncomplete) || runs > 60 {
			t.Fatalf("run %d: %v", runs, err)
		}
	}
	// THEN every run moves on, and the backup completes with every membership
	m, err := backup.ReadManifest(ctx, backup.Dir(dir))
	if err != nil || m.Counts.Groups != 14 || m.Counts.Users != 2 || runs < 3 {
		t.Errorf("after %d runs: %+v, %v", runs, m, err)
	}
}
