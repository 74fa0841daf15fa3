// Package api provides API: the REST API of an auth stack, its Go Lambda
// authorizer and integration, and the DynamoDB deny-list that makes logout
// real.
//
// Routes: GET /guest (open), GET /user, GET /client, GET /users/{id},
// POST /auth/logout (Lambda integration), and ANY /proxy/{proxy+} (HTTP
// proxy to an upstream) when an upstream is given. Every route but /guest
// goes through the TOKEN authorizer (internal/runtime/authorizer), which verifies
// the Cognito JWT, rejects revoked tokens, and applies the declarative rules.
// Errors are JSON ({"message": ..., "status": ...}) with the right status:
// 401 for missing, invalid or revoked tokens, 403 for a valid token without
// access. Access logs go to a KMS-encrypted log group; the stage is
// throttled; an AWS WAF web ACL with AWS managed rule groups is optional.
package api

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	apigw "github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	acm "github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	dynamodb "github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	kms "github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	lambda "github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	logs "github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	route53 "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	targets "github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	wafv2 "github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/gofunction"
	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/cdk/kmskey"
	"github.com/authstack/authstack/internal/cdk/module"
	"github.com/authstack/authstack/internal/cdk/nag"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/validate"
	"github.com/authstack/authstack/rules"
)

// APIProps configures an API.
type APIProps struct {
	// Issuer is the user pool's issuer URL, exactly as the tokens' iss claim
	// spells it: https://cognito-idp.REGION.amazonaws.com/POOL_ID
	// (UserPool.IssuerUrl()). Required.
	Issuer *string
	// JwksUrl is the pool's key set URL, for keys served somewhere other
	// than Cognito's public endpoint.
	// Default: Issuer + "/.well-known/jwks.json", or, when the functions have
	// an AWS endpoint override (AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
	// then AWS_ENDPOINT_URL), ENDPOINT/POOL_ID/.well-known/jwks.json (an
	// emulator's); the iss claim must equal Issuer either way.
	JwksUrl *string
	// ClientIds are the app clients whose tokens are accepted. Required.
	ClientIds []*string
	// UserPool is the pool whose users sign out: the handler may call
	// cognito-idp:AdminUserGlobalSignOut on it, and on nothing else. Required.
	UserPool cognito.IUserPool
	// HostedUiBaseUrl is managed login's base URL (HostedDomain.BaseUrl());
	// logout answers then name its /logout endpoint for the caller's client.
	// Default: none.
	HostedUiBaseUrl *string
	// Rules are the access rules of the built-in routes (rules.Defaults
	// gives them); each of /user, /client, /users/{id}, /auth/logout and, with an
	// upstream, /proxy/{proxy+} needs one or nobody can call it. Routes of
	// your own bring their rule to AddRoute. Required.
	Rules []rules.Rule
	// AdminGroup may read any user in the integration's own check. Required.
	AdminGroup *string
	// UpstreamUrl is the https:// target of ANY /proxy/{proxy+}. Default: none (no proxy route).
	UpstreamUrl *string
	// DenyListTtl is how long deny-list items live; at least the longest
	// token lifetime (the refresh token's). Default: 30 days.
	DenyListTtl awscdk.Duration
	// AuthorizerCacheTtl is API Gateway's authorizer cache, 0 to 1 hour.
	// Default: 0 (a logout takes effect at once).
	AuthorizerCacheTtl awscdk.Duration
	// ThrottlingRateLimit (requests/second) and ThrottlingBurstLimit of the
	// stage. Default: 50 and 100.
	ThrottlingRateLimit  *float64
	ThrottlingBurstLimit *float64
	// Waf attaches a web ACL with AWS managed rule groups. Default: false.
	Waf *bool
	// StageName of the deployment. Default: "v1".
	StageName *string
	// LogLevel and LogRetention of the functions; LogRetention also of the
	// access logs. Default: INFO, three months.
	LogLevel     lambda.ApplicationLogLevel
	LogRetention logs.RetentionDays
	// LogKey encrypts the access logs and the functions' log groups; it must
	// allow CloudWatch Logs (logkey.NewLogKey). Default: a new key.
	LogKey kms.IKey
	// DenyListKey encrypts the deny-list table at rest (a customer-managed
	// key, so its use is in CloudTrail and under your key policy); the
	// functions get the table's grants on it. Default: a new rotating key.
	DenyListKey kms.IKey
	// Tracing turns on AWS X-Ray for the stage and both functions (X-Ray
	// bills per trace). Default: false.
	Tracing bool
	// CustomDomain serves the API on a domain of yours (a regional custom
	// domain, TLS 1.2, its base path mapping sending the root to the stage).
	// Default: none.
	CustomDomain *CustomDomainOptions
	// DisableExecuteApiEndpoint turns the default
	// https://API_ID.execute-api.REGION.amazonaws.com endpoint off, so the API
	// answers only on CustomDomain. Default: true with CustomDomain, false
	// without (it cannot be disabled without one).
	DisableExecuteApiEndpoint *bool
}

