package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

var update = flag.Bool("update", false, "rewrite the snapshot testdata/ShopAuth.template.json")

// synth builds the shop's stack as the app does, with cdk-nag.
func synth(t *testing.T) (awscdk.Stack, assertions.Template) {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack := NewShopAuth(app, "ShopAuth", &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-central-1")}})
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(nil), nil)
	return stack, assertions.Template_FromStack(stack, nil)
}

// has is Template.HasResourceProperties as an error, not a panic.
func has(tpl assertions.Template, typ string, props interface{}) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &assertionError{r}
		}
	}()
	tpl.HasResourceProperties(jsii.String(typ), props)
	return nil
}

type assertionError struct{ v interface{} }

func (e *assertionError) Error() string { b, _ := json.Marshal(e.v); return string(b) }

func TestShopStack(t *testing.T) {
	stack, tpl := synth(t)
	// GIVEN the shop's stack THEN authstack's pre sign-up function calls the
	// shop's hook, which it may invoke
	if err := has(tpl, "AWS::Lambda::Function", map[string]interface{}{
		"Environment": map[string]interface{}{"Variables": assertions.Match_ObjectLike(&map[string]interface{}{
			"AUTHSTACK_HOOK_FUNCTION": map[string]interface{}{"Fn::GetAtt": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_StringLikeRegexp(jsii.String("^SignUpGate"))})},
		})},
	}); err != nil {
		t.Error(err)
	}
	// AND GET /orders is behind authstack's authorizer
	if err := has(tpl, "AWS::ApiGateway::Method", map[string]interface{}{
		"HttpMethod": "GET", "AuthorizationType": "CUSTOM",
		"Integration": assertions.Match_ObjectLike(&map[string]interface{}{"Uri": assertions.Match_AnyValue()}),
		"ResourceId":  map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("orders"))},
	}); err != nil {
		t.Error(err)
	}
	// AND the identity pool has no storage (the one bucket is the backup's),
	// and the queue is subscribed to the user events
	tpl.ResourceCountIs(jsii.String("AWS::S3::Bucket"), jsii.Number(1))
	tpl.HasResourceProperties(jsii.String("AWS::S3::Bucket"), map[string]interface{}{"LifecycleConfiguration": map[string]interface{}{
		"Rules": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(&map[string]interface{}{"Id": "expire-backups"})}),
	}})
	tpl.ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(1))
	// AND cdk-nag's AwsSolutions checks find nothing unsuppressed
	for _, m := range *assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*"))) {
		b, _ := json.Marshal(m)
		t.Errorf("cdk-nag: %s", b)
	}
}

// assetHash matches the content hashes of function assets, which change
// with every build of authstack or of the shop's functions; the snapshot
// is about the template's shape.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}(\.zip)?`)

// TestSnapshot compares the template with testdata/ShopAuth.template.json,
// asset hashes aside. After an intended change: go test ./shopauth -update,
// and review the diff.
func TestSnapshot(t *testing.T) {
	_, tpl := synth(t)
	b, _ := json.MarshalIndent(tpl.ToJSON(), "", "  ")
	got := assetHash.ReplaceAllString(string(b), "<asset>") + "\n"
	path := filepath.Join("testdata", "ShopAuth.template.json")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./shopauth -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("the template differs from the snapshot at line %d:\n- %s\n+ %s\n(go test ./shopauth -update, then review the diff)", i+1, wl[i], gl[i])
			}
		}
		t.Fatalf("the template differs from the snapshot in length (%d vs %d lines)", len(gl), len(wl))
	}
}
