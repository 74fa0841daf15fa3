// Package config is authstack's typed, per-environment configuration.
//
// Reference returns the three embedded reference environments (development,
// test, production); LoadFile and Parse read a user's own YAML or JSON file of
// the same shape; Select picks one environment by name. Every value is
// validated when loaded, and errors name the file, the environment, the field
// and the bad value, for example:
//
//	config: my.yaml: environments.prod: tokens.accessTokenValidityMinutes: 2 minutes is outside Cognito's range of 5 minutes to 1 day (1440 minutes)
//
// This package does not import the CDK, so command-line tools and Lambda
// functions can read the same configuration.
package config
