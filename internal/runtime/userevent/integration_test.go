package userevent

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/test/mototest"
	"github.com/authstack/authstack/internal/test/testevents"
)

// TestPublishThroughSNS publishes every event type through a real SNS API
// (moto) to a subscribed queue and checks each delivered message against
// docs/events.schema.json and its eventType attribute.
func TestPublishThroughSNS(t *testing.T) {
	cfg := mototest.Start(t)
	ctx := mototest.Context(t)
	snsc, sqsc := sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("user-events")})
	if err != nil {
		t.Fatal(err)
	}
	queue, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("subscriber")})
	if err != nil {
		t.Fatal(err)
	}
	queueArn := "arn:aws:sqs:" + mototest.Region + ":123456789012:subscriber"
	if _, err := snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(queueArn)}); err != nil {
		t.Fatal(err)
	}

	m, buf := testevents.Metrics()
	p := &Publisher{Client: snsc, TopicARN: aws.ToString(topic.TopicArn), Enabled: true, Metrics: m,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
	files := map[string]string{
		"reference/CognitoCreateUserPostConfirmation.json":    SignUpConfirmed,
		"reference/CognitoUserSignIn_PreAuthentication.json":  SignInAttempted,
		"reference/CognitoUserSignIn_PostAuthentication.json": SignedIn,
	}
	for f := range files {
		if _, err := p.Handle(ctx, testevents.Load(t, f)); err != nil {
			t.Fatal(err)
		}
	}
	if n := testevents.Counted(t, buf.Buffer, contract.PublishFailures); n != 0 {
		t.Fatalf("%d publish failures against moto", n)
	}

	schema := compileSchema(t)
	seen := map[string]bool{}
	deadline := time.Now().Add(20 * time.Second)
	for len(seen) < len(files) && time.Now().Before(deadline) {
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: queue.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range out.Messages {
			var envelope struct {
				Message           string
				MessageAttributes map[string]struct{ Type, Value string }
			}
			if err := json.Unmarshal([]byte(aws.ToString(msg.Body)), &envelope); err != nil {
				t.Fatalf("SNS envelope: %v", err)
			}
			body, err := jsonschema.UnmarshalJSON(strings.NewReader(envelope.Message))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(body); err != nil {
				t.Errorf("event does not match docs/events.schema.json: %v\n%s", err, envelope.Message)
			}
			var ev Event
			json.Unmarshal([]byte(envelope.Message), &ev)
			if envelope.MessageAttributes["eventType"].Value != ev.EventType {
				t.Errorf("eventType attribute %q != body %q", envelope.MessageAttributes["eventType"].Value, ev.EventType)
			}
			seen[ev.EventType] = true
		}
	}
	for _, typ := range files {
		if !seen[typ] {
			t.Errorf("no %s event delivered", typ)
		}
	}
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join(testevents.Dir(), "..", "..", "docs", "events.schema.json")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("events.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("events.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaRejectsBadEvents proves the schema check above can fail.
func TestSchemaRejectsBadEvents(t *testing.T) {
	schema := compileSchema(t)
	good, _ := EventFrom(testevents.Load(t, "reference/CognitoUserSignIn_PostAuthentication.json"), t0)
	b, _ := json.Marshal(good)
	for name, mutate := range map[string]func(map[string]interface{}){
		"ok":              func(map[string]interface{}) {},
		"unknown type":    func(m map[string]interface{}) { m["eventType"] = "Teleported" },
		"extra field":     func(m map[string]interface{}) { m["password"] = "x" },
		"missing sub":     func(m map[string]interface{}) { delete(m, "sub") },
		"email on signin": func(m map[string]interface{}) { m["email"] = "a@b.co" },
	} {
		var m map[string]interface{}
		json.Unmarshal(b, &m)
		mutate(m)
		err := schema.Validate(m)
		if (err == nil) != (name == "ok") {
			t.Errorf("%s: Validate = %v", name, err)
		}
	}
}

// TestTableIDsAgainstDynamoDB claims event ids in a real DynamoDB API
// (moto): the conditional put, the old item returned on a held claim, and
// a claim that expired.
func TestTableIDsAgainstDynamoDB(t *testing.T) {
	cfg := mototest.Start(t)
	ctx := mototest.Context(t)
	ddb := dynamodb.NewFromConfig(cfg)
	if _, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("event-ids"), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String(contract.EventIDKey), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String(contract.EventIDKey), KeyType: ddbtypes.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}
	ids := &TableIDs{Client: ddb, Table: "event-ids"}
	at := time.Now()
	claim := func(id string, when time.Time) string {
		t.Helper()
		got, err := ids.Claim(ctx, "k1", id, when)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := claim("first", at); got != "first" {
		t.Fatalf("first claim = %q", got)
	}
	if got := claim("retry", at.Add(3*time.Second)); got != "first" {
		t.Errorf("retry got %q; want the first attempt's id", got)
	}
	if got := claim("later", at.Add(IDWindow+time.Second)); got != "later" {
		t.Errorf("after the window got %q; want a new claim", got)
	}
	if got, err := ids.Claim(ctx, "k2", "other", at); err != nil || got != "other" {
		t.Errorf("another request: %q, %v", got, err)
	}
}
