package claims

import "testing"

func TestParseRejects(t *testing.T) {
	for _, doc := range []string{
		`{"attributeClaims":{"sub":"email"}}`,
		`{"rolesClaim":"cognito:username"}`,
		`{"attributeClaims":{"":"email"}}`,
		`{"attributeClaims":{"roles":"email"},"rolesClaim":"roles"}`,
		`{"unknownField":1}`,
		`{"attributeClaims":[]}`,
		// Claims Cognito owns, in any case (user-pool-lambda-pre-token-generation.html)
		`{"attributeClaims":{"Sub":"email"}}`,
		`{"attributeClaims":{"ISS":"email"}}`,
		`{"attributeClaims":{"event_id":"email"}}`,
		`{"attributeClaims":{"device_key":"email"}}`,
		`{"attributeClaims":{"version":"email"}}`,
		`{"attributeClaims":{"Token_Use":"email"}}`,
		`{"rolesClaim":"cognito:groups"}`,
		`{"rolesClaim":"Cognito:Groups"}`,
		`{"rolesClaim":"cognito:roles"}`,
		`{"rolesClaim":"cognito:preferred_role"}`,
		`{"attributeClaims":{"cognito:anything":"email"}}`,
		`{"attributeClaims":{"dev:custom:tier":"custom:tier"}}`,
		// Case folded as the verifier folds it (strings.EqualFold): the long s
		// (U+017F) and the Kelvin sign (U+212A) are case variants of s and k
		`{"attributeClaims":{"ſub":"email"}}`,
		`{"rolesClaim":"ſcope"}`,
		`{"attributeClaims":{"toKen_uſe":"email"}}`,
		// A list cannot go into claims Cognito keeps scalar
		`{"rolesClaim":"address"}`,
		`{"rolesClaim":"email_verified"}`,
		// Scopes are space-separated in the token: no blanks, no quotes (RFC 6749 section 3.3)
		`{"accessTokenScopes":["api/read write"]}`,
		`{"accessTokenScopes":[""]}`,
		`{"accessTokenScopes":["api/\"x"]}`,
		`{"accessTokenScopes":["api/t\u00e9st"]}`,
		`{"groupScopes":{"admins":["api/admin\tx"]}}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%s) = nil error", doc)
		}
	}
	for _, ok := range []string{
		`{"attributeClaims":{"tenant_id":"custom:tenant_id","cognitoish":"email"},"rolesClaim":"app_roles"}`,
		`{"accessTokenScopes":["api.example.com/read","https://api.example.com/write"],"groupScopes":{"admins":["api/admin"]}}`,
	} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Errorf("Parse(%s) = %v; want it accepted", ok, err)
		}
	}
}
