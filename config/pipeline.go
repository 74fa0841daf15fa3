package config

import (
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Pipeline is a CDK Pipelines deployment of environments (package
// pipeline): one source branch, a synth step that runs the tests, then the
// environments in order.
type Pipeline struct {
	// Name of the pipeline (its key in the file). The pipeline stack is
	// "authstack-pipeline-<name>".
	Name string `yaml:"-"`
	// Account and Region of the pipeline stack (the tooling account). Required.
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	// Repository is the source, "owner/name" on GitHub, GitHub Enterprise,
	// GitLab or Bitbucket. Required.
	Repository string `yaml:"repository"`
	// Branch to build. Default: "main".
	Branch string `yaml:"branch"`
	// ConnectionARN is the CodeStar (CodeConnections) connection to the
	// repository's host, created and authorized once in the console.
	// Required.
	// Source: https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections.html
	ConnectionARN string `yaml:"connectionArn"`
	// Stages are environment names deployed in this order. With more than
	// one, every stage but the last is followed by the smoke journey
	// (authctl smoke), and the last is preceded by a manual approval and a
	// backup of its user pool. Required.
	Stages []string `yaml:"stages"`
	// NotificationEmails subscribe to the operations topic: failed
	// executions and approvals waiting. Default: none (subscribe later).
	NotificationEmails []string `yaml:"notificationEmails"`
}

var (
	connectionARN = regexp.MustCompile(`^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection/[0-9a-f-]{36}$`)
	repositoryRE  = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
	emailRE       = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

//go:embed pipelines.yaml
var referencePipelinesYAML []byte

// ReferencePipelines returns the reference pipelines ("development" and
// "release"), validated against the reference environments.
func ReferencePipelines() []Pipeline {
	p, err := ParsePipelines(referencePipelinesYAML, "config/pipelines.yaml", Reference())
	if err != nil {
		panic(err) // the embedded file is tested
	}
	return p
}

// LoadPipelines reads a pipelines file (see ParsePipelines) whose stages
// name environments of envs.
func LoadPipelines(path string, envs []Config) ([]Pipeline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return ParsePipelines(data, path, envs)
}

// ParsePipelines reads a pipelines document, YAML or JSON:
//
//	pipelines:
//	  release:
//	    account: "111111111111"
//	    region: eu-west-1
//	    repository: owner/name
//	    branch: main
//	    connectionArn: arn:aws:codeconnections:...
//	    stages: [test, production]
//
// Unknown fields and invalid values are errors naming the pipeline and the
// field. Pipelines come back sorted by name.
func ParsePipelines(data []byte, source string, envs []Config) ([]Pipeline, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc struct {
		Pipelines map[string]Pipeline `yaml:"pipelines"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("config: %s: %v", source, err)
	}
	if len(doc.Pipelines) == 0 {
		return nil, fmt.Errorf("config: %s: pipelines: at least one pipeline is required", source)
	}
	var out []Pipeline
	for name, p := range doc.Pipelines {
		p.Name = name
		if p.Branch == "" {
			p.Branch = "main"
		}
		if err := p.Validate(envs); err != nil {
			return nil, fmt.Errorf("config: %s: pipelines.%s: %w", source, name, err)
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// SelectPipeline returns the pipeline called name.
func SelectPipeline(ps []Pipeline, name string) (Pipeline, error) {
	var names []string
	for _, p := range ps {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Pipeline{}, fmt.Errorf("config: no pipeline %q (there are %s)", name, strings.Join(names, ", "))
}

// StackName is the pipeline stack's name.
func (p Pipeline) StackName() string { return "authstack-pipeline-" + p.Name }

// Validate checks p; its stages must be environments of envs.
func (p Pipeline) Validate(envs []Config) error {
	switch {
	case !appNameRE.MatchString(p.Name):
		return fmt.Errorf("name %q: lower-case letters, digits and hyphens, at most 32", p.Name)
	case !accountRE.MatchString(p.Account):
		return fmt.Errorf("account %q: the 12-digit account of the pipeline", p.Account)
	case !regionRE.MatchString(p.Region):
		return fmt.Errorf("region %q is not an AWS region", p.Region)
	case !repositoryRE.MatchString(p.Repository):
		return fmt.Errorf("repository %q: want owner/name", p.Repository)
	case !connectionARN.MatchString(p.ConnectionARN):
		return fmt.Errorf("connectionArn %q: want arn:aws:codeconnections:REGION:ACCOUNT:connection/ID", p.ConnectionARN)
	case len(p.Stages) == 0:
		return fmt.Errorf("stages: at least one environment")
	}
	for _, e := range p.NotificationEmails {
		if !emailRE.MatchString(e) {
			return fmt.Errorf("notificationEmails: %q is not an email address", e)
		}
	}
	seen := map[string]bool{}
	for _, s := range p.Stages {
		if seen[s] {
			return fmt.Errorf("stages: %q twice", s)
		}
		seen[s] = true
		if _, err := Select(envs, s); err != nil {
			return fmt.Errorf("stages: %w", err)
		}
	}
	if last, _ := Select(envs, p.Stages[len(p.Stages)-1]); len(p.Stages) > 1 && !last.Backup.Enabled {
		return fmt.Errorf("stages: %s is deployed after an approval and a backup of its pool, but its backup is off (backup.enabled)", last.Environment)
	}
	return nil
}
