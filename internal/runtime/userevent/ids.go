package userevent

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/authstack/authstack/internal/contract"
)

// DynamoDB is the part of *dynamodb.Client TableIDs uses.
type DynamoDB interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
}

// TableIDs claims event ids in a DynamoDB table: a conditional put that
// succeeds only when no unexpired claim exists for the key. DynamoDB's TTL
// removes expired items eventually (up to days later), so the condition
// compares expiresAt itself. It is safe for concurrent use.
type TableIDs struct {
	// Client talks to DynamoDB. Required.
	Client DynamoDB
	// Table is the table name. Required.
	Table string
	// Window is how long a claim holds. Default: IDWindow.
	Window time.Duration
}

// Claim implements IDs.
func (t *TableIDs) Claim(ctx context.Context, key, id string, now time.Time) (string, error) {
	window := t.Window
	if window <= 0 {
		window = IDWindow
	}
	_, err := t.Client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(t.Table),
		Item: map[string]types.AttributeValue{
			contract.EventIDKey:       &types.AttributeValueMemberS{Value: key},
			contract.EventIDValue:     &types.AttributeValueMemberS{Value: id},
			contract.EventIDExpiresAt: &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Add(window).Unix(), 10)},
		},
		ConditionExpression:                 aws.String("attribute_not_exists(#pk) OR #exp <= :now"),
		ExpressionAttributeNames:            map[string]string{"#pk": contract.EventIDKey, "#exp": contract.EventIDExpiresAt},
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil {
		return id, nil
	}
	var held *types.ConditionalCheckFailedException
	if !errors.As(err, &held) {
		return "", fmt.Errorf("userevent: claiming the event id: %w", err)
	}
	if v, ok := held.Item[contract.EventIDValue].(*types.AttributeValueMemberS); ok && v.Value != "" {
		return v.Value, nil
	}
	// Without the old item in the answer, read it.
	out, err := t.Client.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(t.Table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{contract.EventIDKey: &types.AttributeValueMemberS{Value: key}},
	})
	if err != nil {
		return "", fmt.Errorf("userevent: reading the claimed event id: %w", err)
	}
	if v, ok := out.Item[contract.EventIDValue].(*types.AttributeValueMemberS); ok && v.Value != "" {
		return v.Value, nil
	}
	return "", errors.New("userevent: the claimed event id is gone")
}
