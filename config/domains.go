package config

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/authstack/authstack/internal/validate"
	"github.com/authstack/authstack/rules"
)

var (
	// ACM certificate ARNs. Source: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscertificatemanager.html#awscertificatemanager-resources-for-iam-policies
	certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate/[0-9a-f-]{36}$`)
	// Route 53 hosted zone ids, as GetHostedZone takes them (without "/hostedzone/").
	hostedZoneID = regexp.MustCompile(`^[A-Z0-9]{1,32}$`)
)

// validateDomains checks the custom-domain fields: names, the zone, the
// certificates.
func (c Config) validateDomains(v *collector) {
	names := []struct{ field, name, role string }{
		{"parentHostedZoneName", c.ParentHostedZoneName, "the zone that delegates the domains"},
		{"authDomainName", c.AuthDomainName, "the hosted UI's domain"},
		{"apiDomainName", c.APIDomainName, "the API's domain"},
	}
	if !c.CustomDomains {
		for _, n := range names {
			if n.name != "" {
				v.check(n.field, validate.DomainName(n.name))
			}
		}
		if c.Domains != (Domains{}) {
			v.add("domains", "is set, but customDomains is false: zones and certificates serve custom domains only; remove it, or turn customDomains on")
		}
		return
	}
	valid := map[string]bool{}
	existing := c.Domains.HostedZoneID != ""
	for _, n := range names {
		switch {
		case n.name == "" && n.field == "parentHostedZoneName" && existing && c.Domains.HostedZoneName != "":
			// Only names the default of domains.hostedZoneName.
		case n.name == "":
			v.add(n.field, "required with customDomains (%s); or set customDomains: false to keep the Cognito prefix domain and the execute-api URL", n.role)
		default:
			if err := validate.DomainName(n.name); err != nil {
				v.check(n.field, err)
			} else {
				valid[n.field] = true
			}
		}
	}
	zone, zoneField := c.ParentHostedZoneName, "parentHostedZoneName"
	if existing {
		if !hostedZoneID.MatchString(c.Domains.HostedZoneID) {
			v.add("domains.hostedZoneId", "%q is not a Route 53 hosted zone id (A-Z and 0-9, like Z0123456789ABCDEFGHIJ, without /hostedzone/)", c.Domains.HostedZoneID)
		}
		zone, zoneField = c.HostedZoneName(), "domains.hostedZoneName"
		if c.Domains.HostedZoneName != "" {
			if err := validate.DomainName(c.Domains.HostedZoneName); err != nil {
				v.check("domains.hostedZoneName", err)
				zone = ""
			}
		} else if !valid["parentHostedZoneName"] {
			zone = ""
		}
	} else if c.Domains.HostedZoneName != "" {
		v.add("domains.hostedZoneName", "%q is set without domains.hostedZoneId: it names an existing zone, give its id too (or remove it to let authstack create the zones)", c.Domains.HostedZoneName)
	} else if !valid["parentHostedZoneName"] {
		zone = ""
	}
	for _, d := range names[1:] {
		if !valid[d.field] || zone == "" {
			continue
		}
		switch {
		case d.name == zone && !existing:
			v.add(d.field, "%q is the parent zone itself; authstack creates a zone for it, delegated from %s, so it must be a name inside it (auth.%s)", d.name, zoneField, zone)
		case d.name == zone && d.field == "authDomainName":
			// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-add-custom-domain.html
			v.add(d.field, "%q is the apex of %s; Cognito creates a custom domain only when its parent domain has an A record, and the parent of an apex is outside your zone: use a name inside it (auth.%s)", d.name, zoneField, zone)
		default:
			if err := validate.InZone(d.name, zone); err != nil {
				v.add(d.field, "%v (%s)", err, zoneField)
			}
		}
	}
	if valid["authDomainName"] && valid["apiDomainName"] {
		auth, api := c.AuthDomainName, c.APIDomainName
		switch {
		case auth == api:
			v.add("apiDomainName", "%q is also authDomainName; the hosted UI and the API need a domain each", api)
		case !existing && (strings.HasSuffix(api, "."+auth) || strings.HasSuffix(auth, "."+api)):
			v.add("apiDomainName", "%q and authDomainName %q are nested; each gets its own zone delegated from %s, and the outer zone's delegation hides the inner one. Use sibling names, or an existing zone (domains.hostedZoneId)", api, auth, c.ParentHostedZoneName)
		}
	}
	c.checkCertificate(v, "domains.hostedUiCertificateArn", c.Domains.HostedUICertificateARN, CertificateRegion,
		"CloudFront, which serves the hosted UI's custom domain, reads certificates from us-east-1 only")
	c.checkCertificate(v, "domains.apiCertificateArn", c.Domains.APICertificateARN, c.Region,
		"a regional API endpoint takes a certificate of the API's region")
}

func (c Config) checkCertificate(v *collector, field, arn, region, why string) {
	if arn == "" {
		return
	}
	m := certificateARN.FindStringSubmatch(arn)
	switch {
	case m == nil:
		v.add(field, "%q is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/UUID)", arn)
	case m[1] != region:
		v.add(field, "%q is in %s; it must be in %s: %s", arn, m[1], region, why)
	case c.Account != "" && m[2] != c.Account:
		v.add(field, "%q belongs to account %s, not the stack's account %s", arn, m[2], c.Account)
	}
}

// redirectIntoDomains checks a callback or logout URL (already a valid
// redirect URL) that points inside the custom domains: what answers there
// is authstack's, so the URL must be something that answers.
func (c Config) redirectIntoDomains(raw string, logout bool) error {
	if !c.CustomDomains {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || !strings.EqualFold(u.Scheme, "https") {
		return nil
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	switch {
	case host == c.AuthDomainName && u.Port() != "" && u.Port() != "443":
		return fmt.Errorf("%q uses port %s; the hosted UI's domain answers on 443 only", raw, u.Port())
	case host == c.AuthDomainName && logout && strings.EqualFold(path, "/login"):
		// Back to managed login's sign-in page after signing out.
	case host == c.AuthDomainName:
		// Cognito serves every path of the domain (its pages, its endpoints,
		// its error page): nothing there reaches your app.
		// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-userpools-server-contract-reference.html
		if logout {
			return fmt.Errorf("%q is on authDomainName, where Cognito answers every path; a logout URL there can only be its sign-in page (https://%s/login?...), else use your app's own domain", raw, c.AuthDomainName)
		}
		return fmt.Errorf("%q is on authDomainName, where Cognito answers every path: the authorization code would never reach your app; use your app's own domain or a native scheme (app://...)", raw)
	case host == c.APIDomainName:
		if !rules.Routable(c.APIRules(), "GET", path) {
			return fmt.Errorf("%q is on apiDomainName, but the API has no GET route for %s (see api.rules); the redirect would end in an API Gateway error", raw, path)
		}
	case c.Domains.HostedZoneID == "" && (strings.HasSuffix(host, "."+c.AuthDomainName) || strings.HasSuffix(host, "."+c.APIDomainName)):
		return fmt.Errorf("%q is inside a zone authstack creates (%s or %s), which holds only their alias records: the name would not resolve", raw, c.AuthDomainName, c.APIDomainName)
	}
	return nil
}
