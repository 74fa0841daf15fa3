package groups_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/groups"
)

// Groups whose admin members get their own role through the identity pool.
func ExampleNewGroups() {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Auth"), nil)
	pool := cognito.NewUserPool(stack, jsii.String("Users"), nil)
	g := groups.NewGroups(stack, jsii.String("Groups"), &groups.GroupsProps{
		UserPool: pool,
		Groups: []groups.Group{
			{Name: "admin", Precedence: jsii.Number(1), CreateRole: true},
			{Name: "customer", Precedence: jsii.Number(100)},
		},
		// In an AuthStack: IdentityPool.AuthenticatedPrincipal().
		RolePrincipal: iam.NewFederatedPrincipal(jsii.String("cognito-identity.amazonaws.com"), nil, jsii.String("sts:AssumeRoleWithWebIdentity")),
	})
	g.Roles["admin"].AddManagedPolicy(iam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("ReadOnlyAccess")))
}
