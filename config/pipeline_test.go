package config_test

import (
	"strings"
	"testing"

	"github.com/authstack/authstack/config"
)

func TestReferencePipelines(t *testing.T) {
	ps := config.ReferencePipelines()
	if len(ps) != 2 || ps[0].Name != "development" || ps[1].Name != "release" {
		t.Fatalf("reference pipelines = %+v; want development and release", ps)
	}
	if got := strings.Join(ps[1].Stages, ","); got != "test,production" || ps[1].StackName() != "authstack-pipeline-release" {
		t.Errorf("release = %s, %s", got, ps[1].StackName())
	}
}

func TestParsePipelinesRefusesBadInput(t *testing.T) {
	const good = `pipelines:
  p:
    account: "111111111111"
    region: eu-west-1
    repository: org/repo
    connectionArn: arn:aws:codeconnections:eu-west-1:111111111111:connection/00000000-0000-4000-8000-000000000000
    stages: [test]
`
	ps, err := config.ParsePipelines([]byte(good), "p.yaml", config.Reference())
	if err != nil || ps[0].Branch != "main" {
		t.Fatalf("good file: %+v %v; want branch main by default", ps, err)
	}
	for _, tc := range []struct{ from, to, want string }{
		{"stages: [test]", "stages: [test, staging]", `unknown environment "staging"`},
		{"stages: [test]", "stages: [test, test]", `"test" twice`},
		{"stages: [test]", "stages: []", "at least one environment"},
		{`account: "111111111111"`, `account: "1111"`, "account"},
		{"repository: org/repo", "repository: https://github.com/org/repo", "owner/name"},
		{"connectionArn: arn:aws:codeconnections", "connectionArn: arn:aws:codestar", "connectionArn"},
		{"stages: [test]", "stages: [test]\n    approvers: [x]", "field approvers not found"},
	} {
		_, err := config.ParsePipelines([]byte(strings.Replace(good, tc.from, tc.to, 1)), "p.yaml", config.Reference())
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "p.yaml") {
			t.Errorf("%s: err = %v; want %q and the file named", tc.to, err, tc.want)
		}
	}
}
