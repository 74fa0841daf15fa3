package contract

import (
	"strings"
	"testing"
)

func TestSizeIsTheJSONLambdaMeasures(t *testing.T) {
	// Lambda reports the measured string as the JSON object of the variables
	// ("exceeded the 4KB limit. String measured: {...}").
	e := Env{Vars: map[string]string{"A": "x<y", "B": `q"u`}, Deployed: map[string]int{"C": 3}}
	want := `{"A":"x<y","B":"q\"u","C":"xxx"}`
	if got := e.Size(); got != len(want) {
		t.Errorf("Size = %d; want %d (%s)", got, len(want), want)
	}
	if e.Check("test") != nil {
		t.Error("a small environment fails the check")
	}
}

func TestCheckNamesTheFunctionAndTheLargestVariables(t *testing.T) {
	e := PreSignUpEnv([]string{strings.Repeat("d", 4000) + ".example"}, nil, false)
	err := e.Check("pre sign-up")
	if err == nil {
		t.Fatal("a 4 KB list passed")
	}
	for _, want := range []string{"the pre sign-up function's environment needs up to", "Lambda allows 4096", "AUTHSTACK_DENY_DOMAINS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

func TestDeployTimeValuesCountAtTheirLongest(t *testing.T) {
	e := UserEventsEnv(true, false)
	// The three deploy-time values alone are this long; names and literals come on top.
	if e.Size() <= MaxStackNameLen+MaxTopicARNLen+MaxTableNameLen {
		t.Errorf("Size %d does not count the deploy-time values at their longest", e.Size())
	}
	if strings.Join(e.Names(), ",") != "AUTHSTACK_EVENT_ID_TABLE,AUTHSTACK_PUBLISH_USER_EVENTS,AUTHSTACK_STACK,AUTHSTACK_USER_EVENTS_TOPIC_ARN" {
		t.Errorf("Names = %v", e.Names())
	}
}
