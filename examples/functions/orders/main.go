// Command orders serves GET /orders, a route the shop added behind
// authstack's authorizer (API.AddRoute): the caller is already verified,
// and API Gateway passes who it is in the request context.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

// Orders is the answer: the caller's orders (none, in this example).
type Orders struct {
	Sub    string   `json:"sub"`
	Orders []string `json:"orders"`
}

// Handle answers with the caller's (empty) order list.
func Handle(_ context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	sub, _ := req.RequestContext.Authorizer["sub"].(string)
	body, _ := json.Marshal(Orders{Sub: sub, Orders: []string{}})
	return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(body)}, nil
}

func main() { lambda.Start(Handle) }
