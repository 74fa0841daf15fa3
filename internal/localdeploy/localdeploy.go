// Package localdeploy describes a deployment into the local AWS emulator
// (`make local`): the state file cmd/local writes to .local/local.json and
// that `make local-stop`, the end-to-end journey and authctl read, and how
// a deployed URL maps onto the emulator.
package localdeploy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// DefaultPath is where `make local` writes its State, relative to the repository root.
const DefaultPath = ".local/local.json"

// State describes a running local deployment (make local): written by
// cmd/local to .local/local.json, read by `make local-stop`, the journey
// test and authctl.
type State struct {
	// Endpoint and Region of the emulator.
	Endpoint string `json:"endpoint"`
	Region   string `json:"region"`
	// PID of the emulator process (its process group holds the functions).
	PID int `json:"pid"`
	// Log is the emulator's log file.
	Log string `json:"log"`
	// Stack is the deployed stack's name; Outputs its outputs.
	Stack   string            `json:"stack"`
	Outputs map[string]string `json:"outputs"`
}

// ReadState reads a State file.
func ReadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &st, nil
}

// WriteState writes st to path, readable by its owner only.
func WriteState(path string, st *State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o600)
}

// InvokeURL turns a REST API's invoke URL as CloudFormation reports it
// (https://API_ID.execute-api.REGION.amazonaws.com/STAGE/) into the
// emulator's equivalent (ENDPOINT/_aws/execute-api/API_ID/STAGE/).
func InvokeURL(endpoint, apiURL string) (string, error) {
	u, err := url.Parse(apiURL)
	if err != nil {
		return "", err
	}
	id, _, ok := strings.Cut(u.Host, ".execute-api.")
	if !ok || id == "" {
		return "", fmt.Errorf("emulator: %q is not an execute-api URL", apiURL)
	}
	return strings.TrimSuffix(endpoint, "/") + "/_aws/execute-api/" + id + u.Path, nil
}

// Route maps a URL the deployment reports (an API invoke URL, a custom
// domain's URL, the hosted UI's) onto the emulator at endpoint: the URL to
// send the request to and, for a custom domain, the Host header that
// selects it there (empty for an execute-api URL, which maps by path).
func Route(endpoint, rawURL string) (target, host string, err error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", "", err
	}
	if strings.Contains(u.Host, ".execute-api.") {
		target, err = InvokeURL(endpoint, rawURL)
		return target, "", err
	}
	target = strings.TrimSuffix(endpoint, "/") + u.EscapedPath()
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	return target, u.Host, nil
}

// Transport sends every request to the emulator at Endpoint as Route maps
// it, so code written for the deployed URLs runs unchanged against a local
// deployment.
type Transport struct {
	// Endpoint of the emulator (http://127.0.0.1:PORT). Required.
	Endpoint string
	// Base sends the rewritten requests. Default: http.DefaultTransport.
	Base http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	target, host, err := Route(t.Endpoint, req.URL.String())
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.URL, r.Host = u, host
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r)
}
