package customresource

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/cfn"
	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
	"github.com/aws/smithy-go"

	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/internal/test/testevents"
)

// cloudFormation receives the provider's answers, as CloudFormation's
// pre-signed ResponseURL does (an HTTP PUT of the response document).
type cloudFormation struct {
	*httptest.Server
	mu      sync.Mutex
	answers []cfn.Response
	at      []time.Time
}

func newCloudFormation(t *testing.T) *cloudFormation {
	c := &cloudFormation{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut {
			t.Errorf("answer sent with %s; CloudFormation takes a PUT", r.Method)
		}
		var resp cfn.Response
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &resp); err != nil {
			t.Errorf("answer %s: %v", b, err)
		}
		c.mu.Lock()
		c.answers, c.at = append(c.answers, resp), append(c.at, time.Now())
		c.mu.Unlock()
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *cloudFormation) last(t *testing.T) cfn.Response {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.answers) != 1 {
		t.Fatalf("%d answers; CloudFormation takes exactly one", len(c.answers))
	}
	a := c.answers[0]
	c.answers, c.at = nil, nil
	return a
}

// request is the Create request of the CloudFormation documentation's
// sample, for typ with props, answered to cf.
func request(t *testing.T, cf *cloudFormation, typ string, props map[string]interface{}) cfn.Event {
	var ev cfn.Event
	testevents.Decode(t, "aws/cfn-custom-resource-create.json", &ev)
	ev.ResponseURL, ev.ResourceType, ev.ResourceProperties = cf.URL, typ, props
	return ev
}

func invoke(ctx context.Context, r *Router, ev cfn.Event) {
	// What functions/customresources runs: aws-lambda-go's protocol wrapper.
	_, _ = cfn.LambdaWrap(r.Handle)(ctx, ev)
}

func TestCustomDomainAgainstMoto(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	idp, r53 := cip.NewFromConfig(awsCfg), route53.NewFromConfig(awsCfg)
	pool, err := idp.CreateUserPool(ctx, &cip.CreateUserPoolInput{PoolName: aws.String("shop")})
	if err != nil {
		t.Fatal(err)
	}
	poolID := aws.ToString(pool.UserPool.Id)
	if _, err := idp.CreateUserPoolDomain(ctx, &cip.CreateUserPoolDomainInput{UserPoolId: aws.String(poolID), Domain: aws.String("auth.shop.example.com"),
		CustomDomainConfig: &ciptypes.CustomDomainConfigType{CertificateArn: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/0a0a0a0a-1111-2222-3333-444444444444")}}); err != nil {
		t.Fatal(err)
	}
	zone, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("shop.example.com"), CallerReference: aws.String("t")})
	if err != nil {
		t.Fatal(err)
	}
	noDNS := fakeResolver{err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}
	router := &Router{Handlers: map[string]Handler{
		TypeParentARecord:        &ParentARecord{Route53: r53, DNS: noDNS},
		TypeUserPoolDomainActive: &UserPoolDomainActive{Cognito: idp, Interval: 10 * time.Millisecond},
	}}
	cf := newCloudFormation(t)
	domainProps := map[string]interface{}{"Domain": "auth.shop.example.com", "UserPoolId": poolID}

	// GIVEN the parent zone without an A record at shop.example.com
	// THEN the precondition fails, saying what to create and where
	invoke(ctx, router, request(t, cf, TypeParentARecord, domainProps))
	a := cf.last(t)
	if a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "create an A record for shop.example.com") ||
		!strings.Contains(a.Reason, "hosted zone shop.example.com.") {
		t.Errorf("answer = %+v; want FAILED naming the record and the zone", a)
	}
	// WHEN the A record exists THEN the precondition passes
	if _, err := r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id,
		ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{
			Name: aws.String("shop.example.com."), Type: r53types.RRTypeA, TTL: aws.Int64(300), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String("192.0.2.10")}},
		}}}}}); err != nil {
		t.Fatal(err)
	}
	invoke(ctx, router, request(t, cf, TypeParentARecord, domainProps))
	if a := cf.last(t); a.Status != cfn.StatusSuccess || a.PhysicalResourceID != "parent-a-record:auth.shop.example.com" {
		t.Errorf("answer = %+v; want SUCCESS", a)
	}
	// AND the domain's wait answers with the distribution Cognito reports
	want, _ := idp.DescribeUserPoolDomain(ctx, &cip.DescribeUserPoolDomainInput{Domain: aws.String("auth.shop.example.com")})
	invoke(ctx, router, request(t, cf, TypeUserPoolDomainActive, domainProps))
	a = cf.last(t)
	if a.Status != cfn.StatusSuccess || a.Data["CloudFrontDistribution"] != aws.ToString(want.DomainDescription.CloudFrontDistribution) ||
		!strings.HasSuffix(a.Data["CloudFrontDistribution"].(string), ".cloudfront.net") {
		t.Errorf("answer = %+v; want SUCCESS with %s", a, aws.ToString(want.DomainDescription.CloudFrontDistribution))
	}
	// AND a domain of another pool, or none, fails
	other := request(t, cf, TypeUserPoolDomainActive, map[string]interface{}{"Domain": "auth.shop.example.com", "UserPoolId": "eu-west-1_other"})
	invoke(ctx, router, other)
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "belongs to the user pool") {
		t.Errorf("answer = %+v", a)
	}
	invoke(ctx, router, request(t, cf, TypeUserPoolDomainActive, map[string]interface{}{"Domain": "login.shop.example.com", "UserPoolId": poolID}))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "no Cognito domain login.shop.example.com") {
		t.Errorf("answer = %+v", a)
	}
}

