package contract

// Outputs of AuthStack (stacks/): what `cdk deploy --outputs-file` writes and
// the e2e journey, `make local` and the CLI read.
const (
	OutputUserPoolID               = "UserPoolId"
	OutputUserPoolARN              = "UserPoolArn"
	OutputIssuerURL                = "IssuerUrl"
	OutputJWKSURL                  = "JwksUrl"
	OutputHostedUIBaseURL          = "HostedUiBaseUrl"
	OutputResourceServerIdentifier = "ResourceServerIdentifier"
	OutputMachineClientID          = "MachineClientId"
	OutputIdentityPoolID           = "IdentityPoolId"
	OutputStorageBucketName        = "StorageBucketName"
	OutputUserEventsTopicARN       = "UserEventsTopicArn"
	OutputAlarmTopicARN            = "AlarmTopicArn"
	OutputAPIURL                   = "ApiUrl"
	OutputDenyListTableName        = "DenyListTableName"
	OutputDashboardName            = "DashboardName"
)

// OutputClientID and OutputSignInURL name an app client's outputs: its
// name in PascalCase ("Web") + "ClientId" / "SignInUrl".
func OutputClientID(pascalName string) string  { return pascalName + "ClientId" }
func OutputSignInURL(pascalName string) string { return pascalName + "SignInUrl" }
