package userevent

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	lambdasdk "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/authstack/authstack/internal/runtime/hook"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/testevents"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 5, 0, time.UTC)

func TestEventFromCapturedEvents(t *testing.T) {
	cases := []struct {
		file, typ, sub string
		email          bool
	}{
		{"reference/CognitoCreateUserPostConfirmation.json", SignUpConfirmed, "12345678-9abc-def0-1234-56789abcdef0", true},
		{"reference/CognitoUserSignIn_PreAuthentication.json", SignInAttempted, "12345678-9abc-def0-1234-56789abcdef0", false},
		{"reference/CognitoUserSignIn_PostAuthentication.json", SignedIn, "12345678-9abc-def0-1234-56789abcdef0", false},
		{"lambda-go/cognito-event-userpools-postconfirmation.json", SignUpConfirmed, "", true},
		{"lambda-go/cognito-event-userpools-preauthentication.json", SignInAttempted, "", false},
		{"lambda-go/cognito-event-userpools-postauthentication.json", SignedIn, "", false},
	}
	for _, tc := range cases {
		ev, err := EventFrom(testevents.Load(t, tc.file), t0)
		if err != nil {
			t.Errorf("%s: %v", tc.file, err)
			continue
		}
		if ev.EventType != tc.typ || ev.SchemaVersion != SchemaVersion || ev.UserPoolID == "" || ev.Sub == "" || len(ev.EventID) != 32 {
			t.Errorf("%s: event = %+v", tc.file, ev)
		}
		if tc.sub != "" && ev.Sub != tc.sub {
			t.Errorf("%s: sub = %q; want %q", tc.file, ev.Sub, tc.sub)
		}
		if (ev.Email != "") != tc.email {
			t.Errorf("%s: email = %q; want email only on SignUpConfirmed", tc.file, ev.Email)
		}
		if (ev.NewDeviceUsed != nil) != (tc.typ == SignedIn) {
			t.Errorf("%s: newDeviceUsed = %v; want it on SignedIn only", tc.file, ev.NewDeviceUsed)
		}
	}
}

func TestWindowIDIsDeterministic(t *testing.T) {
	raw := testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")
	a, _ := EventFrom(raw, t0)
	retry, _ := EventFrom(raw, t0.Add(20*time.Second)) // Cognito's retry, same window
	later, _ := EventFrom(raw, t0.Add(2*time.Minute))  // another sign-in
	if a.EventID != retry.EventID {
		t.Errorf("a retry in the same window got another id: %s vs %s", a.EventID, retry.EventID)
	}
	if a.EventID == later.EventID {
		t.Error("a later sign-in got the same id")
	}
	other := strings.Replace(string(raw), "12345678-9abc-def0-1234-56789abcdef0", "87654321-9abc-def0-1234-56789abcdef0", -1)
	b, _ := EventFrom([]byte(other), t0)
	if a.EventID == b.EventID {
		t.Error("two users got the same id")
	}
	pre, _ := EventFrom(testevents.Load(t, "reference/CognitoUserSignIn_PreAuthentication.json"), t0)
	if pre.EventID == a.EventID {
		t.Error("pre and post authentication got the same id")
	}
}

// memIDs is an in-memory IDs with TableIDs' semantics.
type memIDs struct {
	mu     sync.Mutex
	claims map[string]struct {
		id      string
		expires time.Time
	}
	fail bool
}

func (m *memIDs) Claim(_ context.Context, key, id string, now time.Time) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail {
		return "", errors.New("ProvisionedThroughputExceededException")
	}
	if m.claims == nil {
		m.claims = map[string]struct {
			id      string
			expires time.Time
		}{}
	}
	if c, ok := m.claims[key]; ok && now.Before(c.expires) {
		return c.id, nil
	}
	m.claims[key] = struct {
		id      string
		expires time.Time
	}{id, now.Add(IDWindow)}
	return id, nil
}

