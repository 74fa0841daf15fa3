// Package guard stops a change that would make CloudFormation replace a
// Cognito user pool, which loses every user: it compares, at synth time,
// the properties Cognito cannot change after a pool is created with a
// committed lock of them (one per stack and pool), and fails naming the
// stack, the pool and the property.
//
// The properties (Cognito fixes them at creation; a template that changes
// them makes CloudFormation replace the pool, or fail the update):
//   - UsernameAttributes, AliasAttributes and UsernameConfiguration
//     (username case sensitivity);
//   - Schema: an attribute's type, constraints, mutability or required flag,
//     and removing one; adding a custom attribute is an update in place
//     (AddCustomAttributes), adding a standard one is not;
//   - the pool's logical id (a renamed construct is a new pool).
//
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html
//
// A deliberate migration (a new pool, users restored from a backup) names
// the stack in Allow; a lock is written with Update (authstack: make
// update-lock). In cmd/cdkapp: -c authstack:allowUserPoolReplacement=STACK
// and -c authstack:updateUserPoolLock=true.
package guard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
)

// LockVersion is the format version of a lock file.
const LockVersion = 1

// Lock is the committed lock file: by stack name, by the pool's logical
// id, the properties Cognito cannot change.
type Lock struct {
	Version int                             `json:"version"`
	Stacks  map[string]map[string]Immutable `json:"stacks"`
}

// Immutable are the properties of one AWS::Cognito::UserPool that a
// change would replace, as the template writes them.
type Immutable struct {
	UsernameAttributes    []string         `json:"UsernameAttributes,omitempty"`
	AliasAttributes       []string         `json:"AliasAttributes,omitempty"`
	UsernameConfiguration map[string]any   `json:"UsernameConfiguration,omitempty"`
	Schema                []map[string]any `json:"Schema,omitempty"`
}

// Template is a stack's synthesized template, by stack name.
type Template struct {
	StackName string
	Body      map[string]any // the template, as JSON decodes it
}

// Pools reads the immutable properties of every user pool in templates.
func Pools(templates []Template) (map[string]map[string]Immutable, error) {
	out := map[string]map[string]Immutable{}
	for _, t := range templates {
		resources, _ := t.Body["Resources"].(map[string]any)
		for id, r := range resources {
			r, _ := r.(map[string]any)
			if r["Type"] != "AWS::Cognito::UserPool" {
				continue
			}
			props, _ := r["Properties"].(map[string]any)
			b, err := json.Marshal(props)
			if err != nil {
				return nil, err
			}
			var im Immutable
			if err := json.Unmarshal(b, &im); err != nil {
				return nil, fmt.Errorf("guard: %s %s: %w", t.StackName, id, err)
			}
			if out[t.StackName] == nil {
				out[t.StackName] = map[string]Immutable{}
			}
			out[t.StackName][id] = im
		}
	}
	return out, nil
}