// CustomDomainOptions configure the API's custom domain.
type CustomDomainOptions struct {
	// DomainName is the fully qualified name (api.example.com). Required.
	DomainName *string
	// Certificate covers DomainName and is in the stack's region (a
	// regional endpoint). Required.
	Certificate acm.ICertificate
	// HostedZone receives the A and AAAA alias records of DomainName.
	// Default: none (create them at your DNS provider).
	HostedZone route53.IHostedZone
}

// API is the L3 construct.
type API struct {
	constructs.Construct
	// RestApi is the REST API (construct id "Resource").
	RestApi apigw.RestApi
	// Authorizer and Handler are the Go functions.
	Authorizer, Handler *gofunction.GoFunction
	// DenyList is the table of signed-out sessions and users.
	DenyList dynamodb.Table
	// DenyListKey encrypts DenyList (DenyListKey of the props, or the one
	// created).
	DenyListKey kms.IKey
	// WebACL is the WAF web ACL, when Waf is on.
	WebACL wafv2.CfnWebACL
	// TokenAuthorizer is the authorizer of every route but /guest; give it
	// to methods of your own (or use AddRoute, which also checks the rule).
	TokenAuthorizer apigw.TokenAuthorizer
	// RequestValidator validates parameters and bodies of every route.
	RequestValidator apigw.RequestValidator

	// rules are every route's rule, the built-in ones first: the
	// authorizer's AUTHSTACK_RULES, computed at synth.
	rules []rules.Rule
	props *APIProps
	// UpstreamCertificate is the client certificate API Gateway presents to
	// the upstream of the proxy route, when there is one.
	UpstreamCertificate apigw.CfnClientCertificate
}

// Identity headers the proxy route sends its upstream: the caller as the
// authorizer verified it (authorizer.Context). API Gateway sets them from
// the authorizer's context and replaces any header of the same name the
// caller sent, so the caller cannot forge them.
const (
	HeaderSub       = "X-Authstack-Sub"
	HeaderUsername  = "X-Authstack-Username"
	HeaderPrincipal = "X-Authstack-Principal" // user or machine
	HeaderClientID  = "X-Authstack-Client-Id"
	HeaderTokenUse  = "X-Authstack-Token-Use"
	HeaderGroups    = "X-Authstack-Groups" // JSON array
	HeaderScopes    = "X-Authstack-Scopes" // JSON array
)

// ProxyRequestParameters are the proxy route's integration request
// parameters: the path, the identity headers from the authorizer's
// context, and the caller's credentials replaced by "-" (Authorization,
// which held the Cognito token, and Cookie), so the upstream never receives
// a token it could replay.
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration-requestParameters.html
func ProxyRequestParameters() *map[string]*string {
	p := identityParameters()
	p["integration.request.path.proxy"] = jsii.String("method.request.path.proxy")
	return &p
}

