package api_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	awskms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/api"
	"github.com/authstack/authstack/internal/test/cdktest"
	"github.com/authstack/authstack/rules"
)

var testRules = []rules.Rule{
	{Method: "GET", Path: "/user", TokenUse: rules.UseAny},
	{Method: "GET", Path: "/users/{id}", Groups: []string{"admin"}, Owner: "id"},
	{Method: "POST", Path: "/auth/logout"},
	{Method: "ANY", Path: "/proxy/{proxy+}"},
}

func newAPI(t *testing.T, mutate func(*api.APIProps)) awscdk.Stack {
	stack := cdktest.NewStack(t)
	props := &api.APIProps{
		Issuer: jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"), ClientIds: *jsii.Strings("c1", "c2"),
		UserPool: cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_x")),
		Rules:    testRules, AdminGroup: jsii.String("admin"), UpstreamUrl: jsii.String("https://backend.example.com"),
	}
	if mutate != nil {
		mutate(props)
	}
	api.NewAPI(stack, jsii.String("Api"), props)
	return stack
}

func TestRoutesAuthorizerAndDenyList(t *testing.T) {
	tpl := assertions.Template_FromStack(newAPI(t, nil), nil)
	// GIVEN the API THEN the authorizer is a TOKEN authorizer with no cache and a bearer regex
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Authorizer", map[string]interface{}{
		"Type": "TOKEN", "AuthorizerResultTtlInSeconds": 0, "IdentitySource": "method.request.header.Authorization",
		"IdentityValidationExpression": `^[Bb]earer [-0-9A-Za-z_]+\.[-0-9A-Za-z_]+\.[-0-9A-Za-z_]+$`,
	}); err != nil {
		t.Error(err)
	}
	// AND /guest is open while the other routes use the authorizer
	methods := tpl.FindResources(jsii.String("AWS::ApiGateway::Method"), nil)
	open, custom := 0, 0
	for _, m := range *methods {
		props := (*m)["Properties"].(map[string]interface{})
		switch props["AuthorizationType"] {
		case "NONE":
			open++
		case "CUSTOM":
			custom++
		}
	}
	if open != 1 || custom != 5 {
		t.Errorf("methods: %d open, %d custom; want 1 open (/guest) and 5 behind the authorizer", open, custom)
	}
	// AND the proxy forwards to the upstream without the caller's token or
	// cookies, with the verified identity in headers the caller cannot set
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Method", map[string]interface{}{
		"HttpMethod": "ANY",
		"Integration": assertions.Match_ObjectLike(&map[string]interface{}{"Type": "HTTP_PROXY", "Uri": "https://backend.example.com/{proxy}",
			"RequestParameters": map[string]interface{}{
				"integration.request.path.proxy":                   "method.request.path.proxy",
				"integration.request.header.Authorization":         "'-'",
				"integration.request.header.Cookie":                "'-'",
				"integration.request.header.X-Authstack-Sub":       "context.authorizer.sub",
				"integration.request.header.X-Authstack-Username":  "context.authorizer.username",
				"integration.request.header.X-Authstack-Principal": "context.authorizer.principal",
				"integration.request.header.X-Authstack-Client-Id": "context.authorizer.clientId",
				"integration.request.header.X-Authstack-Token-Use": "context.authorizer.tokenUse",
				"integration.request.header.X-Authstack-Groups":    "context.authorizer.groups",
				"integration.request.header.X-Authstack-Scopes":    "context.authorizer.scopes",
			}}),
	}); err != nil {
		t.Error(err)
	}
	// AND API Gateway presents a client certificate the upstream can verify
	tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::ClientCertificate"), jsii.Number(1))
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Stage", map[string]interface{}{"ClientCertificateId": map[string]interface{}{"Ref": assertions.Match_AnyValue()}}); err != nil {
		t.Error(err)
	}
	// AND logout may end sessions in this pool only
	lb, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	if !strings.Contains(string(lb), `"cognito-idp:AdminUserGlobalSignOut"`) || !strings.Contains(string(lb), `userpool/eu-west-1_x`) {
		t.Errorf("logout grant: %s", lb)
	}
	// AND the deny-list expires items, has PITR and deletion protection, and
	// is encrypted with a customer-managed key (SSEType KMS with the key's
	// ARN; AWS::DynamoDB::Table SSESpecification), not an AWS-owned one
	if err := cdktest.Has(tpl, "AWS::DynamoDB::Table", map[string]interface{}{
		"TimeToLiveSpecification":          map[string]interface{}{"AttributeName": "expiresAt", "Enabled": true},
		"PointInTimeRecoverySpecification": map[string]interface{}{"PointInTimeRecoveryEnabled": true},
		"DeletionProtectionEnabled":        true,
		"SSESpecification": map[string]interface{}{"SSEEnabled": true, "SSEType": "KMS",
			"KMSMasterKeyId": map[string]interface{}{"Fn::GetAtt": assertions.Match_ArrayWith(&[]interface{}{"Arn"})}},
	}); err != nil {
		t.Error(err)
	}
	// AND both functions may use that key: the authorizer to decrypt what it
	// reads, the handler also to encrypt what it writes
	for _, want := range []string{`["kms:Decrypt","kms:DescribeKey"]`, `["kms:Decrypt","kms:DescribeKey","kms:Encrypt","kms:GenerateDataKey"]`} {
		if !strings.Contains(string(lb), want) {
			t.Errorf("deny-list key grants lack %s: %s", want, lb)
		}
	}
	// AND X-Ray is off by default
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Stage", map[string]interface{}{"TracingEnabled": false}); err != nil {
		t.Error(err)
	}
	b0, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil))
	if strings.Contains(string(b0), `"TracingConfig"`) {
		t.Error("functions trace although Tracing is off")
	}
	// AND the authorizer gets the rules, issuer and client list; the deny-list TTL defaults to 30 days
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil))
	for _, want := range []string{`AUTHSTACK_RULES`, `\"path\":\"/users/{id}\"`, `AUTHSTACK_ISSUER`, `AUTHSTACK_DENYLIST_TTL_SECONDS":"2592000"`, `AUTHSTACK_ADMIN_GROUP":"admin"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("functions lack %s", want)
		}
	}
	// AND the authorizer may only read the deny-list, the handler only write it
	pb, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::IAM::Policy"), nil))
	if !strings.Contains(string(pb), `"dynamodb:BatchGetItem"`) || !strings.Contains(string(pb), `["dynamodb:PutItem","dynamodb:UpdateItem"]`) || strings.Contains(string(pb), `"dynamodb:*"`) {
		t.Errorf("deny-list grants: %s", pb)
	}
	// AND every Lambda permission lets only API Gateway invoke, from this
	// API (its SourceArn is built on the RestApi's Ref): what the reviewed
	// cfn-guard suppression (security/suppressions.yaml) relies on
	perms := tpl.FindResources(jsii.String("AWS::Lambda::Permission"), nil)
	apis := tpl.FindResources(jsii.String("AWS::ApiGateway::RestApi"), nil)
	var apiID string
	for id := range *apis {
		apiID = id
	}
	if len(*perms) == 0 {
		t.Error("no Lambda permissions")
	}
	for id, p := range *perms {
		props := (*p)["Properties"].(map[string]interface{})
		src, _ := json.Marshal(props["SourceArn"])
		if props["Principal"] != "apigateway.amazonaws.com" || !strings.Contains(string(src), `{"Ref":"`+apiID+`"}`) || !strings.Contains(string(src), "execute-api") {
			t.Errorf("permission %s: principal %v, SourceArn %s; want API Gateway and this API's execute-api ARN", id, props["Principal"], src)
		}
	}
	// AND errors are JSON with 401/403
	if err := cdktest.Has(tpl, "AWS::ApiGateway::GatewayResponse", map[string]interface{}{"ResponseType": "UNAUTHORIZED", "StatusCode": "401"}); err != nil {
		t.Error(err)
	}
	tpl.ResourceCountIs(jsii.String("AWS::WAFv2::WebACL"), jsii.Number(0))
}

func TestTracingAndOwnDenyListKey(t *testing.T) {
	var key awskms.IKey
	tpl := assertions.Template_FromStack(newAPI(t, func(p *api.APIProps) {
		p.Tracing = true
		key = awskms.Key_FromKeyArn(cdktest.NewStack(t), jsii.String("K"), jsii.String("arn:aws:kms:eu-west-1:111111111111:key/own"))
		p.DenyListKey = key
	}), nil)
	// GIVEN Tracing THEN the stage and both functions trace (X-Ray active)
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Stage", map[string]interface{}{"TracingEnabled": true}); err != nil {
		t.Error(err)
	}
	fns := tpl.FindResources(jsii.String("AWS::Lambda::Function"), &map[string]interface{}{
		"Properties": map[string]interface{}{"TracingConfig": map[string]interface{}{"Mode": "Active"}}})
	if len(*fns) != 2 {
		t.Errorf("%d functions trace; want the authorizer and the handler", len(*fns))
	}
	// AND a given deny-list key is used instead of a new one
	if err := cdktest.Has(tpl, "AWS::DynamoDB::Table", map[string]interface{}{
		"SSESpecification": map[string]interface{}{"SSEEnabled": true, "SSEType": "KMS", "KMSMasterKeyId": "arn:aws:kms:eu-west-1:111111111111:key/own"},
	}); err != nil {
		t.Error(err)
	}
}

func TestWAFAndNoProxy(t *testing.T) {
	tpl := assertions.Template_FromStack(newAPI(t, func(p *api.APIProps) {
		p.Waf = jsii.Bool(true)
		p.UpstreamUrl = nil
		p.Rules = testRules[:3]
	}), nil)
	tpl.ResourceCountIs(jsii.String("AWS::WAFv2::WebACLAssociation"), jsii.Number(1))
	if err := cdktest.Has(tpl, "AWS::WAFv2::WebACL", map[string]interface{}{
		"Scope": "REGIONAL",
		"Rules": assertions.Match_ArrayWith(&[]interface{}{assertions.Match_ObjectLike(&map[string]interface{}{"Name": "AWSManagedRulesCommonRuleSet"})}),
	}); err != nil {
		t.Error(err)
	}
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::ApiGateway::Method"), nil))
	if strings.Contains(string(b), "HTTP_PROXY") {
		t.Error("proxy route exists without an upstream")
	}
}

func TestInvalidProps(t *testing.T) {
	cases := []struct {
		mutate func(*api.APIProps)
		want   string
	}{
		{func(p *api.APIProps) { p.Issuer = nil }, "Issuer is required"},
		{func(p *api.APIProps) { p.ClientIds = nil }, "ClientIds"},
		{func(p *api.APIProps) { p.UserPool = nil }, "UserPool is required"},
		{func(p *api.APIProps) { p.Rules = nil }, "Rules are required"},
		{func(p *api.APIProps) { p.Rules = []rules.Rule{{Method: "GET", Path: "nope"}} }, "Rules: rules[0]"},
		{func(p *api.APIProps) { p.AdminGroup = nil }, "AdminGroup is required"},
		{func(p *api.APIProps) { p.UpstreamUrl = jsii.String("http://backend") }, `UpstreamUrl: "http://backend"`},
		{func(p *api.APIProps) { p.AuthorizerCacheTtl = awscdk.Duration_Hours(jsii.Number(2)) }, "AuthorizerCacheTtl"},
		// 50 rules with long group names overflow Lambda's 4 KB environment.
		{func(p *api.APIProps) { p.Rules = manyRules(50) }, "the API authorizer function's environment needs up to"},
		{func(p *api.APIProps) { p.DisableExecuteApiEndpoint = jsii.Bool(true) }, "DisableExecuteApiEndpoint: without CustomDomain the API would answer nowhere"},
		{func(p *api.APIProps) {
			p.CustomDomain = &api.CustomDomainOptions{DomainName: jsii.String("api.example.com")}
		}, "CustomDomain: DomainName and Certificate are required"},
	}
	for _, tc := range cases {
		if msg := cdktest.Panics(func() { newAPI(t, tc.mutate) }); !strings.Contains(msg, "api Api: "+tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
}

func manyRules(n int) []rules.Rule {
	out := make([]rules.Rule, n)
	for i := range out {
		out[i] = rules.Rule{Method: "GET", Path: fmt.Sprintf("/resource%02d", i), Groups: []string{"a-rather-long-group-name-for-readers"}}
	}
	return out
}

func TestAddRoute(t *testing.T) {
	// GIVEN the API and a function of the user's own
	stack := cdktest.NewStack(t)
	a := api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
		Issuer: jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"), ClientIds: *jsii.Strings("c1"),
		UserPool: cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_x")),
		Rules:    testRules[:4], AdminGroup: jsii.String("admin"),
	})
	orders := awslambda.NewFunction(stack, jsii.String("Orders"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler"),
		Code: awslambda.Code_FromInline(jsii.String("def handler(e, c):\n    return {'statusCode': 200, 'body': '[]'}\n")),
	})
	// WHEN a route of its own is added behind the authorizer
	rule := rules.Rule{Method: "GET", Path: "/orders/{orderId}", Scopes: []string{"shop/orders.read"}}
	a.AddRoute(rule, apigw.NewLambdaIntegration(orders, nil))
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN the method uses the stack's authorizer and validator, with its path parameter required
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Method", map[string]interface{}{
		"HttpMethod": "GET", "AuthorizationType": "CUSTOM",
		"AuthorizerId":       map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ApiTokenAuthorizer"))},
		"RequestValidatorId": map[string]interface{}{"Ref": assertions.Match_StringLikeRegexp(jsii.String("^ApiValidator"))},
		"RequestParameters":  map[string]interface{}{"method.request.path.orderId": true},
	}); err != nil {
		t.Error(err)
	}
	// AND the authorizer's rules include it (computed at synth, after every AddRoute)
	var authorizerRules string
	for _, r := range *tpl.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		if env, ok := (*r)["Properties"].(map[string]interface{})["Environment"].(map[string]interface{}); ok {
			if v, ok := env["Variables"].(map[string]interface{})["AUTHSTACK_RULES"].(string); ok {
				authorizerRules = v
			}
		}
	}
	var got []rules.Rule
	if err := json.Unmarshal([]byte(authorizerRules), &got); err != nil || len(got) != 5 || got[4].Path != "/orders/{orderId}" || len(a.Rules()) != 5 {
		t.Errorf("AUTHSTACK_RULES = %s", authorizerRules)
	}
	// AND a route whose rule the others could leak into, a second rule for
	// one route, or the guest route are refused, adding nothing
	methods := len(*tpl.FindResources(jsii.String("AWS::ApiGateway::Method"), nil))
	for _, tc := range []struct {
		rule rules.Rule
		want string
	}{
		{rules.Rule{Method: "GET", Path: "/users/{id}/keys/{key}", Groups: []string{"root"}}, "would also allow"},
		{rules.Rule{Method: "GET", Path: "/user"}, "one rule per route"},
		{rules.Rule{Method: "GET", Path: "/guest"}, "GET /guest is the open guest route"},
		{rules.Rule{Method: "FETCH", Path: "/x"}, `method "FETCH"`},
	} {
		msg := cdktest.Panics(func() { a.AddRoute(tc.rule, apigw.NewLambdaIntegration(orders, nil)) })
		if !strings.Contains(msg, "api Api: AddRoute("+tc.rule.Method+" "+tc.rule.Path+"): ") || !strings.Contains(msg, tc.want) {
			t.Errorf("AddRoute(%v): panic %q; want %q", tc.rule, msg, tc.want)
		}
	}
	if n := len(*assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::ApiGateway::Method"), nil)); n != methods || len(a.Rules()) != 5 {
		t.Errorf("refused routes added methods (%d -> %d) or rules (%d)", methods, n, len(a.Rules()))
	}
}

func TestThrottlingLimitsAreConfigs(t *testing.T) {
	// The same checks as config.Validate's (internal/validate): 0 rate and an oversized burst are refused.
	for _, tc := range []struct {
		mutate func(*api.APIProps)
		want   string
	}{
		{func(p *api.APIProps) { p.ThrottlingRateLimit = jsii.Number(0) }, "ThrottlingRateLimit: 0 must be greater than 0"},
		{func(p *api.APIProps) { p.ThrottlingBurstLimit = jsii.Number(9999) }, "ThrottlingBurstLimit: 9999 must be a whole number between 1 and 5000"},
	} {
		if msg := cdktest.Panics(func() { newAPI(t, tc.mutate) }); !strings.Contains(msg, tc.want) {
			t.Errorf("panic = %q; want %q", msg, tc.want)
		}
	}
}

func TestAddHttpRouteKeepsTokensHome(t *testing.T) {
	// GIVEN an API without the built-in proxy WHEN an HTTP route of the user's is added
	stack2 := cdktest.NewStack(t)
	a := api.NewAPI(stack2, jsii.String("Api"), &api.APIProps{
		Issuer: jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"), ClientIds: *jsii.Strings("c1"),
		UserPool: cognito.UserPool_FromUserPoolId(stack2, jsii.String("Pool"), jsii.String("eu-west-1_x")),
		Rules:    testRules[:4], AdminGroup: jsii.String("admin"),
	})
	a.AddHttpRoute(rules.Rule{Method: "GET", Path: "/orders/{orderId}"}, jsii.String("https://orders.example.com/orders/{orderId}"))
	tpl := assertions.Template_FromStack(stack2, nil)
	// THEN the upstream gets neither the caller's token nor cookies, but the
	// verified identity and the path parameter
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Method", map[string]interface{}{
		"HttpMethod": "GET",
		"Integration": assertions.Match_ObjectLike(&map[string]interface{}{"Type": "HTTP_PROXY", "Uri": "https://orders.example.com/orders/{orderId}",
			"RequestParameters": assertions.Match_ObjectLike(&map[string]interface{}{
				"integration.request.header.Authorization":   "'-'",
				"integration.request.header.Cookie":          "'-'",
				"integration.request.header.X-Authstack-Sub": "context.authorizer.sub",
				"integration.request.path.orderId":           "method.request.path.orderId",
			})}),
	}); err != nil {
		t.Error(err)
	}
	// AND the stage presents a client certificate the upstream can verify
	tpl.ResourceCountIs(jsii.String("AWS::ApiGateway::ClientCertificate"), jsii.Number(1))
	if err := cdktest.Has(tpl, "AWS::ApiGateway::Stage", map[string]interface{}{"ClientCertificateId": map[string]interface{}{"Ref": assertions.Match_AnyValue()}}); err != nil {
		t.Error(err)
	}
	// AND a plain http:// upstream is refused
	if msg := cdktest.Panics(func() { a.AddHttpRoute(rules.Rule{Method: "GET", Path: "/x"}, jsii.String("http://x.example.com")) }); !strings.Contains(msg, "must be an https:// URL") {
		t.Errorf("panic = %q", msg)
	}
}

func TestCustomDomain(t *testing.T) {
	var a *api.API
	custom := func(disable *bool) assertions.Template {
		stack := cdktest.NewStack(t)
		a = api.NewAPI(stack, jsii.String("Api"), &api.APIProps{
			Issuer: jsii.String("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x"), ClientIds: *jsii.Strings("c1"),
			UserPool: cognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-1_x")),
			Rules:    testRules[:3], AdminGroup: jsii.String("admin"),
			CustomDomain: &api.CustomDomainOptions{
				DomainName:  jsii.String("api.example.com"),
				Certificate: acm.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String("arn:aws:acm:eu-west-1:123456789012:certificate/x")),
				HostedZone: route53.HostedZone_FromHostedZoneAttributes(stack, jsii.String("Zone"), &route53.HostedZoneAttributes{
					HostedZoneId: jsii.String("Z0123456789ABCDEFGHIJ"), ZoneName: jsii.String("api.example.com"),
				}),
			},
			DisableExecuteApiEndpoint: disable,
		})
		awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{Value: a.Url()})
		return assertions.Template_FromStack(stack, nil)
	}
	// GIVEN an API with a custom domain and its zone WHEN it is synthesized
	tpl := custom(nil)
	// THEN the domain is regional with its certificate and TLS 1.2, its root
	// mapped to the stage (CloudFormation's DomainName and BasePathMapping)
	if err := cdktest.Has(tpl, "AWS::ApiGateway::DomainName", map[string]interface{}{
		"DomainName": "api.example.com", "RegionalCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x",
		"EndpointConfiguration": map[string]interface{}{"Types": []interface{}{"REGIONAL"}}, "SecurityPolicy": "TLS_1_2",
	}); err != nil {
		t.Error(err)
	}
	mappings := tpl.FindResources(jsii.String("AWS::ApiGateway::BasePathMapping"), nil)
	if len(*mappings) != 1 {
		t.Fatalf("%d base path mappings; want 1", len(*mappings))
	}
	for _, m := range *mappings {
		props := (*m)["Properties"].(map[string]interface{})
		if _, ok := props["BasePath"]; ok || props["Stage"] == nil {
			t.Errorf("base path mapping %v; want the root mapped to the stage", props)
		}
	}
	// AND the execute-api endpoint is off by default, so the rules and the
	// WAF cannot be bypassed on a second URL
	if err := cdktest.Has(tpl, "AWS::ApiGateway::RestApi", map[string]interface{}{"DisableExecuteApiEndpoint": true}); err != nil {
		t.Error(err)
	}
	// AND A and AAAA alias records point at the regional domain name
	for _, typ := range []string{"A", "AAAA"} {
		if err := cdktest.Has(tpl, "AWS::Route53::RecordSet", map[string]interface{}{
			"Type": typ, "Name": "api.example.com.", "HostedZoneId": "Z0123456789ABCDEFGHIJ",
			"AliasTarget": map[string]interface{}{"DNSName": assertions.Match_AnyValue(), "HostedZoneId": assertions.Match_AnyValue()},
		}); err != nil {
			t.Errorf("%s alias: %v", typ, err)
		}
	}
	b, _ := json.Marshal(tpl.FindResources(jsii.String("AWS::Route53::RecordSet"), nil))
	if !strings.Contains(string(b), "RegionalDomainName") || !strings.Contains(string(b), "RegionalHostedZoneId") {
		t.Errorf("alias records %s do not target the regional domain name", b)
	}
	// AND the URL is the custom domain's root
	out, _ := json.Marshal(tpl.FindOutputs(jsii.String("Url"), nil))
	if !strings.Contains(string(out), `"https://",{"Ref":`) || !strings.Contains(string(out), `"/"`) || strings.Contains(string(out), "execute-api") {
		t.Errorf("Url output %s; want https://DOMAIN/", out)
	}
	// AND the L2's execute-api Endpoint output, a dead URL now, is gone
	for name := range *tpl.FindOutputs(jsii.String("*"), nil) {
		if strings.Contains(name, "Endpoint") {
			t.Errorf("output %s names the disabled execute-api endpoint", name)
		}
	}
	// AND the execute-api endpoint stays on when asked
	if err := cdktest.Has(custom(jsii.Bool(false)), "AWS::ApiGateway::RestApi", map[string]interface{}{"DisableExecuteApiEndpoint": false}); err != nil {
		t.Error(err)
	}
}
