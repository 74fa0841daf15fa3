package tokenclaims

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/authstack/authstack/internal/telemetry"
	"github.com/authstack/authstack/internal/testevents"
)

func TestClaimsRolesAndScopes(t *testing.T) {
	// GIVEN rules and aws-lambda-go's V2_0 fixture for a user in two groups
	rules, err := Parse([]byte(`{"attributeClaims":{"tenant_id":"custom:tenant_id","mail":"email"},"rolesClaim":"app_roles",
		"groupRoles":{"admins":["admin","support"]},"accessTokenScopes":["api/read"],"groupScopes":{"admins":["api/admin","api/read"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	m, buf := testevents.Metrics()
	h := &Handler{Rules: rules, Metrics: m}
	var ev events.CognitoEventUserPoolsPreTokenGenV2_0
	testevents.Decode(t, "lambda-go/cognito-event-userpools-pretokengen-v2_0.json", &ev)
	ev.Request.UserAttributes["custom:tenant_id"] = "t-42"
	ev.Request.GroupConfiguration.GroupsToOverride = []string{"admins", "readers"}
	// WHEN handled
	out, err := h.Handle(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	// THEN both tokens get the claims, and the access token the scopes
	d := out.Response.ClaimsAndScopeOverrideDetails
	want := map[string]interface{}{"tenant_id": "t-42", "mail": "testuser@example.com", "app_roles": []string{"admin", "readers", "support"}}
	if !reflect.DeepEqual(d.IDTokenGeneration.ClaimsToAddOrOverride, want) || !reflect.DeepEqual(d.AccessTokenGeneration.ClaimsToAddOrOverride, want) {
		t.Errorf("claims = %v / %v; want %v", d.IDTokenGeneration.ClaimsToAddOrOverride, d.AccessTokenGeneration.ClaimsToAddOrOverride, want)
	}
	if got := d.AccessTokenGeneration.ScopesToAdd; !reflect.DeepEqual(got, []string{"api/admin", "api/read"}) {
		t.Errorf("scopes = %v", got)
	}
	if testevents.Counted(t, buf.Buffer, telemetry.TokensCustomized) != 1 {
		t.Error("not counted")
	}
}

func TestMissingAttributeAndNoGroups(t *testing.T) {
	h := &Handler{Rules: Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}, RolesClaim: "roles"}, Metrics: &telemetry.Metrics{W: new(strings.Builder)}}
	ev := events.CognitoEventUserPoolsPreTokenGenV2_0{}
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

func TestRejects(t *testing.T) {
	for _, doc := range []string{
		`{"attributeClaims":{"sub":"email"}}`,
		`{"rolesClaim":"cognito:username"}`,
		`{"attributeClaims":{"":"email"}}`,
		`{"attributeClaims":{"roles":"email"},"rolesClaim":"roles"}`,
		`{"unknownField":1}`,
		`{"attributeClaims":[]}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%s) = nil error", doc)
		}
	}
	h := &Handler{Metrics: &telemetry.Metrics{W: new(strings.Builder)}}
	ev := events.CognitoEventUserPoolsPreTokenGenV2_0{}
	ev.Version = "1"
	if _, err := h.Handle(context.Background(), ev); err == nil || !strings.Contains(err.Error(), "V2_0") {
		t.Errorf("version 1 event: %v", err)
	}
}

var sinkEv events.CognitoEventUserPoolsPreTokenGenV2_0

// BenchmarkHandle is one token customization with attribute, role and scope rules.
func BenchmarkHandle(b *testing.B) {
	h := &Handler{Rules: Rules{AttributeClaims: map[string]string{"tenant_id": "custom:tenant_id"}, RolesClaim: "roles",
		AccessTokenScopes: []string{"api/read"}, GroupScopes: map[string][]string{"admins": {"api/admin"}}},
		Metrics: &telemetry.Metrics{W: io.Discard, Stack: "bench"}}
	ev := events.CognitoEventUserPoolsPreTokenGenV2_0{}
	ev.Version = "2"
	ev.Request.UserAttributes = map[string]string{"custom:tenant_id": "t1"}
	ev.Request.GroupConfiguration.GroupsToOverride = []string{"admins", "users"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sinkEv, _ = h.Handle(context.Background(), ev)
	}
}