// identityParameters replace the caller's credentials and pass the
// verified identity (authorizer.Context) in headers.
func identityParameters() map[string]*string {
	return map[string]*string{
		"integration.request.header.Authorization":      jsii.String("'-'"),
		"integration.request.header.Cookie":             jsii.String("'-'"),
		"integration.request.header." + HeaderSub:       jsii.String("context.authorizer.sub"),
		"integration.request.header." + HeaderUsername:  jsii.String("context.authorizer.username"),
		"integration.request.header." + HeaderPrincipal: jsii.String("context.authorizer.principal"),
		"integration.request.header." + HeaderClientID:  jsii.String("context.authorizer.clientId"),
		"integration.request.header." + HeaderTokenUse:  jsii.String("context.authorizer.tokenUse"),
		"integration.request.header." + HeaderGroups:    jsii.String("context.authorizer.groups"),
		"integration.request.header." + HeaderScopes:    jsii.String("context.authorizer.scopes"),
	}
}

// NewAPI creates the API. It panics with a message naming the prop when
// props are invalid.
func NewAPI(scope constructs.Construct, id *string, props *APIProps) *API {
	if err := props.validate(); err != nil {
		panic(fmt.Errorf("api %s: %w", *id, err))
	}
	a := &API{rules: append([]rules.Rule(nil), props.Rules...), props: props}
	constructs.NewConstruct_Override(a, scope, id)
	logKey := props.LogKey
	if logKey == nil {
		logKey = kmskey.NewForLogs(a, "LogKey", "the logs of the API "+*a.Node().Path())
	}
	retention := props.LogRetention
	if retention == "" {
		retention = logs.RetentionDays_THREE_MONTHS
	}
	ttl := props.DenyListTtl
	if ttl == nil {
		ttl = awscdk.Duration_Days(jsii.Number(30))
	}

	a.DenyListKey = props.DenyListKey
	if a.DenyListKey == nil {
		a.DenyListKey = kmskey.New(a, "DenyListKey", "the deny-list table of the API "+*a.Node().Path())
	}
	a.DenyList = dynamodb.NewTable(a, jsii.String("DenyList"), &dynamodb.TableProps{
		PartitionKey:                     &dynamodb.Attribute{Name: jsii.String(contract.DenyListKey), Type: dynamodb.AttributeType_STRING},
		BillingMode:                      dynamodb.BillingMode_PAY_PER_REQUEST,
		Encryption:                       dynamodb.TableEncryption_CUSTOMER_MANAGED,
		EncryptionKey:                    a.DenyListKey,
		TimeToLiveAttribute:              jsii.String(contract.DenyListExpiresAt),
		PointInTimeRecoverySpecification: &dynamodb.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: jsii.Bool(true)},
		DeletionProtection:               jsii.Bool(true),
		RemovalPolicy:                    awscdk.RemovalPolicy_RETAIN,
	})

	authEnv, handlerEnv := props.environments(ttl, props.Rules)
	deployed := map[string]*string{
		contract.EnvStack:         awscdk.Stack_Of(a).StackName(),
		contract.EnvIssuer:        props.Issuer,
		contract.EnvClientIDs:     awscdk.Fn_Join(jsii.String(","), &props.ClientIds),
		contract.EnvDenyListTable: a.DenyList.TableName(),
	}
	if props.JwksUrl != nil {
		// Without it the functions derive the key set URL from the issuer
		// (or from an AWS endpoint override: jwtverify.KeySetURL).
		deployed[contract.EnvJWKSURL] = props.JwksUrl
	}
	if props.HostedUiBaseUrl != nil {
		deployed[contract.EnvHostedUIURL] = props.HostedUiBaseUrl
	}
	tracing := lambda.Tracing_DISABLED
	if props.Tracing {
		tracing = lambda.Tracing_ACTIVE
	}
	moduleRoot, err := module.Root()
	if err != nil {
		panic(err)
	}
	fn := func(cid, entry, description string, env contract.Env) *gofunction.GoFunction {
		vars := map[string]*string{}
		for k, v := range env.Vars {
			vars[k] = jsii.String(v)
		}
		for k := range env.Deployed {
			vars[k] = deployed[k]
		}
		if _, ok := env.Vars[contract.EnvRules]; ok {
			// Routes added later (AddRoute) bring their rules.
			vars[contract.EnvRules] = awscdk.Lazy_String(&rulesProducer{a}, nil)
		}
		return gofunction.NewGoFunction(a, jsii.String(cid), &gofunction.GoFunctionProps{
			FunctionOptions: lambda.FunctionOptions{
				Description: jsii.String(description), Environment: &vars, Timeout: awscdk.Duration_Seconds(jsii.Number(5)),
				ApplicationLogLevelV2: props.LogLevel, Tracing: tracing,
			},
			Entry: jsii.String(module.Function(strings.TrimPrefix(entry, "functions/"))), ModuleDir: jsii.String(moduleRoot),
			LogRetention: retention, LogKey: logKey,
		})
	}
	a.Authorizer = fn("Authorizer", "functions/authorizer", "API authorizer: Cognito JWTs, revocation, access rules", authEnv)
	a.Handler = fn("Handler", "functions/api", "API integration: identity routes and logout", handlerEnv)
	a.grant(a.Authorizer, "dynamodb:BatchGetItem")
	a.grant(a.Handler, "dynamodb:PutItem", "dynamodb:UpdateItem")
	// DynamoDB uses the table's key on the caller's behalf: readers need
	// Decrypt, writers also Encrypt and GenerateDataKey (what CDK's
	// Table.grantReadData/grantWriteData grant, without their wildcards).
	// Source: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.howitworks.html
	a.DenyListKey.Grant(a.Authorizer.Role, jsii.String("kms:Decrypt"), jsii.String("kms:DescribeKey"))
	a.DenyListKey.Grant(a.Handler.Role, jsii.String("kms:Decrypt"), jsii.String("kms:DescribeKey"),
		jsii.String("kms:Encrypt"), jsii.String("kms:GenerateDataKey"))
	// Logout ends the user's Cognito sessions, in this pool only.
	props.UserPool.Grant(a.Handler.Role, jsii.String("cognito-idp:AdminUserGlobalSignOut"))

	accessLogs := logs.NewLogGroup(a, jsii.String("AccessLogs"), &logs.LogGroupProps{
		EncryptionKey: logKey, Retention: retention, RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	stage := props.StageName
	if stage == nil {
		stage = jsii.String("v1")
	}
	var clientCert *string
	if props.UpstreamUrl != nil {
		a.UpstreamCertificate = upstreamCertificate(a)
		clientCert = a.UpstreamCertificate.Ref()
	}
	var domain *apigw.DomainNameOptions
	if c := props.CustomDomain; c != nil {
		domain = &apigw.DomainNameOptions{
			DomainName: c.DomainName, Certificate: c.Certificate,
			EndpointType: apigw.EndpointType_REGIONAL, SecurityPolicy: apigw.SecurityPolicy_TLS_1_2,
		}
	}
	disableDefault := props.DisableExecuteApiEndpoint
	if disableDefault == nil && props.CustomDomain != nil {
		disableDefault = jsii.Bool(true)
	}
	a.RestApi = apigw.NewRestApi(a, jsii.String("Resource"), &apigw.RestApiProps{
		Description:               jsii.String("authstack API of " + *awscdk.Stack_Of(a).StackName()),
		EndpointTypes:             &[]apigw.EndpointType{apigw.EndpointType_REGIONAL},
		DomainName:                domain,
		DisableExecuteApiEndpoint: disableDefault,
		CloudWatchRole:            jsii.Bool(true),
		DeployOptions: &apigw.StageOptions{
			StageName:            stage,
			AccessLogDestination: apigw.NewLogGroupLogDestination(accessLogs),
			AccessLogFormat: apigw.AccessLogFormat_JsonWithStandardFields(&apigw.JsonWithStandardFieldProps{
				Caller: jsii.Bool(false), HttpMethod: jsii.Bool(true), Ip: jsii.Bool(true), Protocol: jsii.Bool(true),
				RequestTime: jsii.Bool(true), ResourcePath: jsii.Bool(true), ResponseLength: jsii.Bool(true),
				Status: jsii.Bool(true), User: jsii.Bool(true),
			}),
			LoggingLevel:         apigw.MethodLoggingLevel_ERROR,
			TracingEnabled:       jsii.Bool(props.Tracing),
			ClientCertificateId:  clientCert,
			ThrottlingRateLimit:  orNumber(props.ThrottlingRateLimit, 50),
			ThrottlingBurstLimit: orNumber(props.ThrottlingBurstLimit, 100),
		},
	})
	nag.Suppress(a.RestApi, "AwsSolutions-IAM4",
		"API Gateway's account-level CloudWatch role uses the AWS managed policy AmazonAPIGatewayPushToCloudWatchLogs, the documented way to enable execution logging.",
		"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")
	a.RequestValidator = a.RestApi.AddRequestValidator(jsii.String("Validator"), &apigw.RequestValidatorOptions{
		ValidateRequestParameters: jsii.Bool(true), ValidateRequestBody: jsii.Bool(true),
	})
	for _, r := range []struct {
		typ    apigw.ResponseType
		status string
	}{{apigw.ResponseType_UNAUTHORIZED(), "401"}, {apigw.ResponseType_ACCESS_DENIED(), "403"}, {apigw.ResponseType_DEFAULT_4XX(), ""}, {apigw.ResponseType_DEFAULT_5XX(), ""}} {
		opts := &apigw.GatewayResponseOptions{
			Type:      r.typ,
			Templates: &map[string]*string{"application/json": jsii.String(`{"message":$context.error.messageString,"error":"$context.error.responseType"}`)},
		}
		if r.status != "" {
			opts.StatusCode = jsii.String(r.status)
			opts.Templates = &map[string]*string{"application/json": jsii.String(`{"message":$context.error.messageString,"status":` + r.status + `}`)}
		}
		a.RestApi.AddGatewayResponse(jsii.String("Response"+r.status+*r.typ.ResponseType()), opts)
	}

	cacheTTL := props.AuthorizerCacheTtl
	if cacheTTL == nil {
		cacheTTL = awscdk.Duration_Seconds(jsii.Number(0))
	}
	a.TokenAuthorizer = apigw.NewTokenAuthorizer(a, jsii.String("TokenAuthorizer"), &apigw.TokenAuthorizerProps{
		Handler:         a.Authorizer.Function,
		ResultsCacheTtl: cacheTTL,
		IdentitySource:  jsii.String("method.request.header.Authorization"),
		// Requests without a plausible bearer token get 401 without invoking the function.
		ValidationRegex: jsii.String(`^[Bb]earer [-0-9A-Za-z_]+\.[-0-9A-Za-z_]+\.[-0-9A-Za-z_]+$`),
	})
	integration := apigw.NewLambdaIntegration(a.Handler.Function, nil)
	guest := a.RestApi.Root().ResourceForPath(jsii.String(contract.GuestRoute.Path)).AddMethod(jsii.String(contract.GuestRoute.Method), integration, nil)
	nag.Suppress(guest, "AwsSolutions-APIG4", "GET /guest is open by design (the reference's guest route); it returns no user data.")
	nag.Suppress(guest, "AwsSolutions-COG4", "GET /guest is open by design (the reference's guest route); it returns no user data.")
	for _, r := range contract.HandlerRoutes {
		a.addMethod(r.Method, r.Path, integration, nil)
	}
	if props.UpstreamUrl != nil {
		a.addMethod(contract.ProxyRoute.Method, contract.ProxyRoute.Path, apigw.NewHttpIntegration(jsii.String(*props.UpstreamUrl+"/{proxy}"), &apigw.HttpIntegrationProps{
			HttpMethod: jsii.String("ANY"),
			Options:    &apigw.IntegrationOptions{RequestParameters: ProxyRequestParameters()},
		}), &map[string]*bool{"method.request.path.proxy": jsii.Bool(true)})
	}

	// The L2's Endpoint output is the execute-api URL: dead once disabled.
	if disableDefault != nil && *disableDefault {
		a.RestApi.Node().TryRemoveChild(jsii.String("Endpoint"))
	}
	if c := props.CustomDomain; c != nil && c.HostedZone != nil {
		target := route53.RecordTarget_FromAlias(targets.NewApiGateway(a.RestApi))
		route53.NewARecord(a, jsii.String("Alias"), &route53.ARecordProps{Zone: c.HostedZone, RecordName: c.DomainName, Target: target})
		route53.NewAaaaRecord(a, jsii.String("AliasIpv6"), &route53.AaaaRecordProps{Zone: c.HostedZone, RecordName: c.DomainName, Target: target})
	}

	if props.Waf != nil && *props.Waf {
		a.WebACL = webACL(a)
		wafv2.NewCfnWebACLAssociation(a, jsii.String("WebACLAssociation"), &wafv2.CfnWebACLAssociationProps{
			ResourceArn: a.RestApi.DeploymentStage().StageArn(), WebAclArn: a.WebACL.AttrArn(),
		})
	} else {
		nag.Suppress(a.RestApi, "AwsSolutions-APIG3", "AWS WAF is a per-environment cost decision (api.waf: true attaches a web ACL with AWS managed rule groups).")
	}
	return a
}

// AddRoute adds a route of your own behind the stack's authorizer: rule's
// method on rule's path (created under the API's root as needed), sent to
// integration (apigw.NewLambdaIntegration, ...). An HTTP integration you
// build yourself receives the caller's headers, the Cognito token in
// Authorization included: for an HTTP upstream use AddHttpRoute, which
// strips them.
// The rule joins the authorizer's rules and is validated against all of
// them (rules.Validate): a rule set that could leak through a cached policy,
// a second rule for one route, or an authorizer environment over Lambda's
// 4 KB is refused with a panic naming the rule, and nothing is added. Path
// parameters become required request parameters. It returns the method.
func (a *API) AddRoute(rule rules.Rule, integration apigw.Integration) apigw.Method {
	if err := a.checkRoute(rule); err != nil {
		panic(fmt.Errorf("api %s: AddRoute(%s %s): %w", *a.Node().Id(), rule.Method, rule.Path, err))
	}
	params := map[string]*bool{}
	for _, seg := range strings.Split(rule.Path, "/") {
		if strings.HasPrefix(seg, "{") {
			params["method.request.path."+strings.Trim(seg, "{}+")] = jsii.Bool(true)
		}
	}
	var required *map[string]*bool
	if len(params) > 0 {
		required = &params
	}
	m := a.addMethod(rule.Method, rule.Path, integration, required)
	a.rules = append(a.rules, rule)
	return m
}

// AddHttpRoute adds an HTTP proxy route of your own behind the stack's
// authorizer, as the built-in /proxy route is built: rule's method and path
// are sent to url (https://; the path's {param}s may appear in it, e.g.
// https://orders.internal.example.com/orders/{id}), with the caller's
// Authorization and Cookie replaced by "-", the verified identity in the
// X-Authstack-* headers (ProxyRequestParameters), and the API's client
// certificate presented (UpstreamCertificate, created when the API has
// none), so the upstream can tell a request came through the authorizer.
// Rules and refusals are AddRoute's; an url that is not https:// panics too.
func (a *API) AddHttpRoute(rule rules.Rule, url *string) apigw.Method {
	if cdkutil.Literal(url) {
		if err := validate.HTTPSURL(*url); err != nil {
			panic(fmt.Errorf("api %s: AddHttpRoute(%s %s): url: %w", *a.Node().Id(), rule.Method, rule.Path, err))
		}
	}
	params := identityParameters()
	for _, seg := range strings.Split(rule.Path, "/") {
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}+")
			params["integration.request.path."+name] = jsii.String("method.request.path." + name)
		}
	}
	if a.UpstreamCertificate == nil {
		a.UpstreamCertificate = upstreamCertificate(a)
		a.RestApi.DeploymentStage().Node().DefaultChild().(apigw.CfnStage).SetClientCertificateId(a.UpstreamCertificate.Ref())
	}
	return a.AddRoute(rule, apigw.NewHttpIntegration(url, &apigw.HttpIntegrationProps{
		HttpMethod: jsii.String(rule.Method),
		Options:    &apigw.IntegrationOptions{RequestParameters: &params},
	}))
}

