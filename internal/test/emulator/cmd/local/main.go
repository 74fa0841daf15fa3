// Command local is `make local` and `make local-stop`: it starts the local
// AWS emulator, deploys a synthesized stack into it and leaves it running
// with its outputs printed and written to a state file; `down` stops it.
//
//	go run ./internal/test/emulator/cmd/local up   -assembly cdk.out.local -stack authdev-development -state .local
//	go run ./internal/test/emulator/cmd/local down -state .local
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/authstack/authstack/config"
	"github.com/authstack/authstack/internal/contract"
	"github.com/authstack/authstack/internal/localdeploy"
	"github.com/authstack/authstack/internal/test/emulator"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "local:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: local up|down [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	assembly := fs.String("assembly", "cdk.out.local", "cloud assembly to deploy")
	stack := fs.String("stack", "authdev-development", "stack to deploy")
	stateDir := fs.String("state", ".local", "directory for the emulator's state and log")
	root := fs.String("root", ".", "repository root (for .venv-emulator)")
	region := fs.String("region", "eu-west-1", "region")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	statePath := filepath.Join(*stateDir, "local.json")
	switch args[0] {
	case "up":
		if old, err := localdeploy.ReadState(statePath); err == nil {
			emulator.StopPID(old.PID) // only if it is still a ministack
			os.Remove(statePath)
		}
		dir, err := filepath.Abs(*stateDir)
		if err != nil {
			return err
		}
		os.RemoveAll(filepath.Join(dir, "tmp"))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		absRoot, _ := filepath.Abs(*root)
		em, err := emulator.Start(ctx, emulator.Options{Root: absRoot, Region: *region, Dir: dir, Detach: true})
		if err != nil {
			return err
		}
		// The one-time DNS step of custom domains (README), done for the
		// development environment the local assembly is synthesized from.
		dev := config.Reference()[0]
		if dev.CustomDomains {
			_, parent, _ := strings.Cut(dev.AuthDomainName, ".")
			if _, err := emulator.ParentZone(ctx, em.Config(), dev.ParentHostedZoneName, parent); err != nil {
				em.Stop()
				return err
			}
		}
		d, err := emulator.Deploy(ctx, em.Config(), *assembly, *stack, 3*time.Minute)
		if err != nil {
			em.Stop()
			return err
		}
		for _, dep := range d.Dependencies {
			fmt.Fprintf(stdout, "deployed %s in %s first\n", dep.StackName, dep.Region)
		}
		for _, r := range d.Removed {
			fmt.Fprintf(stdout, "removed for the emulator, which lacks it: %s\n", r)
		}
		st := &localdeploy.State{Endpoint: em.Endpoint, Region: em.Region, PID: em.PID, Log: em.Log, Stack: d.StackName, Outputs: d.Outputs}
		if err := localdeploy.WriteState(statePath, st); err != nil {
			em.Stop()
			return err
		}
		fmt.Fprintf(stdout, "authstack is running locally (deployed %s in %s).\n\n", d.StackName, d.Took.Round(time.Millisecond))
		fmt.Fprintf(stdout, "  %-26s %s\n", "Emulator endpoint", em.Endpoint)
		if api, err := localdeploy.InvokeURL(em.Endpoint, d.Outputs[contract.OutputAPIURL]); err == nil {
			fmt.Fprintf(stdout, "  %-26s %s  (ApiUrl through the emulator; try %sguest)\n", "API", api, api)
		} else if u, err := url.Parse(d.Outputs[contract.OutputAPIURL]); err == nil {
			// A custom domain: the emulator routes it by Host.
			fmt.Fprintf(stdout, "  %-26s %s with Host: %s  (try curl -H 'Host: %s' %s/guest)\n", "API", em.Endpoint, u.Host, u.Host, em.Endpoint)
		}
		for _, k := range slices.Sorted(maps.Keys(d.Outputs)) {
			fmt.Fprintf(stdout, "  %-26s %s\n", k, d.Outputs[k])
		}
		fmt.Fprintf(stdout, "\nState: %s  Log: %s\nPoint an AWS SDK or CLI at it: AWS_ENDPOINT_URL=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\nStop it: make local-stop\n",
			statePath, em.Log, em.Endpoint, em.Region, em.Region)
		return nil
	case "down":
		st, err := localdeploy.ReadState(statePath)
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintln(stdout, "no local deployment is running")
			return nil
		}
		if err != nil {
			return err
		}
		running := emulator.IsEmulator(st.PID)
		if err := emulator.StopPID(st.PID); err != nil {
			return err
		}
		os.Remove(statePath)
		os.RemoveAll(filepath.Join(*stateDir, "tmp"))
		if !running {
			fmt.Fprintf(stdout, "no local deployment was running (pid %d is not the emulator); removed its stale state\n", st.PID)
			return nil
		}
		fmt.Fprintf(stdout, "stopped the local deployment (emulator pid %d)\n", st.PID)
		return nil
	}
	return fmt.Errorf("unknown command %q: want up or down", args[0])
}
