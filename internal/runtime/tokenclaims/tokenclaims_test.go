package tokenclaims

import (
	"context"
	"encoding/json"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/authstack/authstack/claims"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/telemetry"
	"github.com/authstack/authstack/internal/test/testevents"
)

func TestClaimsRolesScopesAndGroupsKept(t *testing.T) {
	// GIVEN rules and a V2_0 event shaped as Cognito sends it: a user in two
	// groups with an IAM role, and an empty response
	rules, err := claims.Parse([]byte(`{"attributeClaims":{"tenant_id":"custom:tenant_id","mail":"email"},"rolesClaim":"app_roles",
		"groupRoles":{"admins":["admin","support"]},"accessTokenScopes":["api/read"],"groupScopes":{"admins":["api/admin","api/read"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	m, buf := testevents.Metrics()
	h := &Handler{Rules: rules, Metrics: m}
	var ev Event
	testevents.Decode(t, "aws/pretokengen-v2-authentication.json", &ev)
	// WHEN handled and answered as Lambda serializes the answer
	out, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Response struct {
			ClaimsAndScopeOverrideDetails map[string]json.RawMessage `json:"claimsAndScopeOverrideDetails"`
		} `json:"response"`
	}
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatal(err)
	}
	d := answer.Response.ClaimsAndScopeOverrideDetails
	// THEN the group override repeats the request's groups, roles and
	// preferred role: an empty or null groupOverrideDetails would suppress
	// them (pre token generation trigger, "groupOverrideDetails").
	// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html
	want := `{"groupsToOverride":["admins","readers"],"iamRolesToOverride":["arn:aws:iam::123456789012:role/admins"],"preferredRole":"arn:aws:iam::123456789012:role/admins"}`
	if got := string(d["groupOverrideDetails"]); got != want {
		t.Errorf("groupOverrideDetails = %s; want %s", got, want)
	}
	// AND both tokens get the claims, the access token the scopes, and nothing else is written
	claims := `{"app_roles":["admin","readers","support"],"mail":"testuser@example.com","tenant_id":"t-42"}`
	if got := string(d["idTokenGeneration"]); got != `{"claimsToAddOrOverride":`+claims+`}` {
		t.Errorf("idTokenGeneration = %s", got)
	}
	if got := string(d["accessTokenGeneration"]); got != `{"claimsToAddOrOverride":`+claims+`,"scopesToAdd":["api/admin","api/read"]}` {
		t.Errorf("accessTokenGeneration = %s", got)
	}
	if testevents.Counted(t, buf.Buffer, contract.TokensCustomized) != 1 {
		t.Error("not counted")
	}
}

func TestGroupsKeptWithoutAnyGroupRule(t *testing.T) {
	// GIVEN an attribute rule only, and the same user in two groups
	h := &Handler{Rules: claims.Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}}, Metrics: &telemetry.Metrics{W: io.Discard}}
	var ev Event
	testevents.Decode(t, "aws/pretokengen-v2-authentication.json", &ev)
	out, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	// THEN the groups survive
	if got := out.Response.ClaimsAndScopeOverrideDetails.GroupOverrideDetails.GroupsToOverride; !reflect.DeepEqual(got, []string{"admins", "readers"}) {
		t.Errorf("groups = %v; want the request's", got)
	}
}

func TestMissingAttributeAndNoGroups(t *testing.T) {
	h := &Handler{Rules: claims.Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}, RolesClaim: "roles"}, Metrics: &telemetry.Metrics{W: new(strings.Builder)}}
	ev := Event{}
	ev.Version = "2"
	out, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	got := out.Response.ClaimsAndScopeOverrideDetails.IDTokenGeneration.ClaimsToAddOrOverride
	if _, ok := got["tenant_id"]; ok || !reflect.DeepEqual(got["roles"], []string{}) {
		t.Errorf("claims = %v; want no tenant_id and an empty roles list", got)
	}
}

func TestVersion1EventsAreRefused(t *testing.T) {
	h := &Handler{Metrics: &telemetry.Metrics{W: new(strings.Builder)}}
	ev := Event{}
	ev.Version = "1"
	if _, err := h.Handle(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "V2_0") {
		t.Errorf("version 1 event: %v", err)
	}
}

var sinkEv Event

// BenchmarkHandle is one token customization with attribute, role and scope rules.
func BenchmarkHandle(b *testing.B) {
	h := &Handler{Rules: claims.Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}, RolesClaim: "roles",
		AccessTokenScopes: []string{"api/read"}, GroupScopes: map[string][]string{"admins": {"api/admin"}}},
		Metrics: &telemetry.Metrics{W: io.Discard, Stack: "bench"}}
	ev := Event{}
	ev.Version = "2"
	ev.Request.UserAttributes = map[string]string{"custom:tenant_id": "t1"}
	ev.Request.GroupConfiguration.GroupsToOverride = []string{"admins", "users"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkEv, _ = h.Handle(context.Background(), ev)
	}
}
