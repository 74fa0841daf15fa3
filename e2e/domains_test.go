//go:build e2e

package e2e

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/localdeploy"
)

// apiBase is where the journey sends API requests: the emulator's path
// for an execute-api URL, or the emulator's root with the custom domain
// as Host (API Gateway routes a custom domain by Host, as the emulator
// does).
func apiBase(endpoint, apiURL string) (base, host string, err error) {
	return localdeploy.Route(endpoint, apiURL)
}

// parentDomain is name without its first label (auth.example.com: example.com).
func parentDomain(name string) string {
	_, parent, _ := strings.Cut(name, ".")
	return parent
}

// customDomains checks what the custom domains deployed: Cognito's domain
// ACTIVE with the us-east-1 certificate, the alias records that make both
// names resolve, the API's execute-api endpoint off, and outputs on the
// custom names. The API calls of the journey then all go through the API's
// custom domain.
func (j *journey) customDomains() {
	ctx, out := j.ctx, j.out
	base, err := url.Parse(out[contract.OutputHostedUIBaseURL])
	if err != nil || strings.HasSuffix(base.Host, ".amazoncognito.com") {
		j.skip("custom domains", "the stack uses the Cognito prefix domain")
		return
	}
	authDomain, apiDomain := base.Host, j.apiHost
	j.step("outputs: hosted UI, sign-in URLs and API on the custom domains", func() error {
		if out[contract.OutputHostedUIBaseURL] != "https://"+authDomain || apiDomain == "" || out[contract.OutputAPIURL] != "https://"+apiDomain+"/" {
			return fmt.Errorf("HostedUiBaseUrl %q, ApiUrl %q", out[contract.OutputHostedUIBaseURL], out[contract.OutputAPIURL])
		}
		if !strings.HasPrefix(out[contract.OutputSignInURL("Web")], "https://"+authDomain+"/login?client_id="+out[contract.OutputClientID("Web")]+"&") {
			return fmt.Errorf("WebSignInUrl %q is not on %s", out[contract.OutputSignInURL("Web")], authDomain)
		}
		return nil
	})
	var distribution, certificateARN string
	j.step("DescribeUserPoolDomain: "+authDomain+" ACTIVE, of the pool, with its CloudFront distribution", func() error {
		d, err := j.idp.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String(authDomain)})
		if err != nil {
			return err
		}
		dd := d.DomainDescription
		if dd == nil || dd.Status != "ACTIVE" || aws.ToString(dd.UserPoolId) != out[contract.OutputUserPoolID] || aws.ToString(dd.CloudFrontDistribution) == "" || dd.CustomDomainConfig == nil {
			return fmt.Errorf("domain description %+v", dd)
		}
		distribution, certificateARN = aws.ToString(dd.CloudFrontDistribution), aws.ToString(dd.CustomDomainConfig.CertificateArn)
		return nil
	})
	j.step("the domain's certificate is the certificate stack's, issued in us-east-1 for "+authDomain, func() error {
		east := j.cfg.Copy()
		east.Region = "us-east-1"
		c, err := acm.NewFromConfig(east).DescribeCertificate(ctx, &acm.DescribeCertificateInput{CertificateArn: aws.String(certificateARN)})
		if err != nil {
			return fmt.Errorf("certificate %s in us-east-1: %w", certificateARN, err)
		}
		if aws.ToString(c.Certificate.DomainName) != authDomain || string(c.Certificate.Status) != "ISSUED" {
			return fmt.Errorf("certificate %s: %s %s", certificateARN, aws.ToString(c.Certificate.DomainName), c.Certificate.Status)
		}
		return nil
	})
	r53 := route53.NewFromConfig(j.cfg)
	aliases := func(name string) (map[r53types.RRType]*r53types.AliasTarget, error) {
		zones, err := r53.ListHostedZonesByName(ctx, &route53.ListHostedZonesByNameInput{DNSName: aws.String(name + ".")})
		if err != nil {
			return nil, err
		}
		found := map[r53types.RRType]*r53types.AliasTarget{}
		for _, z := range zones.HostedZones {
			if aws.ToString(z.Name) != name+"." {
				continue
			}
			rs, err := r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: z.Id})
			if err != nil {
				return nil, err
			}
			for _, r := range rs.ResourceRecordSets {
				if strings.TrimSuffix(aws.ToString(r.Name), ".") == name && r.AliasTarget != nil {
					found[r.Type] = r.AliasTarget
				}
			}
		}
		if found[r53types.RRTypeA] == nil || found[r53types.RRTypeAaaa] == nil {
			return nil, fmt.Errorf("%s has alias records %v; want A and AAAA", name, found)
		}
		return found, nil
	}
	j.step("Route 53: A and AAAA aliases of "+authDomain+" target the distribution in CloudFront's zone", func() error {
		found, err := aliases(authDomain)
		if err != nil {
			return err
		}
		for typ, a := range found {
			// Route 53's documented hosted zone of every CloudFront alias target.
			// Source: https://docs.aws.amazon.com/Route53/latest/APIReference/API_AliasTarget.html
			if strings.TrimSuffix(aws.ToString(a.DNSName), ".") != distribution || aws.ToString(a.HostedZoneId) != "Z2FDTNDATAQYW2" {
				return fmt.Errorf("%s alias of %s: %s in %s; want %s in Z2FDTNDATAQYW2", typ, authDomain, aws.ToString(a.DNSName), aws.ToString(a.HostedZoneId), distribution)
			}
		}
		return nil
	})
	apigw := apigateway.NewFromConfig(j.cfg)
	j.step("Route 53: A and AAAA aliases of "+apiDomain+" target the API's regional domain name", func() error {
		d, err := apigw.GetDomainName(ctx, &apigateway.GetDomainNameInput{DomainName: aws.String(apiDomain)})
		if err != nil {
			return err
		}
		found, err := aliases(apiDomain)
		if err != nil {
			return err
		}
		for typ, a := range found {
			if strings.TrimSuffix(aws.ToString(a.DNSName), ".") != strings.TrimSuffix(aws.ToString(d.RegionalDomainName), ".") {
				return fmt.Errorf("%s alias of %s: %s; want %s", typ, apiDomain, aws.ToString(a.DNSName), aws.ToString(d.RegionalDomainName))
			}
		}
		return nil
	})
	j.step("the API is mapped at the root of "+apiDomain, func() error {
		maps, err := apigw.GetBasePathMappings(ctx, &apigateway.GetBasePathMappingsInput{DomainName: aws.String(apiDomain)})
		if err != nil {
			return err
		}
		if len(maps.Items) != 1 || (aws.ToString(maps.Items[0].BasePath) != "" && aws.ToString(maps.Items[0].BasePath) != "(none)") {
			return fmt.Errorf("base path mappings on %s: %+v; want one, at the root", apiDomain, maps.Items)
		}
		return nil
	})
	j.skip("the API's execute-api endpoint is disabled", "the emulator's CloudFormation create drops RestApi DisableExecuteApiEndpoint, and routes execute-api requests regardless; the template's value is a construct test")
}
