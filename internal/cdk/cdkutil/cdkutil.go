// Package cdkutil holds small helpers for construct validation: CDK values
// may be tokens resolved only at deploy time, which validation must skip.
package cdkutil

import "github.com/aws/aws-cdk-go/awscdk/v2"

// Literal reports whether s is set and known at synth time (not a token).
func Literal(s *string) bool { return s != nil && !*awscdk.Token_IsUnresolved(s) }

// Minutes returns d in minutes, and false when d is nil or a token.
func Minutes(d awscdk.Duration) (float64, bool) {
	if d == nil || *d.IsUnresolved() {
		return 0, false
	}
	return *d.ToMinutes(nil), true
}
