package localdeploy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInvokeURL(t *testing.T) {
	for _, tc := range []struct{ api, want, err string }{
		{"https://826a0469.execute-api.eu-west-1.amazonaws.com/v1/", "http://127.0.0.1:4566/_aws/execute-api/826a0469/v1/", ""},
		{"https://abc12345.execute-api.cn-north-1.amazonaws.com.cn/prod/", "http://127.0.0.1:4566/_aws/execute-api/abc12345/prod/", ""},
		{"https://api.example.com/v1/", "", "not an execute-api URL"},
	} {
		got, err := InvokeURL("http://127.0.0.1:4566/", tc.api)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("InvokeURL(%q) = %q, %v; want error %q", tc.api, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("InvokeURL(%q) = %q, %v; want %q", tc.api, got, err, tc.want)
		}
	}
}

func TestRoute(t *testing.T) {
	const ep = "http://127.0.0.1:4566"
	for _, tc := range []struct{ in, target, host string }{
		{"https://api.dev.example.com/user?x=1", ep + "/user?x=1", "api.dev.example.com"},
		{"https://auth.dev.example.com/oauth2/token", ep + "/oauth2/token", "auth.dev.example.com"},
		{"https://826a0469.execute-api.eu-west-1.amazonaws.com/v1/user", ep + "/_aws/execute-api/826a0469/v1/user", ""},
	} {
		target, host, err := Route(ep+"/", tc.in)
		if err != nil || target != tc.target || host != tc.host {
			t.Errorf("Route(%q) = %q, %q, %v; want %q, %q", tc.in, target, host, err, tc.target, tc.host)
		}
	}
}

func TestTransport(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r }))
	defer srv.Close()
	c := &http.Client{Transport: &Transport{Endpoint: srv.URL}}
	resp, err := c.Get("https://api.dev.example.com/v1/guest")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got == nil || got.Host != "api.dev.example.com" || got.URL.Path != "/v1/guest" {
		t.Errorf("the emulator got %+v; want /v1/guest for host api.dev.example.com", got)
	}
}
