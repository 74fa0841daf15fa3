package guard_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/authstack/authstack/guard"
)

// golden is the development environment's golden template: a real pool.
func golden(t *testing.T) guard.Template {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "testdata", "golden", "authdev-development.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	return guard.Template{StackName: "authdev-development", Body: body}
}

// props returns the pool's Properties of tpl (to change in place).
func props(tpl guard.Template) map[string]any {
	return tpl.Body["Resources"].(map[string]any)["UserPool335E89E8"].(map[string]any)["Properties"].(map[string]any)
}

func TestReplacingChangesAreCaughtAndMutableOnesPass(t *testing.T) {
	lockOf := func() *guard.Lock {
		l := &guard.Lock{Version: guard.LockVersion, Stacks: map[string]map[string]guard.Immutable{}}
		if err := guard.Update(l, []guard.Template{golden(t)}); err != nil {
			t.Fatal(err)
		}
		return l
	}
	schema := func(p map[string]any) []any { return p["Schema"].([]any) }
	for _, tc := range []struct {
		name   string
		change func(guard.Template)
		want   string // "" passes
	}{
		{"nothing", func(guard.Template) {}, ""},
		{"a password policy", func(tpl guard.Template) {
			props(tpl)["Policies"] = map[string]any{"PasswordPolicy": map[string]any{"MinimumLength": 12}}
		}, ""},
		{"MFA", func(tpl guard.Template) { props(tpl)["MfaConfiguration"] = "ON" }, ""},
		{"a custom attribute added", func(tpl guard.Template) {
			props(tpl)["Schema"] = append(schema(props(tpl)), map[string]any{"Name": "tenant_id", "AttributeDataType": "String", "Mutable": true})
		}, ""},
		{"username attributes", func(tpl guard.Template) { props(tpl)["UsernameAttributes"] = []any{"email", "phone_number"} },
			`UsernameAttributes changes from ["email"] to ["email","phone_number"]`},
		{"alias attributes instead", func(tpl guard.Template) {
			delete(props(tpl), "UsernameAttributes")
			props(tpl)["AliasAttributes"] = []any{"email"}
		}, `AliasAttributes changes from (none) to ["email"]`},
		{"case sensitivity", func(tpl guard.Template) { props(tpl)["UsernameConfiguration"] = map[string]any{"CaseSensitive": true} },
			`UsernameConfiguration changes from {"CaseSensitive":false} to {"CaseSensitive":true}`},
		{"a schema attribute made required", func(tpl guard.Template) {
			for _, a := range schema(props(tpl)) {
				if a.(map[string]any)["Name"] == "name" {
					a.(map[string]any)["Required"] = true
				}
			}
		}, `Schema attribute name changes from {"Mutable":true,"Name":"name","Required":false} to {"Mutable":true,"Name":"name","Required":true}`},
		{"a schema attribute removed", func(tpl guard.Template) { props(tpl)["Schema"] = schema(props(tpl))[:1] }, "Schema attribute name is removed"},
		{"a standard attribute added", func(tpl guard.Template) {
			props(tpl)["Schema"] = append(schema(props(tpl)), map[string]any{"Name": "birthdate", "Mutable": true, "Required": false})
		}, "Schema attribute birthdate (a standard attribute) is added"},
		{"the pool's construct renamed", func(tpl guard.Template) {
			r := tpl.Body["Resources"].(map[string]any)
			r["UsersABCDEF12"] = r["UserPool335E89E8"]
			delete(r, "UserPool335E89E8")
		}, "the user pool UserPool335E89E8 is gone from the template (now: [UsersABCDEF12])"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// GIVEN the lock of the deployed pool WHEN the template changes
			lock := lockOf()
			tpl := golden(t)
			tc.change(tpl)
			err := guard.Check([]guard.Template{tpl}, lock, nil)
			// THEN a replacing change fails naming the stack, the pool and the property
			if tc.want == "" {
				if err != nil {
					t.Errorf("Check = %v; want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "authdev-development: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Check = %v; want %q", err, tc.want)
			}
			// AND an allowed migration passes
			if err := guard.Check([]guard.Template{tpl}, lock, []string{"authdev-development"}); err != nil {
				t.Errorf("allowed: %v", err)
			}
		})
	}
	// A stack the lock does not know (a new environment) passes.
	if err := guard.Check([]guard.Template{golden(t)}, &guard.Lock{Version: 1, Stacks: map[string]map[string]guard.Immutable{}}, nil); err != nil {
		t.Errorf("new stack: %v", err)
	}
}

func TestLockFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "userpool.lock.json")
	l, err := guard.Read(path)
	if err != nil || len(l.Stacks) != 0 {
		t.Fatalf("missing lock: %v, %v", l, err)
	}
	if err := guard.Update(l, []guard.Template{golden(t)}); err != nil {
		t.Fatal(err)
	}
	if err := guard.Write(path, l); err != nil {
		t.Fatal(err)
	}
	back, err := guard.Read(path)
	if err != nil || len(back.Stacks["authdev-development"]) != 1 {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	os.WriteFile(path, []byte(`{"version":9}`), 0o644)
	if _, err := guard.Read(path); err == nil || !strings.Contains(err.Error(), "version 9") {
		t.Errorf("unknown version: %v", err)
	}
}