// Rules are every route's rule: the built-in routes', then those AddRoute added.
func (a *API) Rules() []rules.Rule { return append([]rules.Rule(nil), a.rules...) }

func (a *API) checkRoute(rule rules.Rule) error {
	if rule.Path == contract.GuestRoute.Path && (rule.Method == contract.GuestRoute.Method || rule.Method == "ANY") {
		return fmt.Errorf("GET /guest is the open guest route")
	}
	all := append(a.Rules(), rule)
	if err := rules.Validate(all); err != nil {
		return err
	}
	auth, _ := a.props.environments(a.props.DenyListTtl, all)
	return auth.Check("API authorizer")
}

// addMethod adds method on path behind the authorizer and the validator.
func (a *API) addMethod(method, path string, integration apigw.Integration, params *map[string]*bool) apigw.Method {
	m := a.RestApi.Root().ResourceForPath(jsii.String(path)).AddMethod(jsii.String(method), integration, &apigw.MethodOptions{
		Authorizer: a.TokenAuthorizer, AuthorizationType: apigw.AuthorizationType_CUSTOM, RequestValidator: a.RequestValidator,
		RequestParameters: params,
	})
	nag.Suppress(m, "AwsSolutions-COG4",
		"The Lambda authorizer verifies Cognito user-pool JWTs itself and also rejects revoked tokens and applies owner/group/scope rules, which a Cognito authorizer cannot.")
	return m
}

