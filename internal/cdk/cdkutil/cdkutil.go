// Package cdkutil holds small helpers for construct validation: CDK values
// may be tokens resolved only at deploy time, which validation must skip.
package cdkutil

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Literal reports whether s is set and known at synth time (not a token).
func Literal(s *string) bool { return s != nil && !*awscdk.Token_IsUnresolved(s) }

// LiteralNumber reports whether n is set and not a token (a token number
// is a huge negative float such as -1.888e+289, not a value to check).
func LiteralNumber(n *float64) bool { return n != nil && !*awscdk.Token_IsUnresolved(n) }

// Minutes returns d in minutes, and false when d is nil or a token.
func Minutes(d awscdk.Duration) (float64, bool) {
	if d == nil || *d.IsUnresolved() {
		return 0, false
	}
	return *d.ToMinutes(nil), true
}

// Alphanumeric keeps the ASCII letters and digits of s: what a construct
// id becomes in a logical id, and all an IAM statement id may hold.
func Alphanumeric(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// ContextString is the CDK context value key as seen from scope (-c
// key=value, cdk.json), and whether it is set and not empty.
func ContextString(scope constructs.IConstruct, key string) (string, bool) {
	v := scope.Node().TryGetContext(jsii.String(key))
	if v == nil {
		return "", false
	}
	s := fmt.Sprint(v)
	return s, s != ""
}
