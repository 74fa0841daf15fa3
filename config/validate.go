package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"regexp"
	"slices"
	"strings"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/validate"
	"github.com/authstack/authstack/rules"
)

const (
	maxCustomAttrNameLen  = 20
	maxCustomStringLength = 2048
)

// LogRetentionValues are the retention periods CloudWatch Logs accepts, in days. Source:
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
var LogRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// StandardAttributeNames are the OIDC standard attributes a user pool supports. Source:
// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
var StandardAttributeNames = []string{
	"address", "birthdate", "email", "family_name", "gender", "given_name", "locale",
	"middle_name", "name", "nickname", "phone_number", "picture", "preferred_username",
	"profile", "updated_at", "website", "zoneinfo",
}

var (
	functionARN  = regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$`)
	appNameRE    = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	clientNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)
	accountRE    = regexp.MustCompile(`^[0-9]{12}$`)
	regionRE     = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	customAttrRE = regexp.MustCompile(`^[A-Za-z0-9_]{1,20}$`)
	// SES configuration set names. Source: https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateConfigurationSet.html
	configSetRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// Validate checks every field and returns all problems at once, each naming
// the field and the bad value.
func (c Config) Validate() error {
	v := &collector{}
	if !appNameRE.MatchString(c.AppName) {
		v.add("appName", "%q must be 1-32 characters of a-z, 0-9 and hyphens, starting with a letter", c.AppName)
	}
	if !appNameRE.MatchString(c.Environment) {
		v.add("environment", "%q must be 1-32 characters of a-z, 0-9 and hyphens, starting with a letter", c.Environment)
	}
	if c.Account != "" && !accountRE.MatchString(c.Account) {
		v.add("account", "%q must be 12 digits", c.Account)
	}
	if !regionRE.MatchString(c.Region) {
		v.add("region", "%q is not an AWS region name (like eu-west-1)", c.Region)
	}
	c.validateDomains(v)
	if !slices.Contains([]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"}, c.LogLevel) {
		v.add("logLevel", "%q must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL", c.LogLevel)
	}
	if !slices.Contains(LogRetentionValues, c.LogRetentionDays) {
		v.add("logRetentionDays", "%d is not a CloudWatch Logs retention value (%v)", c.LogRetentionDays, LogRetentionValues)
	}
	for _, k := range slices.Sorted(maps.Keys(c.Tags)) {
		switch val := c.Tags[k]; {
		case k == "" || len(k) > 128:
			v.add("tags", "key %q must be 1-128 characters", k)
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			v.add("tags", "key %q uses the reserved prefix aws:", k)
		case len(val) > 256:
			v.add("tags."+k, "value is %d characters; at most 256", len(val))
		}
	}
	if c.IdentityPool.NoncurrentVersionExpirationDays < 1 {
		// S3 lifecycle NoncurrentDays is a positive integer.
		// Source: https://docs.aws.amazon.com/AmazonS3/latest/API/API_NoncurrentVersionExpiration.html
		v.add("identityPool.noncurrentVersionExpirationDays", "%d must be at least 1", c.IdentityPool.NoncurrentVersionExpirationDays)
	}
	c.validateUserPool(v)
	c.validateTokens(v)
	if c.CustomDomains && c.HostedUI.DomainPrefix != "" {
		v.add("hostedUi.domainPrefix", "%q is set, but with customDomains the hosted UI is served on authDomainName only; remove it, or set customDomains: false", c.HostedUI.DomainPrefix)
	} else if !c.CustomDomains {
		v.check("hostedUi.domainPrefix", validate.CognitoDomainPrefix(c.DomainPrefix()))
	}
	switch m := c.HostedUI.ManagedLoginVersion; {
	case m != 0 && m != 1 && m != 2:
		v.add("hostedUi.managedLoginVersion", "%d must be 2 (managed login) or 1 (the classic hosted UI)", m)
	case m == 2 && c.UserPool.FeaturePlan == "LITE":
		// Source: https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-managed-login.html
		v.add("hostedUi.managedLoginVersion", "2 (managed login) needs the ESSENTIALS or PLUS feature plan; with userPool.featurePlan LITE the classic hosted UI (1) is the only one")
	}
	c.validateBackup(v)
	c.validateClients(v)
	c.validateResourceServer(v)
	c.validateGroups(v)
	c.validateTriggers(v)
	c.validateAPI(v)
	for _, err := range c.LambdaEnvironments() {
		v.check("lambda environment", err)
	}
	for i, e := range c.Monitoring.AlarmEmails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			v.add(fmt.Sprintf("monitoring.alarmEmails[%d]", i), "%q is not an email address", e)
		}
	}
	return v.err()
}

func (c Config) validateUserPool(v *collector) {
	up := c.UserPool
	if !slices.Contains([]string{"LITE", "ESSENTIALS", "PLUS"}, up.FeaturePlan) {
		v.add("userPool.featurePlan", "%q must be LITE, ESSENTIALS or PLUS", up.FeaturePlan)
	}
	if !slices.Contains([]string{"OFF", "OPTIONAL", "REQUIRED"}, up.MFA) {
		v.add("userPool.mfa", "%q must be OFF, OPTIONAL or REQUIRED", up.MFA)
	}
	v.check("userPool.password.minLength", validate.PasswordMinLength(float64(up.Password.MinLength)))
	if d := up.Password.TemporaryPasswordValidityDays; d < 1 || d > 365 {
		v.add("userPool.password.temporaryPasswordValidityDays", "%d must be between 1 and 365", d)
	}
	seen := map[string]bool{}
	email := false
	for i, a := range up.Attributes {
		f := fmt.Sprintf("userPool.attributes[%d]", i)
		switch {
		case !slices.Contains(StandardAttributeNames, a.Name):
			v.add(f+".name", "%q is not a standard attribute (%s); use customAttributes for your own", a.Name, strings.Join(StandardAttributeNames, ", "))
		case seen[a.Name]:
			v.add(f+".name", "%q is listed twice", a.Name)
		}
		seen[a.Name] = true
		if a.Name == "email" {
			email = true
			if !a.Required {
				v.add(f+".required", "email is the username and must be required")
			}
		}
	}
	if !email {
		v.add("userPool.attributes", "email is the username and must be listed (required: true)")
	}
	if ses := up.Email.SES; ses != nil {
		for _, a := range []struct{ field, value string }{{"fromAddress", ses.FromAddress}, {"replyTo", ses.ReplyTo}} {
			if a.value == "" && a.field == "replyTo" {
				continue
			}
			if addr, err := mail.ParseAddress(a.value); err != nil || addr.Address != a.value {
				v.add("userPool.email.ses."+a.field, "%q is not an email address", a.value)
			}
		}
		if ses.Region != "" && !regionRE.MatchString(ses.Region) {
			v.add("userPool.email.ses.region", "%q is not an AWS region name (like eu-west-1)", ses.Region)
		}
		if d := ses.VerifiedDomain; d != "" {
			if err := validate.DomainName(d); err != nil {
				v.check("userPool.email.ses.verifiedDomain", err)
			} else if _, domain, _ := strings.Cut(ses.FromAddress, "@"); domain != d {
				// aws-cdk-lib requires the address's domain to be the identity itself.
				v.add("userPool.email.ses.fromAddress", "%q is not at the verified domain %q (the part after @ must be exactly it)", ses.FromAddress, d)
			}
		}
		if len(ses.FromName) > 256 || strings.ContainsAny(ses.FromName, "\r\n\"<>") {
			v.add("userPool.email.ses.fromName", "%q must be at most 256 characters without line breaks, quotes or angle brackets", ses.FromName)
		}
		if cs := ses.ConfigurationSet; cs != "" && !configSetRE.MatchString(cs) {
			v.add("userPool.email.ses.configurationSet", "%q must be 1-64 characters of A-Z, a-z, 0-9, _ and -", cs)
		}
	}
	for i, a := range up.CustomAttributes {
		f := fmt.Sprintf("userPool.customAttributes[%d]", i)
		if !customAttrRE.MatchString(a.Name) {
			v.add(f+".name", "%q must be 1-%d characters of A-Z, a-z, 0-9 and _ (without the custom: prefix)", a.Name, maxCustomAttrNameLen)
		} else if seen["custom:"+a.Name] {
			v.add(f+".name", "%q is listed twice", a.Name)
		}
		seen["custom:"+a.Name] = true
		if a.Type != "" && a.Type != "String" && a.Type != "Number" {
			v.add(f+".type", "%q must be String or Number", a.Type)
		}
		if a.MinLength < 0 || a.MaxLength < 0 || a.MaxLength > maxCustomStringLength || (a.MaxLength != 0 && a.MinLength > a.MaxLength) {
			v.add(f, "minLength %d and maxLength %d must satisfy 0 <= minLength <= maxLength <= %d", a.MinLength, a.MaxLength, maxCustomStringLength)
		}
	}
}

func (c Config) validateTokens(v *collector) {
	t := c.Tokens
	for _, m := range []struct {
		field string
		value int
	}{
		{"tokens.accessTokenValidityMinutes", t.AccessTokenValidityMinutes},
		{"tokens.idTokenValidityMinutes", t.IDTokenValidityMinutes},
		{"tokens.machineAccessTokenValidityMinutes", t.MachineAccessTokenValidityMinutes},
	} {
		v.check(m.field, validate.TokenMinutes(float64(m.value)))
	}
	if d, maxDays := t.RefreshTokenValidityDays, validate.MaxRefreshTokenMinutes/(24*60); d < 1 || d > maxDays {
		v.add("tokens.refreshTokenValidityDays", "%d days is outside the range of 1 to %d days (10 years)", d, maxDays)
	}
}

func (c Config) validateClients(v *collector) {
	if len(c.AppClients) == 0 {
		v.add("appClients", "at least one app client is required")
	}
	seen := map[string]bool{}
	pascals := map[string]string{}
	for i, ac := range c.AppClients {
		f := fmt.Sprintf("appClients[%d]", i)
		if !clientNameRE.MatchString(ac.Name) {
			v.add(f+".name", "%q must be 1-32 characters of a-z, 0-9 and hyphens, starting with a letter", ac.Name)
		} else if seen[ac.Name] {
			v.add(f+".name", "%q is listed twice", ac.Name)
		} else if other, ok := pascals[contract.Pascal(ac.Name)]; ok {
			// Construct ids and outputs are named after the PascalCase form.
			v.add(f+".name", "%q and %q are both %q in construct ids and outputs; rename one", other, ac.Name, contract.Pascal(ac.Name))
		} else if contract.OutputClientID(contract.Pascal(ac.Name)) == contract.OutputMachineClientID {
			v.add(f+".name", "%q is taken by the machine client (output %s)", ac.Name, contract.OutputMachineClientID)
		}
		seen[ac.Name] = true
		pascals[contract.Pascal(ac.Name)] = ac.Name
		if len(ac.CallbackURLs) == 0 {
			v.add(f+".callbackUrls", "at least one callback URL is required")
		}
		for _, list := range []struct {
			field  string
			urls   []string
			logout bool
		}{{"callbackUrls", ac.CallbackURLs, false}, {"logoutUrls", ac.LogoutURLs, true}} {
			if len(list.urls) > validate.MaxRedirectURLs {
				v.add(f+"."+list.field, "%d URLs; Cognito allows at most %d", len(list.urls), validate.MaxRedirectURLs)
			}
			for j, u := range list.urls {
				field := fmt.Sprintf("%s.%s[%d]", f, list.field, j)
				if err := validate.RedirectURL(u); err != nil {
					v.check(field, err)
				} else {
					v.check(field, c.redirectIntoDomains(u, list.logout))
				}
			}
		}
	}
}

func (c Config) validateResourceServer(v *collector) {
	if c.ResourceServerIdentifier() == "" {
		v.add("resourceServer.identifier", "required when apiDomainName is not set (it defaults to apiDomainName)")
	} else {
		v.check("resourceServer.identifier", validate.ResourceServerIdentifier(c.ResourceServerIdentifier()))
	}
	if len(c.ResourceServer.Scopes) == 0 {
		v.add("resourceServer.scopes", "at least one scope is required")
	} else {
		v.check("resourceServer.scopes", validate.ScopeCount(len(c.ResourceServer.Scopes)))
	}
	names := map[string]bool{}
	for i, s := range c.ResourceServer.Scopes {
		f := fmt.Sprintf("resourceServer.scopes[%d].name", i)
		if err := validate.ScopeName(s.Name); err != nil {
			v.check(f, err)
		} else if names[s.Name] {
			v.add(f, "%q is listed twice", s.Name)
		}
		names[s.Name] = true
		if s.Description != "" {
			v.check(fmt.Sprintf("resourceServer.scopes[%d].description", i), validate.ScopeDescription(s.Description))
		}
	}
	for i, s := range c.ResourceServer.MachineClientScopes {
		if !names[s] {
			v.add(fmt.Sprintf("resourceServer.machineClientScopes[%d]", i), "%q is not a scope of the resource server", s)
		}
	}
}

func (c Config) validateGroups(v *collector) {
	seen := map[string]bool{}
	for i, g := range c.Groups {
		f := fmt.Sprintf("groups[%d]", i)
		if err := validate.GroupName(g.Name); err != nil {
			v.check(f+".name", err)
		} else if seen[g.Name] {
			v.add(f+".name", "duplicate group %q", g.Name)
		}
		seen[g.Name] = true
		v.check(f+".precedence", validate.GroupPrecedence(float64(g.Precedence)))
		if len(g.Description) > 2048 {
			v.add(f+".description", "is %d characters; at most 2048", len(g.Description))
		}
	}
	names, roles := make([]string, len(c.Groups)), make([]bool, len(c.Groups))
	for i, g := range c.Groups {
		names[i], roles[i] = g.Name, g.IAMRole
	}
	v.check("groups", validate.GroupIDs(names, roles))
}

func (c Config) validateTriggers(v *collector) {
	t := c.Triggers
	for _, list := range []struct {
		field   string
		domains []string
	}{{"triggers.denyDomains", t.DenyDomains}, {"triggers.allowDomains", t.AllowDomains}} {
		for i, d := range list.domains {
			v.check(fmt.Sprintf("%s[%d]", list.field, i), validate.DomainName(d))
		}
	}
	if err := t.TokenClaims.Validate(); err != nil {
		v.check("triggers.tokenClaims", err)
	}
	if !t.TokenClaims.Empty() && c.UserPool.FeaturePlan == "LITE" {
		v.add("triggers.tokenClaims", "pre token generation for access tokens needs the ESSENTIALS or PLUS feature plan, not LITE")
	}
	if m := t.Migration; m.Enabled {
		v.check("triggers.migration.endpoint", validate.HTTPSURL(m.Endpoint))
		v.check("triggers.migration.secretArn", validate.SecretCompleteARN(m.SecretARN))
	}
	v.check("triggers.memoryMb", validate.LambdaMemory(float64(t.MemoryMB)))
	for _, h := range []struct{ field, arn string }{{"triggers.preSignUpHookArn", t.PreSignUpHookARN}, {"triggers.userEventsHookArn", t.UserEventsHookARN}} {
		if h.arn != "" && !functionARN.MatchString(h.arn) {
			v.add(h.field, "%q is not a Lambda function ARN (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME)", h.arn)
		}
	}
	v.check("appName and environment", contract.CheckBrand(c.AppName, c.Environment))
}

func (c Config) validateAPI(v *collector) {
	a := c.API
	if !slices.ContainsFunc(c.Groups, func(g Group) bool { return g.Name == a.AdminGroup }) {
		v.add("api.adminGroup", "%q is not one of the groups", a.AdminGroup)
	}
	if a.UpstreamURL != "" {
		v.check("api.upstreamUrl", validate.HTTPSURL(a.UpstreamURL))
	}
	if err := rules.Validate(c.APIRules()); err != nil {
		v.check("api.rules", err)
	}
	v.check("api.throttlingRateLimit", validate.ThrottlingRate(a.ThrottlingRateLimit))
	v.check("api.throttlingBurstLimit", validate.ThrottlingBurst(float64(a.ThrottlingBurstLimit)))
	v.check("api.authorizerCacheSeconds", validate.AuthorizerCacheSeconds(float64(a.AuthorizerCacheSeconds)))
	if d := a.DisableExecuteAPIEndpoint; d != nil && *d && !c.CustomDomains {
		v.add("api.disableExecuteApiEndpoint", "true needs customDomains: without apiDomainName the API would answer nowhere")
	}
}

// collector gathers field errors.
type collector struct{ errs []error }

func (v *collector) add(field, format string, args ...any) {
	v.errs = append(v.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

func (v *collector) check(field string, err error) {
	if err != nil {
		v.errs = append(v.errs, fmt.Errorf("%s: %w", field, err))
	}
}

func (v *collector) err() error { return errors.Join(v.errs...) }

// LambdaEnvironments checks the environment of every function the stack
// builds against Lambda's 4 KB budget (contract.MaxEnvBytes), with the same
// builders the constructs use; it returns one error per function that can
// overflow.
func (c Config) LambdaEnvironments() []error {
	type function struct {
		name string
		env  contract.Env
	}
	t := c.Triggers
	triggers := contract.TriggerFunctions{
		PreSignUp: true, DenyDomains: t.DenyDomains, AllowDomains: t.AllowDomains, PreSignUpHook: t.PreSignUpHookARN != "",
		UserEvents: true, Publish: c.PublishUserEvents, UserEventsHook: t.UserEventsHookARN != "",
		CustomMessage: c.EmailSendingAccount() == contract.EmailDeveloper || c.UserPool.SMS,
		AppName:       c.AppName, Environment: c.Environment, Production: c.Production, SendingAccount: c.EmailSendingAccount(),
		Migration: t.Migration.Enabled, MigrationEndpoint: t.Migration.Endpoint,
	}
	if !t.TokenClaims.Empty() {
		claims, _ := json.Marshal(t.TokenClaims)
		triggers.Claims = string(claims)
	}
	var fns []function
	for name, env := range triggers.Envs() {
		fns = append(fns, function{name, env})
	}
	slices.SortFunc(fns, func(a, b function) int { return strings.Compare(a.name, b.name) })
	rulesJSON, _ := json.Marshal(c.APIRules())
	clients := len(c.AppClients) + 1 // and the machine client
	fns = append(fns,
		function{"API authorizer", contract.AuthorizerEnv(string(rulesJSON), clients, "")},
		function{"API handler", contract.APIHandlerEnv(c.API.AdminGroup, c.Tokens.RefreshTokenValidityDays*24*60*60, clients, "", true)})
	var errs []error
	for _, f := range fns {
		if err := f.env.Check(f.name); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// scheduleExpression is an EventBridge rate or cron expression.
// Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
var scheduleExpression = regexp.MustCompile(`^(rate\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\)|cron\(\S+ \S+ \S+ \S+ \S+ \S+\))$`)

func (c Config) validateBackup(v *collector) {
	b := c.Backup
	if !b.Enabled {
		return
	}
	if !scheduleExpression.MatchString(b.Schedule) {
		v.add("backup.schedule", "%q is not an EventBridge schedule: rate(1 day), rate(12 hours) or cron(MIN HOUR DAY MONTH WEEKDAY YEAR)", b.Schedule)
	} else if hours, ok := rateHours(b.Schedule); ok {
		switch {
		case hours < 1:
			// Runs would overlap, each at quotaShare of the pool's list quota.
			v.add("backup.schedule", "%q runs more than once an hour; a backup of a large pool takes longer, and runs would share Cognito's list quota", b.Schedule)
		case b.MaxAgeHours >= 1 && b.MaxAgeHours <= int(hours):
			v.add("backup.maxAgeHours", "%d is not longer than the schedule's %v hours: the alarm would fire between every two backups", b.MaxAgeHours, hours)
		}
	}
	if b.RetentionDays < 1 {
		v.add("backup.retentionDays", "%d must be at least 1", b.RetentionDays)
	}
	if b.MaxAgeHours < 1 || b.MaxAgeHours > 168 {
		v.add("backup.maxAgeHours", "%d must be 1-168 (a CloudWatch alarm evaluates at most 7 days)", b.MaxAgeHours)
	}
	if b.QuotaShare <= 0 || b.QuotaShare > 1 {
		v.add("backup.quotaShare", "%v must be in (0, 1]", b.QuotaShare)
	}
}

// rateHours is the interval of a rate(N unit) expression in hours.
func rateHours(expr string) (float64, bool) {
	var n float64
	var unit string
	if _, err := fmt.Sscanf(expr, "rate(%g %s", &n, &unit); err != nil {
		return 0, false
	}
	switch strings.TrimSuffix(strings.TrimSuffix(unit, ")"), "s") {
	case "minute":
		return n / 60, true
	case "hour":
		return n, true
	case "day":
		return n * 24, true
	}
	return 0, false
}