// upstreamCertificate is the client certificate API Gateway presents to
// HTTP upstreams: they verify it to know a request came through this API
// (and its authorizer), not around it.
// Source: https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html
func upstreamCertificate(a *API) apigw.CfnClientCertificate {
	return apigw.NewCfnClientCertificate(a, jsii.String("UpstreamCertificate"), &apigw.CfnClientCertificateProps{
		Description: jsii.String("Presented to the upstream of the /proxy route of " + *awscdk.Stack_Of(a).StackName()),
	})
}

// rulesProducer computes AUTHSTACK_RULES at synth, after every AddRoute.
type rulesProducer struct{ a *API }

func (r *rulesProducer) Produce() *string {
	b, _ := json.Marshal(r.a.rules)
	return jsii.String(string(b))
}

// Url is the API's URL, with its scheme and a trailing slash:
// https://DOMAIN/ with a custom domain (its root maps to the stage), else
// the stage's invoke URL https://API_ID.execute-api.REGION.URL_SUFFIX/STAGE/.
func (a *API) Url() *string {
	if c := a.props.CustomDomain; c != nil {
		return awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://"), a.RestApi.DomainName().DomainName(), jsii.String("/")})
	}
	return a.RestApi.Url()
}

func (a *API) grant(f *gofunction.GoFunction, actions ...string) {
	f.Role.AddToPrincipalPolicy(iam.NewPolicyStatement(&iam.PolicyStatementProps{
		Actions: jsii.Strings(actions...), Resources: &[]*string{a.DenyList.TableArn()},
	}))
}

