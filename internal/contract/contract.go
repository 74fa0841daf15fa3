// Package contract is what deploy time and run time share: the environment
// variables each function reads, and Lambda's budget for them. Constructs
// set the variables, functions read them, and config validation checks the
// budget with the same builders the constructs use, so a configuration that
// validates never overflows a function's environment at synth or deploy.
//
// Standard library only: constructs, config and functions all import it.
package contract

// Environment variables. Every function gets EnvStack.
const (
	// EnvStack is the stack name, the Stack dimension of metrics.
	EnvStack = "AUTHSTACK_STACK"

	// Token verification (authorizer and API handler).
	EnvIssuer    = "AUTHSTACK_ISSUER"     // https://cognito-idp.REGION.amazonaws.com/POOL_ID, the iss claim
	EnvJWKSURL   = "AUTHSTACK_JWKS_URL"   // key set URL; optional (jwtverify.KeySetURL)
	EnvClientIDs = "AUTHSTACK_CLIENT_IDS" // accepted app clients, comma-separated

	// Authorizer.
	EnvRules         = "AUTHSTACK_RULES"          // access rules, JSON
	EnvDenyListTable = "AUTHSTACK_DENYLIST_TABLE" // deny-list table name (also the API handler)

	// API handler.
	EnvAdminGroup         = "AUTHSTACK_ADMIN_GROUP"          // may read any user
	EnvDenyListTTLSeconds = "AUTHSTACK_DENYLIST_TTL_SECONDS" // deny-list item lifetime
	EnvHostedUIURL        = "AUTHSTACK_HOSTED_UI_URL"        // https:// base URL of managed login; optional

	// Pre sign-up.
	EnvDenyDomains  = "AUTHSTACK_DENY_DOMAINS"  // extra disposable domains, comma-separated
	EnvAllowDomains = "AUTHSTACK_ALLOW_DOMAINS" // never disposable, comma-separated

	// User events.
	EnvUserEventsTopicARN = "AUTHSTACK_USER_EVENTS_TOPIC_ARN" // the topic
	EnvPublishUserEvents  = "AUTHSTACK_PUBLISH_USER_EVENTS"   // "true" to publish
	EnvEventIDTable       = "AUTHSTACK_EVENT_ID_TABLE"        // remembers the event id of a Cognito request across retries

	// Pre token generation.
	EnvClaims = "AUTHSTACK_CLAIMS" // token-claim rules, JSON

	// Custom message.
	EnvAppName             = "AUTHSTACK_APP_NAME"              // brand
	EnvEnvironment         = "AUTHSTACK_ENVIRONMENT"           // shown outside production
	EnvProduction          = "AUTHSTACK_PRODUCTION"            // "true" hides the environment
	EnvEmailSendingAccount = "AUTHSTACK_EMAIL_SENDING_ACCOUNT" // COGNITO_DEFAULT or DEVELOPER

	// Hooks: a user's function that pre sign-up or the user-events trigger
	// invokes after its own work (internal/runtime/hook).
	EnvHookFunction = "AUTHSTACK_HOOK_FUNCTION" // function ARN; optional

	// User migration.
	EnvMigrationEndpoint  = "AUTHSTACK_MIGRATION_ENDPOINT"   // https:// legacy endpoint
	EnvMigrationSecretARN = "AUTHSTACK_MIGRATION_SECRET_ARN" // secret with {"token": "..."}

	// Scheduled backup (functions/backup).
	EnvUserPoolID       = "AUTHSTACK_USER_POOL_ID"       // the pool to back up
	EnvBackupBucket     = "AUTHSTACK_BACKUP_BUCKET"      // the backup bucket
	EnvBackupQuotaShare = "AUTHSTACK_BACKUP_QUOTA_SHARE" // share of Cognito's list quota, (0, 1]
)

// Email sending accounts (EmailConfiguration.EmailSendingAccount).
// Source: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_EmailConfigurationType.html
const (
	EmailCognitoDefault = "COGNITO_DEFAULT"
	EmailDeveloper      = "DEVELOPER"
)

// Attributes of the deny-list table (internal/runtime/denylist).
const (
	DenyListKey         = "pk"          // "session#<origin_jti>" or "user#<sub>"
	DenyListSignedOutAt = "signedOutAt" // epoch milliseconds of the user's last sign-out
	DenyListExpiresAt   = "expiresAt"   // epoch seconds; the table's TTL attribute
)

// Attributes of the event-id table (internal/runtime/userevent).
const (
	EventIDKey       = "pk"        // the Cognito request's key
	EventIDValue     = "eventId"   // the id its first attempt claimed
	EventIDExpiresAt = "expiresAt" // epoch seconds; the table's TTL attribute
)
