package userevent

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/authstack/authstack/internal/test/testevents"
)

// FuzzEventFrom feeds EventFrom trigger events whose every byte the fuzzer
// chooses (user attributes and the user name are the user's). Properties:
// no panic; an event it builds names a pool and a user within the limits
// it promises, and serializes for SNS.
func FuzzEventFrom(f *testing.F) {
	for _, name := range []string{
		"reference/CognitoCreateUserPostConfirmation.json", "reference/CognitoUserSignIn_PostAuthentication.json",
		"reference/CognitoUserSignIn_PreAuthentication.json", "aws/postconfirmation-admin.json", "aws/preauthentication-user-not-found.json",
		"lambda-go/cognito-event-userpools-postauthentication.json",
	} {
		f.Add(testevents.Load(f, name))
	}
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := EventFrom(raw, now)
		if err != nil {
			if errors.Is(err, ErrUserNotFound) && !json.Valid(raw) {
				t.Fatal("user-not-found from bytes that are not JSON")
			}
			return
		}
		if ev.UserPoolID == "" || ev.Sub == "" || len(ev.Sub) > 128 || len(ev.UserPoolID) > 55 || len(ev.ClientID) > 128 || ev.EventID == "" {
			t.Fatalf("event %+v breaks its limits", ev)
		}
		if _, err := json.Marshal(ev); err != nil {
			t.Fatalf("event does not serialize: %v", err)
		}
	})
}