// webACL blocks what AWS's baseline managed rule groups block.
// Source: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
func webACL(scope constructs.Construct) wafv2.CfnWebACL {
	var rulesList []interface{}
	for i, name := range []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"} {
		rulesList = append(rulesList, &wafv2.CfnWebACL_RuleProperty{
			Name:           jsii.String(name),
			Priority:       jsii.Number(i),
			OverrideAction: &wafv2.CfnWebACL_OverrideActionProperty{None: map[string]interface{}{}},
			Statement: &wafv2.CfnWebACL_StatementProperty{ManagedRuleGroupStatement: &wafv2.CfnWebACL_ManagedRuleGroupStatementProperty{
				VendorName: jsii.String("AWS"), Name: jsii.String(name),
			}},
			VisibilityConfig: &wafv2.CfnWebACL_VisibilityConfigProperty{
				CloudWatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String(name), SampledRequestsEnabled: jsii.Bool(true),
			},
		})
	}
	return wafv2.NewCfnWebACL(scope, jsii.String("WebACL"), &wafv2.CfnWebACLProps{
		Scope:         jsii.String("REGIONAL"),
		DefaultAction: &wafv2.CfnWebACL_DefaultActionProperty{Allow: map[string]interface{}{}},
		Rules:         &rulesList,
		VisibilityConfig: &wafv2.CfnWebACL_VisibilityConfigProperty{
			CloudWatchMetricsEnabled: jsii.Bool(true), MetricName: jsii.String("authstack-api"), SampledRequestsEnabled: jsii.Bool(true),
		},
	})
}

