package userevents_test

import (
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	subs "github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	sqs "github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/jsii-runtime-go"

	"github.com/authstack/authstack/constructs/userevents"
	"github.com/authstack/authstack/internal/test/cdktest"
)

func TestTheTopicTakesSubscriptions(t *testing.T) {
	// GIVEN the user-events topic WHEN a queue, a Lambda function, an
	// email address and an https endpoint subscribe (a Lambda subscription
	// is named after the topic's construct id inside the function, whose own
	// child is "Resource": that collided)
	stack := cdktest.NewStack(t)
	e := userevents.NewUserEvents(stack, jsii.String("Events"), nil)
	q := sqs.NewQueue(stack, jsii.String("Queue"), &sqs.QueueProps{EnforceSSL: jsii.Bool(true)})
	fn := awslambda.NewFunction(stack, jsii.String("Fn"), &awslambda.FunctionProps{
		Runtime: awslambda.Runtime_PYTHON_3_13(), Handler: jsii.String("index.handler"), Code: awslambda.Code_FromInline(jsii.String("def handler(e, c):\n    pass\n")),
	})
	e.Topic.AddSubscription(subs.NewSqsSubscription(q, nil))
	e.Topic.AddSubscription(subs.NewLambdaSubscription(fn, nil))
	e.Topic.AddSubscription(subs.NewEmailSubscription(jsii.String("ops@example.com"), nil))
	e.Topic.AddSubscription(subs.NewUrlSubscription(jsii.String("https://hooks.example.com/events"), nil))
	// AND the same function subscribes to a second user-events topic
	other := userevents.NewUserEvents(stack, jsii.String("OtherEvents"), nil)
	other.Topic.AddSubscription(subs.NewLambdaSubscription(fn, nil))
	// THEN five subscriptions exist
	tpl := assertions.Template_FromStack(stack, nil)
	tpl.ResourceCountIs(jsii.String("AWS::SNS::Subscription"), jsii.Number(5))
	// AND the topic keeps the logical id it had under the construct id
	// "Resource" (measured before the fix), so upgrading replaces no topic
	topics := tpl.FindResources(jsii.String("AWS::SNS::Topic"), nil)
	if _, ok := (*topics)["Events948F067E"]; !ok || len(*topics) != 2 {
		for id := range *topics {
			t.Errorf("topic logical id %s; want Events948F067E, the one it had under the construct id Resource", id)
		}
	}
}
