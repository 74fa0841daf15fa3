package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed reference.yaml
var referenceYAML []byte

// Reference returns the three reference environments (development, test and
// production), validated, in that order. They reproduce the reference design's
// parameter files.
func Reference() []Config {
	envs, err := Parse(referenceYAML, "config/reference.yaml")
	if err != nil {
		// The embedded file is tested; this is a programming error.
		panic(err)
	}
	return envs
}

// LoadFile reads a YAML or JSON config file (see Parse for its shape).
func LoadFile(path string) ([]Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// document is the shape of a config file.
type document struct {
	// Defaults apply to every environment of the file.
	Defaults Config `yaml:"defaults"`
	// Environments maps an environment name to its settings.
	Environments map[string]Config `yaml:"environments"`
}

// Parse reads a config document, YAML or JSON:
//
//	defaults:            # optional: applied to every environment
//	  region: eu-west-1
//	environments:        # required: one stack per entry, in this order
//	  development:
//	    appName: authdev
//	    ...
//
// Each environment is Base(), overlaid with "defaults", overlaid with its own
// section (maps such as tags merge; lists replace). Unknown fields, wrong
// types and invalid values are errors that name the source, the environment,
// the field and the bad value. source names the document in errors.
func Parse(data []byte, source string) ([]Config, error) {
	// Strict pass: unknown fields and type errors, with line numbers.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	var doc document
	if err := strict.Decode(&doc); err != nil {
		return nil, fmt.Errorf("config: %s: %v", source, err)
	}

	// Layering pass on the node tree, keeping the document's order.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("config: %s: %v", source, err)
	}
	top := mapping(&root)
	defaults, envsNode := field(top, "defaults"), field(top, "environments")
	if envsNode == nil || len(envsNode.Content) == 0 {
		return nil, fmt.Errorf("config: %s: environments: at least one environment is required", source)
	}
	var envs []Config
	var errs []error
	for i := 0; i+1 < len(envsNode.Content); i += 2 {
		name := envsNode.Content[i].Value
		c := Base()
		for _, layer := range []*yaml.Node{defaults, envsNode.Content[i+1]} {
			if layer == nil {
				continue
			}
			if err := layer.Decode(&c); err != nil {
				return nil, fmt.Errorf("config: %s: environments.%s: %v", source, name, err)
			}
		}
		c.Environment = name
		if err := c.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config: %s: environments.%s: %w", source, name, err))
			continue
		}
		envs = append(envs, c)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if err := uniqueStackNames(envs); err != nil {
		return nil, fmt.Errorf("config: %s: %w", source, err)
	}
	return envs, nil
}

// Select returns the environment called name.
func Select(envs []Config, name string) (Config, error) {
	names := make([]string, len(envs))
	for i, c := range envs {
		if c.Environment == name {
			return c, nil
		}
		names[i] = c.Environment
	}
	return Config{}, fmt.Errorf("config: unknown environment %q; known: %s", name, strings.Join(names, ", "))
}

func uniqueStackNames(envs []Config) error {
	seen := map[string]string{}
	for _, c := range envs {
		if other, ok := seen[c.StackName()]; ok {
			return fmt.Errorf("environments %s and %s both give the stack name %q", other, c.Environment, c.StackName())
		}
		seen[c.StackName()] = c.Environment
	}
	return nil
}

func mapping(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		return n.Content[0]
	}
	return n
}

func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
