package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// A pre sign-up event as the Cognito developer guide's sample shows it
// (user-pool-lambda-pre-sign-up.html), with the address under test.
const sample = `{"version":"1","region":"us-east-1","userPoolId":"us-east-1_EXAMPLE","userName":"testuser",
"callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown","clientId":"1example23456789"},
"triggerSource":"PreSignUp_SignUp","request":{"userAttributes":{"email":"%s"},"validationData":null},
"response":{"autoConfirmUser":false,"autoVerifyEmail":false,"autoVerifyPhone":false}}`

func event(t *testing.T, email string) events.CognitoEventUserPoolsPreSignup {
	var ev events.CognitoEventUserPoolsPreSignup
	quoted, _ := json.Marshal(email)
	if err := json.Unmarshal([]byte(fmt.Sprintf(sample, quoted[1:len(quoted)-1])), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestHandle(t *testing.T) {
	out, err := Handle(context.Background(), event(t, "anna@shop.example.com"))
	if err != nil || !out.Response.AutoConfirmUser || !out.Response.AutoVerifyEmail {
		t.Errorf("staff: %+v, %v; want confirmed at once", out.Response, err)
	}
	out, err = Handle(context.Background(), event(t, "jane@example.org"))
	if err != nil || out.Response.AutoConfirmUser {
		t.Errorf("customer: %+v, %v; want a normal sign-up", out.Response, err)
	}
	if _, err := Handle(context.Background(), event(t, "jane+shop@example.org")); err == nil || err.Error() != MsgSubAddress {
		t.Errorf("sub-address: %v; want %q", err, MsgSubAddress)
	}
}
