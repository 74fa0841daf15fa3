package validate

import "testing"

func TestRedirectURL(t *testing.T) {
	good := []string{
		"https://auth.example.com/auth/callback",
		"app://auth/callback",
		"com.example.app:/oauth2redirect",
		"http://localhost:3000/cb",
		"http://127.0.0.1/cb",
	}
	for _, u := range good {
		if err := RedirectURL(u); err != nil {
			t.Errorf("RedirectURL(%q) = %v; want nil", u, err)
		}
	}
	bad := []string{
		"", "/relative/path", "http://example.com/cb", "https://example.com/cb#frag",
		"javascript://alert(1)", "https:///nohost", "https://" + string(make([]byte, 1100)),
		"1bad://scheme",
	}
	for _, u := range bad {
		if err := RedirectURL(u); err == nil {
			t.Errorf("RedirectURL(%q) = nil; want an error", u)
		}
	}
}

func TestDomainName(t *testing.T) {
	for _, d := range []string{"auth.example.com", "a.b", "x-1.example.co.uk"} {
		if err := DomainName(d); err != nil {
			t.Errorf("DomainName(%q) = %v; want nil", d, err)
		}
	}
	for _, d := range []string{"", "localhost", "Auth.example.com", "-a.example.com", "a..b", "a_b.example.com", "example.com."} {
		if err := DomainName(d); err == nil {
			t.Errorf("DomainName(%q) = nil; want an error", d)
		}
	}
}

func TestInZone(t *testing.T) {
	if err := InZone("auth.example.com", "example.com"); err != nil {
		t.Error(err)
	}
	if err := InZone("example.com", "example.com"); err != nil {
		t.Error(err)
	}
	for _, n := range []string{"auth.other.com", "badexample.com"} {
		if InZone(n, "example.com") == nil {
			t.Errorf("InZone(%q, example.com) = nil; want an error", n)
		}
	}
}

func TestCognitoDomainPrefix(t *testing.T) {
	if err := CognitoDomainPrefix("auth-production"); err != nil {
		t.Error(err)
	}
	for _, p := range []string{"", "Auth", "my-aws-login", "amazonia", "cognito-x", "-x", "x-", "a_b"} {
		if CognitoDomainPrefix(p) == nil {
			t.Errorf("CognitoDomainPrefix(%q) = nil; want an error", p)
		}
	}
}

func TestScopeAndGroupNames(t *testing.T) {
	if ScopeName("client") != nil || ScopeName("read:users") != nil {
		t.Error("valid scope names rejected")
	}
	for _, s := range []string{"", "a b", "a/b", `a"b`, `a\b`} {
		if ScopeName(s) == nil {
			t.Errorf("ScopeName(%q) = nil; want an error", s)
		}
	}
	if GroupName("auth-test-public-app-user") != nil {
		t.Error("valid group name rejected")
	}
	for _, s := range []string{"", "has space", string(make([]rune, 129))} {
		if GroupName(s) == nil {
			t.Errorf("GroupName(%q) = nil; want an error", s)
		}
	}
}

func TestTokenLifetimes(t *testing.T) {
	for _, m := range []float64{5, 15, 1440} {
		if err := TokenMinutes(m); err != nil {
			t.Errorf("TokenMinutes(%v) = %v", m, err)
		}
	}
	for _, m := range []float64{0, 4, 1441} {
		if err := TokenMinutes(m); err == nil {
			t.Errorf("TokenMinutes(%v) = nil; want an error", m)
		}
	}
	if err := RefreshTokenMinutes(59); err == nil || err.Error() != "59 minutes is outside Cognito's range of 60 minutes to 10 years (5256000 minutes)" {
		t.Errorf("RefreshTokenMinutes(59) = %v", err)
	}
	if err := RefreshTokenMinutes(30 * 24 * 60); err != nil {
		t.Error(err)
	}
}

func TestResourceServer(t *testing.T) {
	for _, id := range []string{"api.example.com", "https://api.example.com/orders"} {
		if err := ResourceServerIdentifier(id); err != nil {
			t.Errorf("ResourceServerIdentifier(%q) = %v", id, err)
		}
		if name := ResourceServerNameFrom(id); ResourceServerName(name) != nil {
			t.Errorf("ResourceServerNameFrom(%q) = %q, which is not a valid name", id, name)
		}
	}
	if got := ResourceServerNameFrom("https://api.example.com/orders"); got != "api.example.com-orders" {
		t.Errorf("ResourceServerNameFrom = %q; want api.example.com-orders", got)
	}
	for _, id := range []string{"", "has space", `a"b`, `a\b`} {
		if ResourceServerIdentifier(id) == nil {
			t.Errorf("ResourceServerIdentifier(%q) = nil; want an error", id)
		}
	}
	if ResourceServerName("a/b") == nil {
		t.Error(`ResourceServerName("a/b") = nil; want an error`)
	}
}