func TestAttemptsOfOneRequestShareTheID(t *testing.T) {
	// GIVEN a first attempt one second before a 30-second window ends, and
	// Cognito's retry (same event) three seconds later, across the edge
	first := time.Date(2026, 11, 23, 10, 0, 29, 0, time.UTC)
	raw := testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")
	f := &fakeSNS{}
	p, _ := publisher(f)
	p.IDs = &memIDs{}
	ids := func() []string {
		var out []string
		for _, in := range f.calls {
			var ev Event
			json.Unmarshal([]byte(aws.ToString(in.Message)), &ev)
			out = append(out, ev.EventID)
		}
		return out
	}
	for _, at := range []time.Time{first, first.Add(3 * time.Second), first.Add(9 * time.Second)} {
		p.Now = func() time.Time { return at }
		if _, err := p.Handle(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	// THEN every attempt published the same id (subscribers drop repeats)
	got := ids()
	if len(got) != 3 || got[0] != got[1] || got[1] != got[2] {
		t.Fatalf("event ids of three attempts = %v; want one id", got)
	}
	// AND a sign-in after the window is a new event
	p.Now = func() time.Time { return first.Add(IDWindow + time.Second) }
	p.Handle(context.Background(), raw)
	if got := ids(); got[3] == got[0] {
		t.Error("a sign-in after the window reused the id")
	}
	// AND without the store, the window ids differ across the edge (why the store exists)
	a, _ := EventFrom(raw, first)
	b, _ := EventFrom(raw, first.Add(3*time.Second))
	if a.EventID == b.EventID {
		t.Error("window ids did not differ across the edge; the test no longer shows the case")
	}
}

func TestUnclaimableIDFallsBackAndStillPublishes(t *testing.T) {
	f := &fakeSNS{}
	p, buf := publisher(f)
	p.IDs = &memIDs{fail: true}
	raw := testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")
	if _, err := p.Handle(context.Background(), raw); err != nil {
		t.Fatal(err)
	}
	want, _ := EventFrom(raw, t0)
	var got Event
	if len(f.calls) != 1 || json.Unmarshal([]byte(aws.ToString(f.calls[0].Message)), &got) != nil || got.EventID != want.EventID {
		t.Errorf("published %d events, id %q; want one with the window id %q", len(f.calls), got.EventID, want.EventID)
	}
	if testevents.Counted(t, buf.Buffer, contract.PublishFailures) != 0 {
		t.Error("a failed claim counted as a publish failure")
	}
}

// blockingIDs never answers until its context ends (a hung table).
type blockingIDs struct{}

func (blockingIDs) Claim(ctx context.Context, _, _ string, _ time.Time) (string, error) {
	<-ctx.Done()
	return "", ctx.Err()
}

func TestASlowClaimNeverCostsTheSignIn(t *testing.T) {
	// GIVEN a hung event-id table and Cognito's 5-second invocation
	f := &fakeSNS{}
	p, _ := publisher(f)
	p.IDs = blockingIDs{}
	p.ClaimTimeout = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	// WHEN the trigger runs
	if _, err := p.Handle(ctx, testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")); err != nil {
		t.Fatal(err)
	}
	// THEN it gives up on the claim quickly and still publishes (the window id)
	if took := time.Since(start); took > time.Second {
		t.Errorf("Handle took %v with a hung table", took)
	}
	if len(f.calls) != 1 {
		t.Errorf("published %d events; want 1", len(f.calls))
	}
}

func TestSignInAttemptOfAnUnknownUser(t *testing.T) {
	// GIVEN a pre authentication event for a user who does not exist, as
	// Cognito sends it with PreventUserExistenceErrors (userNotFound: true)
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-managing-errors.html
	f := &fakeSNS{}
	p, buf := publisher(f)
	raw := testevents.Load(t, "aws/preauthentication-user-not-found.json")
	// WHEN handled
	out, err := p.Handle(context.Background(), raw)
	// THEN Cognito gets its event back and no error (an error would reveal the account does not exist)
	if err != nil || string(out) != string(raw) {
		t.Fatalf("Handle = %s, %v; want the event back and no error", out, err)
	}
	// AND no user event exists for a user who does not, and the attempt is counted apart
	if len(f.calls) != 0 {
		t.Errorf("published %d events for a user who does not exist", len(f.calls))
	}
	if testevents.Counted(t, buf.Buffer, contract.UnknownUserSignInAttempts) != 1 || testevents.Counted(t, buf.Buffer, contract.SignInAttempts) != 0 {
		t.Errorf("metrics: %s", buf)
	}
}

func TestAdminCausedEventsCarryNoClientID(t *testing.T) {
	// GIVEN post confirmation of AdminConfirmSignUp (callerContext.clientId = CLIENT_ID_NOT_APPLICABLE)
	f := &fakeSNS{}
	p, _ := publisher(f)
	if _, err := p.Handle(context.Background(), testevents.Load(t, "aws/postconfirmation-admin.json")); err != nil {
		t.Fatal(err)
	}
	// THEN the event has no clientId at all
	if len(f.calls) != 1 {
		t.Fatalf("published %d events", len(f.calls))
	}
	var body map[string]interface{}
	json.Unmarshal([]byte(aws.ToString(f.calls[0].Message)), &body)
	if _, ok := body["clientId"]; ok {
		t.Errorf("event carries clientId %v", body["clientId"])
	}
}

func TestNoSecretsInEvents(t *testing.T) {
	raw := `{"version":"1","triggerSource":"PostAuthentication_Authentication","region":"eu-west-1","userPoolId":"eu-west-1_x",
	 "userName":"u","callerContext":{"clientId":"c"},"request":{"userAttributes":{"sub":"s","email":"a@b.co","phone_number":"+1555",
	 "custom:secret":"hunter2"},"password":"hunter2","codeParameter":"123456","clientMetadata":{"token":"eyJ..."}}}`
	ev, err := EventFrom([]byte(raw), t0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(ev)
	for _, secret := range []string{"hunter2", "123456", "eyJ", "+1555", "a@b.co"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("event carries %q: %s", secret, b)
		}
	}
}

func TestHostileEvents(t *testing.T) {
	cases := map[string]string{
		"not json":       `{"triggerSource":`,
		"array":          `[]`,
		"unknown source": `{"triggerSource":"PostAuthentication_Teleport","userPoolId":"p","request":{"userAttributes":{"sub":"s"}}}`,
		"no pool":        `{"triggerSource":"PostAuthentication_Authentication","request":{"userAttributes":{"sub":"s"}}}`,
		"no user":        `{"triggerSource":"PostAuthentication_Authentication","userPoolId":"p"}`,
		"wrong types":    `{"triggerSource":"PostAuthentication_Authentication","userPoolId":7}`,
		"oversized sub":  `{"triggerSource":"PostAuthentication_Authentication","userPoolId":"p","request":{"userAttributes":{"sub":"` + strings.Repeat("s", 5000) + `"}}}`,
	}
	for name, raw := range cases {
		if _, err := EventFrom([]byte(raw), t0); err == nil {
			t.Errorf("%s: EventFrom accepted %.60s", name, raw)
		}
	}
}

// fakeSNS records publishes and fails the first `fail` calls.
type fakeSNS struct {
	mu    sync.Mutex
	fail  int
	block bool
	calls []*sns.PublishInput
}

func (f *fakeSNS) Publish(ctx context.Context, in *sns.PublishInput, _ ...func(*sns.Options)) (*sns.PublishOutput, error) {
	f.mu.Lock()
	f.calls = append(f.calls, in)
	n := len(f.calls)
	f.mu.Unlock()
	if f.block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if n <= f.fail {
		return nil, errors.New("ServiceUnavailable")
	}
	return &sns.PublishOutput{MessageId: aws.String("m")}, nil
}

func publisher(client SNSPublisher) (*Publisher, *testevents.Buffer) {
	m, buf := testevents.Metrics()
	return &Publisher{Client: client, TopicARN: "arn:aws:sns:eu-west-1:123456789012:events", Enabled: true,
		Metrics: m, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Now: func() time.Time { return t0 }}, buf
}

func TestPublishes(t *testing.T) {
	f := &fakeSNS{}
	p, buf := publisher(f)
	raw := testevents.Load(t, "reference/CognitoCreateUserPostConfirmation.json")
	out, err := p.Handle(context.Background(), raw)
	if err != nil || string(out) != string(raw) {
		t.Fatalf("Handle = %s, %v; want the trigger event back", out, err)
	}
	if len(f.calls) != 1 {
		t.Fatalf("published %d times; want 1", len(f.calls))
	}
	in := f.calls[0]
	if aws.ToString(in.MessageAttributes["eventType"].StringValue) != SignUpConfirmed || aws.ToString(in.MessageAttributes["schemaVersion"].StringValue) != "1" {
		t.Errorf("message attributes = %+v", in.MessageAttributes)
	}
	var got Event
	if err := json.Unmarshal([]byte(aws.ToString(in.Message)), &got); err != nil || got.EventType != SignUpConfirmed || got.Email != "tester1@gmail.com" {
		t.Errorf("message = %s (%v)", aws.ToString(in.Message), err)
	}
	if testevents.Counted(t, buf.Buffer, contract.Confirmations) != 1 {
		t.Errorf("confirmation not counted: %s", buf)
	}
}

func TestRetriesThenSucceeds(t *testing.T) {
	f := &fakeSNS{fail: 2}
	p, buf := publisher(f)
	if _, err := p.Handle(context.Background(), testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 3 || testevents.Counted(t, buf.Buffer, contract.PublishFailures) != 0 {
		t.Errorf("calls = %d, failures counted = %d; want 3 calls and no failure", len(f.calls), testevents.Counted(t, buf.Buffer, contract.PublishFailures))
	}
}

func TestFailureNeverBlocksSignIn(t *testing.T) {
	f := &fakeSNS{fail: 100}
	p, buf := publisher(f)
	raw := testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")
	out, err := p.Handle(context.Background(), raw)
	if err != nil || string(out) != string(raw) {
		t.Fatalf("Handle = %v; a failed publish must not fail the sign-in", err)
	}
	if len(f.calls) != 3 || testevents.Counted(t, buf.Buffer, contract.PublishFailures) != 1 {
		t.Errorf("calls = %d; want 3, and one failure counted", len(f.calls))
	}
}

func TestPublishStaysInsideTheTimeBudget(t *testing.T) {
	f := &fakeSNS{block: true}
	p, buf := publisher(f)
	p.Reserve = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := p.Handle(ctx, testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json")); err != nil {
		t.Fatal(err)
	}
	deadline, _ := ctx.Deadline()
	if time.Now().After(deadline) {
		t.Errorf("Handle returned after the invocation deadline (%v)", time.Since(start))
	}
	if testevents.Counted(t, buf.Buffer, contract.PublishFailures) != 1 {
		t.Error("timeout not counted as a publish failure")
	}
}

func TestDisabledOnlyCounts(t *testing.T) {
	f := &fakeSNS{}
	p, buf := publisher(f)
	p.Enabled = false
	if _, err := p.Handle(context.Background(), testevents.Load(t, "reference/CognitoUserSignIn_PreAuthentication.json")); err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 0 || testevents.Counted(t, buf.Buffer, contract.SignInAttempts) != 1 {
		t.Errorf("calls = %d; want none, and the attempt counted", len(f.calls))
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{contract.EnvPublishUserEvents: "true", contract.EnvUserEventsTopicARN: "not-an-arn"}
	if _, err := FromEnv(func(k string) string { return env[k] }, &fakeSNS{}, nil, nil, nil, nil); err == nil {
		t.Error("FromEnv accepted a bad topic ARN")
	}
	env[contract.EnvPublishUserEvents] = "false"
	if p, err := FromEnv(func(k string) string { return env[k] }, &fakeSNS{}, nil, nil, nil, nil); err != nil || p.Enabled || p.IDs != nil {
		t.Errorf("FromEnv(disabled) = %+v, %v", p, err)
	}
}

var sinkRaw json.RawMessage

// BenchmarkHandle is one post authentication event through the handler,
// publishing to an in-memory client.
func BenchmarkHandle(b *testing.B) {
	p := &Publisher{Client: &nopSNS{}, TopicARN: "arn:aws:sns:eu-west-1:123456789012:events", Enabled: true,
		Metrics: &telemetry.Metrics{W: io.Discard, Stack: "bench"}, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	raw := testevents.Load(b, "reference/CognitoUserSignIn_PostAuthentication.json")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkRaw, _ = p.Handle(context.Background(), raw)
	}
}

type nopSNS struct{}

func (nopSNS) Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error) {
	return &sns.PublishOutput{}, nil
}

// fakeLambda answers Invoke for a hook.
type fakeLambda struct {
	calls  []string
	answer func() (*lambdasdk.InvokeOutput, error)
}

func (f *fakeLambda) Invoke(_ context.Context, in *lambdasdk.InvokeInput, _ ...func(*lambdasdk.Options)) (*lambdasdk.InvokeOutput, error) {
	f.calls = append(f.calls, string(in.Payload))
	return f.answer()
}

func TestHookRunsAfterThePublish(t *testing.T) {
	raw := testevents.Load(t, "reference/CognitoCreateUserPostConfirmation.json")
	// GIVEN a post confirmation hook WHEN the trigger runs THEN the event is
	// published first, the hook gets the trigger's event, and its answer is Cognito's
	sent := &fakeSNS{}
	hooked := &fakeLambda{answer: func() (*lambdasdk.InvokeOutput, error) {
		if len(sent.calls) != 1 {
			t.Error("the hook ran before the event was published")
		}
		return &lambdasdk.InvokeOutput{StatusCode: 200, Payload: raw}, nil
	}}
	p, _ := publisher(sent)
	p.Hook = &hook.Hook{Function: "welcome", Client: hooked}
	out, err := p.Handle(context.Background(), raw)
	if err != nil || string(out) != string(raw) || len(hooked.calls) != 1 || hooked.calls[0] != string(raw) {
		t.Fatalf("Handle = %s, %v; hook calls %v", out, err, hooked.calls)
	}
	// GIVEN a pre authentication hook that refuses THEN the sign-in fails with its message
	p.Hook.Client = &fakeLambda{answer: func() (*lambdasdk.InvokeOutput, error) {
		return &lambdasdk.InvokeOutput{FunctionError: aws.String("Unhandled"), Payload: []byte(`{"errorMessage":"Account locked: call support","errorType":"errorString"}`)}, nil
	}}
	if _, err := p.Handle(context.Background(), testevents.Load(t, "reference/CognitoUserSignIn_PreAuthentication.json")); err == nil || err.Error() != "Account locked: call support" {
		t.Errorf("refusal: %v", err)
	}
	// GIVEN an unreachable hook THEN our message, and HookFailures counts it;
	// the hook also runs for sign-in attempts on unknown users (no event then)
	var buf *testevents.Buffer
	p, buf = publisher(&fakeSNS{})
	down := &fakeLambda{answer: func() (*lambdasdk.InvokeOutput, error) { return nil, errors.New("connection refused") }}
	p.Hook = &hook.Hook{Function: "welcome", Client: down}
	if _, err := p.Handle(context.Background(), testevents.Load(t, "aws/preauthentication-user-not-found.json")); err == nil || err.Error() != MsgUnavailable || len(down.calls) != 1 {
		t.Errorf("unavailable: %v after %d calls", err, len(down.calls))
	}
	if testevents.Counted(t, buf.Buffer, contract.HookFailures) != 1 {
		t.Error("hook failure not counted")
	}
}
