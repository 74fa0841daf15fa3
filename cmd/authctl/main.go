// Command authctl runs every auth flow of an authstack environment from the
// command line: sign-up, SRP sign-in with Cognito's challenges, API calls
// with cached tokens, logout that the API honours, user administration,
// backup and restore, machine and AWS credentials, and a smoke journey.
//
//	go install github.com/authstack/authstack/cmd/authctl@latest
//	authctl --help
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/authstack/authstack/internal/authctl"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := authctl.Main(ctx, os.Args[1:], authctl.DefaultDeps())
	stop()
	os.Exit(code)
}