// environments are the authorizer's and the handler's environments as the
// contract builds them (deploy-time values at their longest).
func (p *APIProps) environments(ttl awscdk.Duration, rs []rules.Rule) (contract.Env, contract.Env) {
	rulesJSON, _ := json.Marshal(rs)
	jwks := ""
	if cdkutil.Literal(p.JwksUrl) {
		jwks = *p.JwksUrl
	}
	ttlSeconds := 30 * 24 * 60 * 60
	if ttl != nil && !*ttl.IsUnresolved() {
		ttlSeconds = int(*ttl.ToSeconds(nil))
	}
	auth := contract.AuthorizerEnv(string(rulesJSON), len(p.ClientIds), jwks)
	handler := contract.APIHandlerEnv(str(p.AdminGroup), ttlSeconds, len(p.ClientIds), jwks, p.HostedUiBaseUrl != nil)
	if p.JwksUrl != nil && jwks == "" {
		for _, e := range []contract.Env{auth, handler} {
			e.Deployed[contract.EnvJWKSURL] = contract.MaxIssuerLen + len("/.well-known/jwks.json")
		}
	}
	return auth, handler
}

func (p *APIProps) validate() error {
	if p == nil || p.Issuer == nil {
		//lint:ignore ST1005 starts with the prop's Go name
		return fmt.Errorf("Issuer is required")
	}
	if len(p.ClientIds) == 0 {
		return fmt.Errorf("ClientIds: at least one client is required")
	}
	if p.UserPool == nil {
		return fmt.Errorf("UserPool is required (logout ends its users' sessions)")
	}
	if len(p.Rules) == 0 {
		return fmt.Errorf("Rules are required (without them the authorizer allows nothing)")
	}
	if err := rules.Validate(p.Rules); err != nil {
		return fmt.Errorf("Rules: %w", err)
	}
	if str(p.AdminGroup) == "" {
		return fmt.Errorf("AdminGroup is required")
	}
	if p.UpstreamUrl != nil && cdkutil.Literal(p.UpstreamUrl) {
		if err := validate.HTTPSURL(*p.UpstreamUrl); err != nil {
			return fmt.Errorf("UpstreamUrl: %w", err)
		}
	}
	if cdkutil.LiteralNumber(p.ThrottlingRateLimit) {
		if err := validate.ThrottlingRate(*p.ThrottlingRateLimit); err != nil {
			return fmt.Errorf("ThrottlingRateLimit: %w", err)
		}
	}
	if cdkutil.LiteralNumber(p.ThrottlingBurstLimit) {
		if err := validate.ThrottlingBurst(*p.ThrottlingBurstLimit); err != nil {
			return fmt.Errorf("ThrottlingBurstLimit: %w", err)
		}
	}
	if c := p.CustomDomain; c != nil {
		if c.DomainName == nil || c.Certificate == nil {
			return fmt.Errorf("CustomDomain: DomainName and Certificate are required")
		}
		if cdkutil.Literal(c.DomainName) {
			if err := validate.DomainName(*c.DomainName); err != nil {
				return fmt.Errorf("CustomDomain.DomainName: %w", err)
			}
		}
	} else if p.DisableExecuteApiEndpoint != nil && *p.DisableExecuteApiEndpoint {
		return fmt.Errorf("DisableExecuteApiEndpoint: without CustomDomain the API would answer nowhere")
	}
	if p.AuthorizerCacheTtl != nil && !*p.AuthorizerCacheTtl.IsUnresolved() {
		if err := validate.AuthorizerCacheSeconds(*p.AuthorizerCacheTtl.ToSeconds(nil)); err != nil {
			return fmt.Errorf("AuthorizerCacheTtl: %w", err)
		}
	}
	auth, handler := p.environments(p.DenyListTtl, p.Rules)
	if err := auth.Check("API authorizer"); err != nil {
		return err
	}
	return handler.Check("API handler")
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orNumber(v *float64, def float64) *float64 {
	if v == nil {
		return jsii.Number(def)
	}
	return v
}
