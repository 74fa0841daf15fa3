package contract

import "strings"

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
	OutputBackupBucketName         = "BackupBucketName"
	OutputBackupStateMachineARN    = "BackupStateMachineArn"
)

// Outputs are the stack outputs of fixed name (the app clients' are named
// by OutputClientID and OutputSignInURL).
func Outputs() []string {
	return []string{OutputUserPoolID, OutputUserPoolARN, OutputIssuerURL, OutputJWKSURL, OutputHostedUIBaseURL, OutputResourceServerIdentifier,
		OutputMachineClientID, OutputIdentityPoolID, OutputStorageBucketName, OutputUserEventsTopicARN, OutputAlarmTopicARN, OutputAPIURL,
		OutputDenyListTableName, OutputDashboardName, OutputBackupBucketName, OutputBackupStateMachineARN}
}

// OutputClientID and OutputSignInURL name an app client's outputs: its
// name in PascalCase ("Web") + "ClientId" / "SignInUrl".
func OutputClientID(pascalName string) string  { return pascalName + "ClientId" }
func OutputSignInURL(pascalName string) string { return pascalName + "SignInUrl" }

// Pascal turns a config name ("web-app") into the PascalCase form
// ("WebApp") of the construct ids and outputs named after it.
func Pascal(name string) string {
	var b strings.Builder
	for _, part := range strings.Split(name, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}
