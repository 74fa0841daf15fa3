package denylist

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/runtime/jwtverify"
)

// memTable is an in-memory stand-in for the DynamoDB calls the List makes.
type memTable struct {
	items       map[string]map[string]types.AttributeValue
	err         error
	unprocessed bool
}

func (m *memTable) BatchGetItem(_ context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	if m.err != nil {
		return nil, m.err
	}
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for table, ka := range in.RequestItems {
		if !*ka.ConsistentRead {
			return nil, errors.New("lookups must be strongly consistent")
		}
		if m.unprocessed {
			out.UnprocessedKeys = map[string]types.KeysAndAttributes{table: ka}
			continue
		}
		for _, k := range ka.Keys {
			if it, ok := m.items[k[contract.DenyListKey].(*types.AttributeValueMemberS).Value]; ok {
				out.Responses[table] = append(out.Responses[table], it)
			}
		}
	}
	return out, nil
}

func (m *memTable) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	m.items[in.Item[contract.DenyListKey].(*types.AttributeValueMemberS).Value] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (m *memTable) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	k := in.Key[contract.DenyListKey].(*types.AttributeValueMemberS).Value
	at := in.ExpressionAttributeValues[":at"].(*types.AttributeValueMemberN).Value
	if old, ok := m.items[k]; ok {
		prev, _ := strconv.ParseInt(old[contract.DenyListSignedOutAt].(*types.AttributeValueMemberN).Value, 10, 64)
		next, _ := strconv.ParseInt(at, 10, 64)
		if prev >= next {
			return nil, &types.ConditionalCheckFailedException{}
		}
	}
	m.items[k] = map[string]types.AttributeValue{contract.DenyListKey: in.Key[contract.DenyListKey], contract.DenyListSignedOutAt: &types.AttributeValueMemberN{Value: at}}
	return &dynamodb.UpdateItemOutput{}, nil
}

func TestRevokeThenRevoked(t *testing.T) {
	m := &memTable{items: map[string]map[string]types.AttributeValue{}}
	l := &List{Client: m, Table: "t", TTL: time.Hour}
	ctx := context.Background()
	signout := time.Unix(1_800_000_000, 500_000_000)
	session := &jwtverify.Claims{Subject: "u1", OriginJTI: "o1", IssuedAt: signout.Unix() - 60}
	sameUserOtherSession := &jwtverify.Claims{Subject: "u1", OriginJTI: "o2", IssuedAt: signout.Unix() - 30}
	afterwards := &jwtverify.Claims{Subject: "u1", OriginJTI: "o3", IssuedAt: signout.Unix() + 1}
	otherUser := &jwtverify.Claims{Subject: "u2", OriginJTI: "o4", IssuedAt: signout.Unix() - 60}

	if revoked, _, err := l.Revoked(ctx, session); err != nil || revoked {
		t.Fatalf("before logout: %v %v", revoked, err)
	}
	if err := l.Revoke(ctx, session, signout); err != nil {
		t.Fatal(err)
	}
	if ttl := m.items["session#o1"][contract.DenyListExpiresAt].(*types.AttributeValueMemberN).Value; ttl != strconv.FormatInt(signout.Add(time.Hour).Unix(), 10) {
		t.Errorf("session TTL = %s; want sign-out + TTL", ttl)
	}
	for _, tc := range []struct {
		name string
		c    *jwtverify.Claims
		want bool
	}{
		{"the session", session, true},
		{"another session issued before sign-out", sameUserOtherSession, true},
		{"a sign-in after sign-out", afterwards, false},
		{"another user", otherUser, false},
	} {
		if got, why, err := l.Revoked(ctx, tc.c); err != nil || got != tc.want {
			t.Errorf("%s: revoked = %v (%s), %v; want %v", tc.name, got, why, err, tc.want)
		}
	}
	// Idempotent, and an older (retried) logout never moves signedOutAt back.
	if err := l.Revoke(ctx, session, signout.Add(-time.Hour)); err != nil {
		t.Fatalf("older logout: %v", err)
	}
	if got, _, _ := l.Revoked(ctx, sameUserOtherSession); !got {
		t.Error("an older logout moved the sign-out time back")
	}
}

func TestLookupFailuresAreErrors(t *testing.T) {
	c := &jwtverify.Claims{Subject: "u1", OriginJTI: "o1", IssuedAt: 1}
	for name, m := range map[string]*memTable{
		"unreachable": {err: errors.New("RequestError: dial tcp: connection refused")},
		"throttled":   {items: map[string]map[string]types.AttributeValue{}, unprocessed: true},
	} {
		l := &List{Client: m, Table: "t", TTL: time.Hour}
		if _, _, err := l.Revoked(context.Background(), c); err == nil {
			t.Errorf("%s: Revoked returned no error; the caller could not fail closed", name)
		}
	}
}
