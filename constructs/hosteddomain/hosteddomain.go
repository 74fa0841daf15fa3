// Package hosteddomain provides HostedDomain, the domain of a user pool's
// hosted UI (managed login) and OAuth2 endpoints. Today it is a Cognito prefix
// domain (https://PREFIX.auth.REGION.amazoncognito.com).
package hosteddomain

import (
	"fmt"

	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/validate"
)

// HostedDomainProps configures a HostedDomain.
type HostedDomainProps struct {
	// UserPool the domain serves. Required.
	UserPool cognito.IUserPool
	// DomainPrefix is the Cognito prefix: 1-63 characters of a-z, 0-9 and
	// inner hyphens, without "aws", "amazon" or "cognito", unique in the region.
	// Required.
	DomainPrefix *string
}

// HostedDomain is an L3 construct around cognito.UserPoolDomain.
type HostedDomain struct {
	constructs.Construct
	// Domain is the user-pool domain (construct id "Resource").
	Domain cognito.UserPoolDomain
}

// NewHostedDomain creates the hosted UI domain. It panics with a message
// naming the prop when props are invalid.
func NewHostedDomain(scope constructs.Construct, id *string, props *HostedDomainProps) *HostedDomain {
	if props == nil || props.UserPool == nil {
		panic(fmt.Errorf("hosteddomain %s: UserPool is required", *id))
	}
	if props.DomainPrefix == nil {
		panic(fmt.Errorf("hosteddomain %s: DomainPrefix is required", *id))
	}
	if cdkutil.Literal(props.DomainPrefix) {
		if err := validate.CognitoDomainPrefix(*props.DomainPrefix); err != nil {
			panic(fmt.Errorf("hosteddomain %s: DomainPrefix: %w", *id, err))
		}
	}
	d := &HostedDomain{}
	constructs.NewConstruct_Override(d, scope, id)
	d.Domain = cognito.NewUserPoolDomain(d, jsii.String("Resource"), &cognito.UserPoolDomainProps{
		UserPool:      props.UserPool,
		CognitoDomain: &cognito.CognitoDomainOptions{DomainPrefix: props.DomainPrefix},
	})
	return d
}

// BaseUrl is the domain's base URL with its scheme and without a trailing
// slash: https://PREFIX.auth.REGION.amazoncognito.com (aws-cdk-lib builds it
// from the domain's Ref, the prefix, and the stack's region).
func (d *HostedDomain) BaseUrl() *string { return d.Domain.BaseUrl(nil) }

// SignInUrl is the hosted UI sign-in URL of client, redirecting to redirectUri
// (one of the client's callback URLs) after sign-in:
// BaseUrl + "/login?client_id=CLIENT_ID&response_type=code&redirect_uri=URI".
func (d *HostedDomain) SignInUrl(client cognito.UserPoolClient, redirectUri *string) *string {
	return d.Domain.SignInUrl(client, &cognito.SignInUrlOptions{RedirectUri: redirectUri})
}
