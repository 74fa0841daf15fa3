// Package groups provides Groups: the user-pool groups of an application,
// declared as data, each optionally with an IAM role that identity-pool users
// of the group receive.
package groups

import (
	"fmt"

	cognito "github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	iam "github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/internal/cdk/cdkutil"
	"github.com/authstack/authstack/internal/validate"
)

// Group declares one user-pool group.
type Group struct {
	// Name of the group, 1-128 characters without spaces. Required.
	Name string
	// Description of the group. Default: none.
	Description string
	// Precedence orders groups when a user is in several (lower wins; it
	// decides cognito:preferred_role). Default: none (Cognito treats it as lowest priority).
	Precedence *float64
	// CreateRole creates an IAM role for the group, assumable by
	// GroupsProps.RolePrincipal. Default: false.
	CreateRole bool
	// Role is an existing IAM role for the group; it excludes CreateRole.
	// Default: none.
	Role iam.IRole
}

// GroupsProps configures Groups.
type GroupsProps struct {
	// UserPool the groups belong to. Required.
	UserPool cognito.IUserPool
	// Groups to create; names must be unique. Default: none.
	Groups []Group
	// RolePrincipal may assume the roles created for groups with CreateRole,
	// typically identitypool.IdentityPool.AuthenticatedPrincipal(). Required
	// when any group has CreateRole.
	RolePrincipal iam.IPrincipal
}

// Groups is an L3 construct creating user-pool groups.
type Groups struct {
	constructs.Construct
	// ByName maps each group name to its group.
	ByName map[string]cognito.UserPoolGroup
	// Roles maps the name of each group that has a role to the role.
	Roles map[string]iam.IRole
}

// NewGroups creates the groups. It panics with a message naming the group
// when props are invalid.
func NewGroups(scope constructs.Construct, id *string, props *GroupsProps) *Groups {
	if err := props.validate(); err != nil {
		panic(fmt.Errorf("groups %s: %w", *id, err))
	}
	g := &Groups{ByName: map[string]cognito.UserPoolGroup{}, Roles: map[string]iam.IRole{}}
	constructs.NewConstruct_Override(g, scope, id)
	for _, spec := range props.Groups {
		cid := validate.GroupConstructID(spec.Name)
		role := spec.Role
		if spec.CreateRole {
			role = iam.NewRole(g, jsii.String(validate.GroupRoleID(spec.Name)), &iam.RoleProps{
				AssumedBy:   props.RolePrincipal,
				Description: jsii.String("Role of members of the user-pool group " + spec.Name),
			})
		}
		opts := &cognito.UserPoolGroupProps{
			UserPool:   props.UserPool,
			GroupName:  jsii.String(spec.Name),
			Precedence: spec.Precedence,
			Role:       role,
		}
		if spec.Description != "" {
			opts.Description = jsii.String(spec.Description)
		}
		g.ByName[spec.Name] = cognito.NewUserPoolGroup(g, jsii.String(cid), opts)
		if role != nil {
			g.Roles[spec.Name] = role
		}
	}
	return g
}

func (p *GroupsProps) validate() error {
	if p == nil || p.UserPool == nil {
		return fmt.Errorf("UserPool is required")
	}
	seen := map[string]bool{}
	for i, spec := range p.Groups {
		if err := validate.GroupName(spec.Name); err != nil {
			return fmt.Errorf("Groups[%d].Name: %w", i, err)
		}
		if seen[spec.Name] {
			return fmt.Errorf("Groups[%d].Name: duplicate group %q", i, spec.Name)
		}
		seen[spec.Name] = true
		if spec.Precedence != nil && cdkutil.LiteralNumber(spec.Precedence) {
			if err := validate.GroupPrecedence(*spec.Precedence); err != nil {
				return fmt.Errorf("Groups[%d].Precedence: %w", i, err)
			}
		}
		if spec.CreateRole && spec.Role != nil {
			//lint:ignore ST1005 starts with the prop's Go name
			return fmt.Errorf("Groups[%d] (%s): set CreateRole or Role, not both", i, spec.Name)
		}
		if spec.CreateRole && p.RolePrincipal == nil {
			//lint:ignore ST1005 starts with the prop's Go name
			return fmt.Errorf("Groups[%d] (%s): CreateRole needs RolePrincipal", i, spec.Name)
		}
	}
	names, roles := make([]string, len(p.Groups)), make([]bool, len(p.Groups))
	for i, spec := range p.Groups {
		names[i], roles[i] = spec.Name, spec.CreateRole
	}
	return validate.GroupIDs(names, roles)
}

// Group returns the group called name, or nil.
func (g *Groups) Group(name string) cognito.UserPoolGroup { return g.ByName[name] }
