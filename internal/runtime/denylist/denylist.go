// Package denylist records signed-out sessions and users in a DynamoDB table
// and answers whether a verified token was revoked.
//
// Two kinds of item, both with a TTL of the longest token lifetime (so the
// table cleans itself once every token they could deny has expired):
//
//	pk = "session#<origin_jti>"              the signed-out session
//	pk = "user#<sub>", signedOutAt = ms      the user's last sign-out
//
// A token is revoked if its session is listed, or if it was issued (iat)
// before the user's signedOutAt. Lookups are one strongly consistent
// BatchGetItem.
package denylist

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
	"github.com/authstack/authstack/internal/runtime/jwtverify"
)

// DynamoDB is the part of *dynamodb.Client the List uses.
type DynamoDB interface {
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// List is the deny-list. It is safe for concurrent use.
type List struct {
	// Client talks to DynamoDB. Required.
	Client DynamoDB
	// Table is the table name. Required.
	Table string
	// TTL is how long items live: the longest token lifetime (the refresh
	// token's). Required.
	TTL time.Duration
}

// Revoked reports whether c's session or user was signed out, and why.
// An error means the answer is unknown: callers must deny (fail closed).
func (l *List) Revoked(ctx context.Context, c *jwtverify.Claims) (bool, string, error) {
	keys := []map[string]types.AttributeValue{key("user#" + c.Subject)}
	if sid := c.SessionID(); sid != "" {
		keys = append(keys, key("session#"+sid))
	}
	out, err := l.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		l.Table: {Keys: keys, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		return false, "", fmt.Errorf("denylist: %w", err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return false, "", errors.New("denylist: lookup throttled (unprocessed keys)")
	}
	for _, item := range out.Responses[l.Table] {
		k, _ := item[contract.DenyListKey].(*types.AttributeValueMemberS)
		if k == nil {
			continue
		}
		if k.Value == "session#"+c.SessionID() {
			return true, "session signed out", nil
		}
		if n, ok := item[contract.DenyListSignedOutAt].(*types.AttributeValueMemberN); ok {
			at, err := strconv.ParseInt(n.Value, 10, 64)
			if err == nil && c.IssuedAt*1000 < at {
				return true, "issued before the user signed out", nil
			}
		}
	}
	return false, "", nil
}

// Revoke signs out c's session and everything the user was issued before
// now. It is idempotent: repeating it changes nothing but may move
// signedOutAt later, never earlier.
func (l *List) Revoke(ctx context.Context, c *jwtverify.Claims, now time.Time) error {
	ttl := strconv.FormatInt(now.Add(l.TTL).Unix(), 10)
	if sid := c.SessionID(); sid != "" {
		_, err := l.Client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.Table), Item: map[string]types.AttributeValue{
			contract.DenyListKey:       &types.AttributeValueMemberS{Value: "session#" + sid},
			contract.DenyListExpiresAt: &types.AttributeValueMemberN{Value: ttl},
		}})
		if err != nil {
			return fmt.Errorf("denylist: %w", err)
		}
	}
	at := strconv.FormatInt(now.UnixMilli(), 10)
	_, err := l.Client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(l.Table),
		Key:                       key("user#" + c.Subject),
		UpdateExpression:          aws.String("SET #at = :at, #ttl = :ttl"),
		ConditionExpression:       aws.String("attribute_not_exists(#at) OR #at < :at"),
		ExpressionAttributeNames:  map[string]string{"#at": contract.DenyListSignedOutAt, "#ttl": contract.DenyListExpiresAt},
		ExpressionAttributeValues: map[string]types.AttributeValue{":at": &types.AttributeValueMemberN{Value: at}, ":ttl": &types.AttributeValueMemberN{Value: ttl}},
	})
	var cond *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &cond) {
		return fmt.Errorf("denylist: %w", err)
	}
	return nil
}

func key(pk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{contract.DenyListKey: &types.AttributeValueMemberS{Value: pk}}
}