func TestParentInPublicDNS(t *testing.T) {
	// GIVEN no hosted zone of the parent in the account THEN public DNS decides
	cf := newCloudFormation(t)
	props := map[string]interface{}{"Domain": "auth.example.org"}
	for _, tc := range []struct {
		dns  fakeResolver
		want cfn.StatusType
	}{
		{fakeResolver{addrs: []net.IPAddr{{IP: net.ParseIP("192.0.2.1")}}}, cfn.StatusSuccess},
		{fakeResolver{addrs: []net.IPAddr{{IP: net.ParseIP("2001:db8::1")}}}, cfn.StatusFailed}, // AAAA only
		{fakeResolver{err: &net.DNSError{Err: "no such host", Name: "example.org", IsNotFound: true}}, cfn.StatusFailed},
	} {
		r := &Router{Handlers: map[string]Handler{TypeParentARecord: &ParentARecord{Route53: noZones{}, DNS: tc.dns}}}
		invoke(context.Background(), r, request(t, cf, TypeParentARecord, props))
		if a := cf.last(t); a.Status != tc.want || tc.want == cfn.StatusFailed && !strings.Contains(a.Reason, "public DNS has none") {
			t.Errorf("DNS %+v: answer %+v; want %s", tc.dns, a, tc.want)
		}
	}
}

// The waits and failures a real domain goes through, with a Cognito that
// answers them in turn.
func TestDomainWaitIsBounded(t *testing.T) {
	props := map[string]interface{}{"Domain": "auth.shop.example.com", "UserPoolId": "eu-west-1_shop"}
	active := &ciptypes.DomainDescriptionType{Domain: aws.String("auth.shop.example.com"), UserPoolId: aws.String("eu-west-1_shop"),
		Status: ciptypes.DomainStatusTypeActive, CloudFrontDistribution: aws.String("d111111abcdef8.cloudfront.net")}
	creating := *active
	creating.Status = ciptypes.DomainStatusTypeCreating
	failed := *active
	failed.Status = ciptypes.DomainStatusTypeFailed
	throttled := errors.New("operation error Cognito Identity Provider: DescribeUserPoolDomain, TooManyRequestsException: Rate exceeded")

	for _, tc := range []struct {
		name    string
		answers []interface{} // *DomainDescriptionType or error, the last repeats
		status  cfn.StatusType
		reason  string
	}{
		{"creating, then active", []interface{}{&creating, &creating, active}, cfn.StatusSuccess, ""},
		{"throttled, then active (retried)", []interface{}{throttled, throttled, active}, cfn.StatusSuccess, ""},
		{"failed", []interface{}{&creating, &failed}, cfn.StatusFailed, "is FAILED in Cognito"},
		{"never active: answered FAILED before the invocation's deadline", []interface{}{&creating}, cfn.StatusFailed, "still CREATING after"},
		{"never readable", []interface{}{throttled}, cfn.StatusFailed, "not readable (operation error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cf := newCloudFormation(t)
			r := &Router{Margin: 300 * time.Millisecond, Handlers: map[string]Handler{
				TypeUserPoolDomainActive: &UserPoolDomainActive{Cognito: &scriptedCognito{answers: tc.answers}, Interval: 20 * time.Millisecond},
			}}
			deadline := time.Now().Add(time.Second)
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			defer cancel()
			invoke(ctx, r, request(t, cf, TypeUserPoolDomainActive, props))
			at := cf.at[0]
			a := cf.last(t)
			if a.Status != tc.status || !strings.Contains(a.Reason, tc.reason) {
				t.Errorf("answer = %+v; want %s %q", a, tc.status, tc.reason)
			}
			if tc.status == cfn.StatusSuccess && a.Data["CloudFrontDistribution"] != "d111111abcdef8.cloudfront.net" {
				t.Errorf("data = %v", a.Data)
			}
			if !at.Before(deadline) {
				t.Errorf("answered at %s, after the invocation's deadline %s", at, deadline)
			}
		})
	}
}

