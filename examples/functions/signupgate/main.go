// Command signupgate is the shop's pre sign-up hook: authstack's pre
// sign-up function has already refused malformed and disposable addresses
// when it invokes this one with the same event.
//
// It refuses sub-addresses ("name+tag@..."), whose message Cognito shows the
// person, and confirms staff of shop.example.com at once (no code by email).
package main

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// MsgSubAddress is shown to a person signing up with a sub-address.
const MsgSubAddress = "Please sign up without a + in your email address"

// StaffDomain is the domain whose addresses are confirmed at once.
const StaffDomain = "@shop.example.com"

// Handle answers authstack's pre sign-up function with the event Cognito gets.
func Handle(_ context.Context, ev events.CognitoEventUserPoolsPreSignup) (events.CognitoEventUserPoolsPreSignup, error) {
	email := strings.ToLower(ev.Request.UserAttributes["email"])
	local, _, _ := strings.Cut(email, "@")
	if strings.Contains(local, "+") {
		// Cognito shows this message to the person signing up, as written.
		return ev, errors.New(MsgSubAddress) //lint:ignore ST1005 a sentence for people, not a Go error string
	}
	if strings.HasSuffix(email, StaffDomain) {
		ev.Response.AutoConfirmUser = true
		ev.Response.AutoVerifyEmail = true
	}
	return ev, nil
}

func main() { lambda.Start(Handle) }