// Check compares the pools of templates with lock and returns every change
// that would replace a pool, except in the stacks of allow. A stack the
// lock does not know passes (a new environment: write its lock with Update
// once it is deployed).
func Check(templates []Template, lock *Lock, allow []string) error {
	pools, err := Pools(templates)
	if err != nil {
		return err
	}
	var problems []string
	for _, t := range templates {
		locked, ok := lock.Stacks[t.StackName]
		if !ok || slices.Contains(allow, t.StackName) {
			continue
		}
		now := pools[t.StackName]
		for _, id := range slices.Sorted(maps.Keys(locked)) {
			cur, ok := now[id]
			if !ok {
				others := slices.Sorted(maps.Keys(now))
				problems = append(problems, fmt.Sprintf("%s: the user pool %s is gone from the template (now: %v); a renamed construct is a new, empty pool", t.StackName, id, others))
				continue
			}
			for _, p := range compare(locked[id], cur) {
				problems = append(problems, fmt.Sprintf("%s: user pool %s: %s", t.StackName, id, p))
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("these changes would make CloudFormation replace a user pool and lose its users:\n  %s\n"+
		"Cognito cannot change them on an existing pool. For a deliberate migration (a new pool, users restored from a backup) "+
		"allow the stack (cdk: -c authstack:allowUserPoolReplacement=STACK), then update the lock (make update-lock)",
		strings.Join(problems, "\n  "))
}

// Unlocked lists the pools of templates the lock does not hold, which
// Check cannot protect ("STACK: user pool ID"): a new environment, a new
// pool in a locked stack, a stack renamed.
func Unlocked(templates []Template, lock *Lock) ([]string, error) {
	pools, err := Pools(templates)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, stack := range slices.Sorted(maps.Keys(pools)) {
		for _, id := range slices.Sorted(maps.Keys(pools[stack])) {
			if _, ok := lock.Stacks[stack][id]; !ok {
				out = append(out, stack+": user pool "+id)
			}
		}
	}
	return out, nil
}

// compare lists what differs between a locked pool and the template's.
func compare(locked, cur Immutable) []string {
	var out []string
	for _, f := range []struct {
		name     string
		old, new any
	}{
		{"UsernameAttributes", locked.UsernameAttributes, cur.UsernameAttributes},
		{"AliasAttributes", locked.AliasAttributes, cur.AliasAttributes},
		{"UsernameConfiguration", locked.UsernameConfiguration, cur.UsernameConfiguration},
	} {
		if !reflect.DeepEqual(norm(f.old), norm(f.new)) {
			out = append(out, fmt.Sprintf("%s changes from %s to %s", f.name, show(f.old), show(f.new)))
		}
	}
	byName := func(s []map[string]any) map[string]map[string]any {
		m := map[string]map[string]any{}
		for _, a := range s {
			name, _ := a["Name"].(string)
			m[name] = a
		}
		return m
	}
	old, now := byName(locked.Schema), byName(cur.Schema)
	for _, name := range slices.Sorted(maps.Keys(old)) {
		a, ok := now[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("Schema attribute %s is removed", name))
		case !reflect.DeepEqual(norm(old[name]), norm(a)):
			out = append(out, fmt.Sprintf("Schema attribute %s changes from %s to %s", name, show(old[name]), show(a)))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(now)) {
		if _, ok := old[name]; !ok && standard[name] {
			out = append(out, fmt.Sprintf("Schema attribute %s (a standard attribute) is added; only custom attributes can be added to an existing pool", name))
		}
	}
	return out
}

// standard are the OIDC standard attributes of a pool's schema.
// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
var standard = map[string]bool{
	"address": true, "birthdate": true, "email": true, "family_name": true, "gender": true, "given_name": true,
	"locale": true, "middle_name": true, "name": true, "nickname": true, "phone_number": true, "picture": true,
	"preferred_username": true, "profile": true, "sub": true, "updated_at": true, "website": true, "zoneinfo": true,
	"email_verified": true, "phone_number_verified": true,
}

// norm makes JSON values comparable (nil and empty alike).
func norm(v any) any {
	b, _ := json.Marshal(v)
	var out any
	json.Unmarshal(b, &out)
	switch x := out.(type) {
	case []any:
		if len(x) == 0 {
			return nil
		}
	case map[string]any:
		if len(x) == 0 {
			return nil
		}
	}
	return out
}

func show(v any) string {
	if norm(v) == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Read reads a lock file; a missing file is an empty lock.
func Read(path string) (*Lock, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Lock{Version: LockVersion, Stacks: map[string]map[string]Immutable{}}, nil
	}
	if err != nil {
		return nil, err
	}
	var l Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("guard: %s: %w", path, err)
	}
	if l.Version != LockVersion {
		return nil, fmt.Errorf("guard: %s has version %d; this guard reads %d", path, l.Version, LockVersion)
	}
	if l.Stacks == nil {
		l.Stacks = map[string]map[string]Immutable{}
	}
	return &l, nil
}

// Update records the pools of templates in lock (other stacks kept).
func Update(lock *Lock, templates []Template) error {
	pools, err := Pools(templates)
	if err != nil {
		return err
	}
	for _, t := range templates {
		if p, ok := pools[t.StackName]; ok {
			lock.Stacks[t.StackName] = p
		} else {
			delete(lock.Stacks, t.StackName)
		}
	}
	return nil
}

// Write writes lock to path (indented, sorted, with a final newline).
func Write(path string, lock *Lock) error {
	b, err := json.MarshalIndent(lock, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// FromAssembly reads the templates of a synthesized CDK app
// (awscdk.App.Synth's cloud assembly), every stack of every stage.
func FromAssembly(asm cxapi.CloudAssembly) ([]Template, error) {
	var out []Template
	for _, s := range *asm.Stacks() {
		b, err := json.Marshal(s.Template())
		if err != nil {
			return nil, err
		}
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			return nil, err
		}
		out = append(out, Template{StackName: *s.StackName(), Body: body})
	}
	for _, nested := range *asm.NestedAssemblies() {
		more, err := FromAssembly(nested.NestedAssembly())
		if err != nil {
			return nil, err
		}
		out = append(out, more...)
	}
	return out, nil
}