func TestUnknownTypesAndDeletes(t *testing.T) {
	cf := newCloudFormation(t)
	r := &Router{Handlers: map[string]Handler{TypeUserPoolDomainActive: &UserPoolDomainActive{Cognito: &scriptedCognito{}}}}
	// GIVEN a type the provider does not know THEN Create fails naming the known ones
	invoke(context.Background(), r, request(t, cf, "Custom::Nope", nil))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "does not know Custom::Nope (it knows Custom::AuthstackUserPoolDomainActive)") {
		t.Errorf("answer = %+v", a)
	}
	// AND Delete succeeds, for unknown types and known ones alike, calling nothing
	for _, typ := range []string{"Custom::Nope", TypeUserPoolDomainActive} {
		ev := request(t, cf, typ, map[string]interface{}{"Domain": "auth.shop.example.com", "UserPoolId": "p"})
		ev.RequestType, ev.PhysicalResourceID = cfn.RequestDelete, "auth.shop.example.com"
		invoke(context.Background(), r, ev)
		if a := cf.last(t); a.Status != cfn.StatusSuccess || a.PhysicalResourceID != "auth.shop.example.com" {
			t.Errorf("delete %s: answer %+v", typ, a)
		}
	}
	// AND a missing property fails with its name
	invoke(context.Background(), r, request(t, cf, TypeUserPoolDomainActive, map[string]interface{}{"Domain": "auth.shop.example.com"}))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "property UserPoolId is required") {
		t.Errorf("answer = %+v", a)
	}
}

func TestCrossRegionParameterAgainstMoto(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	east := awsCfg.Copy()
	east.Region = "us-east-1"
	if _, err := ssm.NewFromConfig(east).PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/authstack/shop/hosted-ui-certificate"),
		Value: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/abc"), Type: "String"}); err != nil {
		t.Fatal(err)
	}
	var regions []string
	r := &Router{Handlers: map[string]Handler{TypeCrossRegionParameter: &CrossRegionParameter{SSM: func(region string) SSM {
		regions = append(regions, region)
		c := awsCfg.Copy()
		c.Region = region
		return ssm.NewFromConfig(c)
	}}}}
	cf := newCloudFormation(t)
	invoke(ctx, r, request(t, cf, TypeCrossRegionParameter, map[string]interface{}{"Region": "us-east-1", "Name": "/authstack/shop/hosted-ui-certificate"}))
	if a := cf.last(t); a.Status != cfn.StatusSuccess || a.Data["Value"] != "arn:aws:acm:us-east-1:123456789012:certificate/abc" || regions[0] != "us-east-1" {
		t.Errorf("answer = %+v (regions %v)", a, regions)
	}
	invoke(ctx, r, request(t, cf, TypeCrossRegionParameter, map[string]interface{}{"Region": "us-east-1", "Name": "/authstack/shop/missing"}))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "reading the parameter /authstack/shop/missing in us-east-1") {
		t.Errorf("answer = %+v", a)
	}
}

type fakeResolver struct {
	addrs []net.IPAddr
	err   error
}

func (f fakeResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return f.addrs, f.err
}

type noZones struct{}

func (noZones) ListHostedZonesByName(context.Context, *route53.ListHostedZonesByNameInput, ...func(*route53.Options)) (*route53.ListHostedZonesByNameOutput, error) {
	return &route53.ListHostedZonesByNameOutput{}, nil
}

func (noZones) ListResourceRecordSets(context.Context, *route53.ListResourceRecordSetsInput, ...func(*route53.Options)) (*route53.ListResourceRecordSetsOutput, error) {
	return nil, errors.New("no zone to list")
}

// scriptedCognito answers DescribeUserPoolDomain with its answers in turn,
// the last one from then on.
type scriptedCognito struct {
	answers []interface{}
	n       int
}

