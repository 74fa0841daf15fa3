package apihandler

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzHandle feeds the integration requests whose caller-controlled parts
// the fuzzer writes: the route, the id path parameter, the body, the
// Authorization header, and the authorizer context's groups (JSON written by
// our authorizer, fuzzed too in case a misconfiguration lets a caller near
// it). Properties: no panic; every answer is the JSON envelope with its
// status; another user's record is only for the admin group; a logout
// without a token we signed never reaches Cognito or the deny-list.
func FuzzHandle(f *testing.F) {
	f.Add(uint8(2), "s1", "", "", `["admin"]`)
	f.Add(uint8(2), "other", "", "", `["admin,x"]`)
	f.Add(uint8(3), "", `{"refreshToken":"r"}`, "Bearer a.b.c", `[]`)
	f.Add(uint8(3), "", `{"refreshToken":`, "Bearer ", `[]`)
	f.Add(uint8(1), "", "", "", `["a","b"]`)
	routes := []string{"GET /guest", "GET /user", "GET /users/{id}", "POST /auth/logout", "GET /client", "DELETE /user"}
	f.Fuzz(func(t *testing.T, route uint8, id, body, authorization, groups string) {
		h, rev, cog := handler(t)
		r := routes[int(route)%len(routes)]
		method, resource, _ := strings.Cut(r, " ")
		req := events.APIGatewayProxyRequest{
			HTTPMethod: method, Resource: resource, Body: body,
			Headers:        map[string]string{"Authorization": authorization},
			PathParameters: map[string]string{"id": id},
			RequestContext: events.APIGatewayProxyRequestContext{Authorizer: map[string]interface{}{
				"sub": "s1", "username": "jane", "groups": groups, "scopes": `[]`, "principal": "user"}},
		}
		resp, err := h.Handle(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		var env Response
		if json.Unmarshal([]byte(resp.Body), &env) != nil || env.Status != resp.StatusCode {
			t.Fatalf("answer %d %q is not the JSON envelope", resp.StatusCode, resp.Body)
		}
		if r == "GET /users/{id}" && resp.StatusCode == 200 && id != "s1" {
			var gs []string
			if json.Unmarshal([]byte(groups), &gs) != nil || !slices.Contains(gs, "admin") {
				t.Fatalf("user s1 in %s read %q", groups, id)
			}
		}
		if r == "POST /auth/logout" && (rev.calls > 0 || cog.signedOut > 0 || cog.revoked > 0 || resp.StatusCode == 200) {
			t.Fatalf("logout with %q went through: %d", authorization, resp.StatusCode)
		}
	})
}