func (s *scriptedCognito) DescribeUserPoolDomain(ctx context.Context, _ *cip.DescribeUserPoolDomainInput, _ ...func(*cip.Options)) (*cip.DescribeUserPoolDomainOutput, error) {
	if len(s.answers) == 0 {
		return nil, errors.New("no answer scripted")
	}
	a := s.answers[min(s.n, len(s.answers)-1)]
	s.n++
	if err, ok := a.(error); ok {
		return nil, err
	}
	return &cip.DescribeUserPoolDomainOutput{DomainDescription: a.(*ciptypes.DomainDescriptionType)}, nil
}

func TestValidationRecordsAgainstMoto(t *testing.T) {
	awsCfg := mototest.Start(t)
	ctx := mototest.Context(t)
	r53 := route53.NewFromConfig(awsCfg)
	// GIVEN a zone authstack created, holding the validation record ACM asks
	// for (its documented shape: _TOKEN.NAME CNAME _TOKEN.acm-validations.aws)
	// beside an alias-like A record of CloudFormation's
	zone, err := r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("auth.example.com"), CallerReference: aws.String("v")})
	if err != nil {
		t.Fatal(err)
	}
	add := func(name string, typ r53types.RRType, value string) {
		t.Helper()
		if _, err := r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id,
			ChangeBatch: &r53types.ChangeBatch{Changes: []r53types.Change{{Action: r53types.ChangeActionCreate, ResourceRecordSet: &r53types.ResourceRecordSet{
				Name: aws.String(name), Type: typ, TTL: aws.Int64(300), ResourceRecords: []r53types.ResourceRecord{{Value: aws.String(value)}},
			}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	add("_x1.auth.example.com.", r53types.RRTypeCname, "_x2.acm-validations.aws.")
	add("auth.example.com.", r53types.RRTypeA, "192.0.2.10")
	add("www.auth.example.com.", r53types.RRTypeCname, "auth.example.com.")
	zoneID := strings.TrimPrefix(aws.ToString(zone.HostedZone.Id), "/hostedzone/")
	router := &Router{Handlers: map[string]Handler{TypeValidationRecords: &ValidationRecords{Route53: r53}}}
	cf := newCloudFormation(t)
	props := map[string]interface{}{"ZoneId": zoneID}

	// WHEN it is created THEN nothing changes
	invoke(ctx, router, request(t, cf, TypeValidationRecords, props))
	if a := cf.last(t); a.Status != cfn.StatusSuccess || a.PhysicalResourceID != "validation-records:"+zoneID {
		t.Errorf("create: %+v", a)
	}
	names := func() []string {
		out, err := r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: zone.HostedZone.Id})
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, rs := range out.ResourceRecordSets {
			n = append(n, string(rs.Type)+" "+aws.ToString(rs.Name))
		}
		return n
	}
	// WHEN it is deleted (before the zone, which depends on it)
	del := request(t, cf, TypeValidationRecords, props)
	del.RequestType, del.PhysicalResourceID = cfn.RequestDelete, "validation-records:"+zoneID
	invoke(ctx, router, del)
	a := cf.last(t)
	// THEN only ACM's validation record is gone
	got := strings.Join(names(), ",")
	if a.Status != cfn.StatusSuccess || a.Data["Removed"] != float64(1) || strings.Contains(got, "_x1") ||
		!strings.Contains(got, "A auth.example.com.") || !strings.Contains(got, "CNAME www.auth.example.com.") {
		t.Errorf("delete: %+v; records left %s", a, got)
	}
	// AND a second delete (CloudFormation's retry) and a delete after the zone is gone succeed
	invoke(ctx, router, del)
	if a := cf.last(t); a.Status != cfn.StatusSuccess || a.Data["Removed"] != float64(0) {
		t.Errorf("second delete: %+v", a)
	}
	gone := request(t, cf, TypeValidationRecords, map[string]interface{}{"ZoneId": "Z0000000000000NOZONE"})
	gone.RequestType, gone.PhysicalResourceID = cfn.RequestDelete, "validation-records:Z0000000000000NOZONE"
	invoke(ctx, router, gone)
	if a := cf.last(t); a.Status != cfn.StatusSuccess {
		t.Errorf("delete without the zone: %+v", a)
	}
}

func TestDeletesNeedNoProperties(t *testing.T) {
	// A resource whose create failed on a missing property is deleted on
	// rollback with the same properties: the delete must not fail too.
	cf := newCloudFormation(t)
	r := &Router{Handlers: map[string]Handler{
		TypeParentARecord: &ParentARecord{}, TypeUserPoolDomainActive: &UserPoolDomainActive{},
		TypeCrossRegionParameter: &CrossRegionParameter{}, TypeValidationRecords: &ValidationRecords{},
	}}
	for typ := range r.Handlers {
		ev := request(t, cf, typ, map[string]interface{}{})
		ev.RequestType, ev.PhysicalResourceID = cfn.RequestDelete, "some-id"
		invoke(context.Background(), r, ev)
		if a := cf.last(t); a.Status != cfn.StatusSuccess || a.PhysicalResourceID != "some-id" {
			t.Errorf("%s delete without properties: %+v", typ, a)
		}
	}
}

func TestTransientAndPermanentErrors(t *testing.T) {
	defer func(g time.Duration) { grace = g }(grace)
	grace = 50 * time.Millisecond
	throttled := &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded"}
	denied := &smithy.GenericAPIError{Code: "AccessDeniedException", Message: "not authorized to perform ssm:GetParameter"}
	props := map[string]interface{}{"Region": "us-east-1", "Name": "/authstack/x/certificate-arn"}
	for _, tc := range []struct {
		name    string
		answers []error // then success
		status  cfn.StatusType
		reason  string
	}{
		{"throttled twice, then read", []error{throttled, throttled}, cfn.StatusSuccess, ""},
		{"denied while the role's policy propagates, then read", []error{denied}, cfn.StatusSuccess, ""},
		{"denied for good: FAILED after the grace, not at the deadline", []error{denied, denied, denied, denied, denied, denied, denied, denied}, cfn.StatusFailed, "AccessDeniedException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cf := newCloudFormation(t)
			s := &scriptedSSM{errs: tc.answers}
			r := &Router{Margin: time.Millisecond, Handlers: map[string]Handler{TypeCrossRegionParameter: &CrossRegionParameter{SSM: func(string) SSM { return s }}}}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			start := time.Now()
			invoke(ctx, r, request(t, cf, TypeCrossRegionParameter, props))
			if a := cf.last(t); a.Status != tc.status || !strings.Contains(a.Reason, tc.reason) {
				t.Errorf("answer = %+v; want %s %q", a, tc.status, tc.reason)
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
	// AND DNS that cannot answer (SERVFAIL) is an error, not "no A record"
	cf := newCloudFormation(t)
	servfail := fakeResolver{err: &net.DNSError{Err: "server misbehaving", Name: "example.org", IsTemporary: true}}
	r := &Router{Margin: time.Millisecond, Handlers: map[string]Handler{TypeParentARecord: &ParentARecord{Route53: noZones{}, DNS: servfail}}}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	invoke(ctx, r, request(t, cf, TypeParentARecord, map[string]interface{}{"Domain": "auth.example.org"}))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "server misbehaving") || strings.Contains(a.Reason, "has none") {
		t.Errorf("SERVFAIL: %+v; want the DNS error", a)
	}
}

// scriptedSSM fails with errs in turn, then answers a certificate ARN.
type scriptedSSM struct {
	errs []error
	n    int
}

func (s *scriptedSSM) GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	s.n++
	if s.n <= len(s.errs) {
		return nil, s.errs[s.n-1]
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Value: aws.String("arn:aws:acm:us-east-1:123456789012:certificate/x")}}, nil
}

func TestAProviderThatCannotStartAnswers(t *testing.T) {
	// GIVEN a provider whose start-up failed (functions/customresources)
	cf := newCloudFormation(t)
	r := Failing(errors.New("AWS_REGION is not set"))
	// THEN a create is answered FAILED with the reason, at once
	invoke(context.Background(), r, request(t, cf, TypeParentARecord, map[string]interface{}{"Domain": "auth.example.com"}))
	if a := cf.last(t); a.Status != cfn.StatusFailed || !strings.Contains(a.Reason, "cannot start: AWS_REGION is not set") {
		t.Errorf("create: %+v", a)
	}
	// AND a delete succeeds, so the stack can go
	ev := request(t, cf, TypeParentARecord, nil)
	ev.RequestType, ev.PhysicalResourceID = cfn.RequestDelete, "parent-a-record:auth.example.com"
	invoke(context.Background(), r, ev)
	if a := cf.last(t); a.Status != cfn.StatusSuccess {
		t.Errorf("delete: %+v", a)
	}
}
