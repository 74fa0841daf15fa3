// Package emulator runs the local AWS emulator that `make e2e` and
// `make local` deploy authstack into, and deploys a synthesized CDK cloud
// assembly into it the way `cdk deploy` does (Deploy).
//
// The emulator is ministack (PyPI, MIT), pinned in requirements-emulator.lock
// and installed by the Makefile into .venv-emulator: it deploys
// CloudFormation templates including Cognito user pools and clients, API
// Gateway with Lambda authorizers, DynamoDB, SNS and KMS, and runs
// provided.al2023 bootstraps as local processes. Start binds it to
// 127.0.0.1 only, on a free port, with every side listener (IoT MQTT, SFTP)
// off, and points the functions it runs back at it (AWS_ENDPOINT_URL).
//
// What ministack 1.5.33 does not do, and how authstack lives with it:
//   - it runs a function's bootstrap directly on the host and ignores
//     Architectures: an x86-64 host needs x86_64 functions, which the
//     explicit context switch gofunction.ContextArchitecture builds (never
//     the default);
//   - it fires pre sign-up, and custom message on AdminCreateUser only; the
//     other triggers are proven by unit tests and direct invocation;
//   - with AUTH=true it enforces the topic's TLS-only policy against its own
//     plain-http publishes, so it runs without AUTH (the stack's policies
//     stay as they are).
package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Account is the account id ministack reports (MINISTACK_ACCOUNT_ID's default).
const Account = "000000000000"

// Options configure Start.
type Options struct {
	// Python runs ministack. Default: .venv-emulator/bin/python under Root.
	Python string
	// Root is the repository root. Required when Python is empty.
	Root string
	// Region is the emulator's default region. Default: eu-west-1.
	Region string
	// Port to listen on, on 127.0.0.1. Default: a free port.
	Port int
	// Dir holds the emulator's log, state and temporary files. Default: a
	// new temporary directory, removed by Stop.
	Dir string
	// Detach leaves the emulator running after this process exits (make
	// local). Default: false, it ends with this process.
	Detach bool
}

// Emulator is a running ministack. It keeps running when the process that
// started it exits (make local), until Stop or StopPID.
type Emulator struct {
	// Endpoint is its URL, http://127.0.0.1:PORT.
	Endpoint string
	// Region is its default region.
	Region string
	// Log is the path of its log file.
	Log string
	// PID is its process id.
	PID int

	cmd     *exec.Cmd
	tempDir string // removed by Stop when Start created it
}

// Start launches ministack and waits, at most a minute, until it answers.
func Start(ctx context.Context, o Options) (*Emulator, error) {
	if o.Python == "" {
		o.Python = filepath.Join(o.Root, ".venv-emulator", "bin", "python")
	}
	if _, err := os.Stat(o.Python); err != nil {
		return nil, fmt.Errorf("emulator: %s not found (run `make tools-emulator`): %w", o.Python, err)
	}
	if o.Region == "" {
		o.Region = "eu-west-1"
	}
	e := &Emulator{Region: o.Region}
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "authstack-emulator-")
		if err != nil {
			return nil, err
		}
		o.Dir, e.tempDir = dir, dir
	}
	started := false
	defer func() {
		if !started {
			e.cleanup() // every error path below
		}
	}()
	if o.Port == 0 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		o.Port = port
	}
	e.Endpoint = "http://127.0.0.1:" + strconv.Itoa(o.Port)
	e.Log = filepath.Join(o.Dir, "ministack.log")
	logFile, err := os.Create(e.Log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	tmp := filepath.Join(o.Dir, "tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return nil, err
	}
	// Not exec.CommandContext: a detached emulator outlives ctx. A minimal
	// environment: ministack hands its own to every function it runs, so a
	// developer's AWS_ENDPOINT_URL_* or AUTHSTACK_* must not leak in.
	cmd := exec.Command(o.Python, "-m", "ministack")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"LANG=C.UTF-8",
		"GATEWAY_PORT=" + strconv.Itoa(o.Port),
		"BIND_HOST=127.0.0.1",
		"MINISTACK_HOST=127.0.0.1",
		"MINISTACK_REGION=" + o.Region,
		"IOT_MTLS_ENABLED=0",
		"SFTP_ENABLED=0",
		"LAMBDA_EXECUTOR=local",
		// Functions it runs call it back here (ministack sets AWS_ENDPOINT_URL
		// in their environment from its own).
		"AWS_ENDPOINT_URL=" + e.Endpoint,
		// Its state (the pools' signing keys among it) stays in Dir.
		"STATE_DIR=" + filepath.Join(o.Dir, "state"),
		"S3_DATA_DIR=" + filepath.Join(o.Dir, "s3"),
		"TMPDIR=" + tmp,
		"LOG_LEVEL=INFO",
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own process group, so Stop ends the functions it started too; and,
	// unless detached, it dies with this process (an interrupted test must
	// not leave it running).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if !o.Detach {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e.cmd, e.PID = cmd, cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for {
		if err := e.ready(ctx); err == nil {
			started = true
			return e, nil
		}
		select {
		case err := <-exited:
			return nil, fmt.Errorf("emulator exited during start (%v); log:\n%s", err, tail(e.Log, 2000))
		case <-ctx.Done():
			StopPID(e.PID)
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			StopPID(e.PID)
			return nil, fmt.Errorf("emulator did not answer on %s within a minute; log:\n%s", e.Endpoint, tail(e.Log, 2000))
		}
	}
}

func (e *Emulator) ready(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.Endpoint+"/_ministack/ready", nil)
	if err != nil {
		return err
	}
	resp, err := probe.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ready: %s", resp.Status)
	}
	return nil
}

// probe asks whether the emulator is ready; an answer takes milliseconds.
var probe = &http.Client{Timeout: 2 * time.Second}

// Config is an aws.Config for clients of the emulator (static test
// credentials; ministack accepts any).
func (e *Emulator) Config() aws.Config {
	return Config(e.Endpoint, e.Region)
}

// Config is an aws.Config for clients of an emulator at endpoint.
func Config(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	}
}

// Stop ends the emulator and every process it started (the functions), and
// removes the temporary directory Start created.
func (e *Emulator) Stop() error {
	err := StopPID(e.PID)
	e.cleanup()
	return err
}

func (e *Emulator) cleanup() {
	if e.tempDir != "" {
		os.RemoveAll(e.tempDir)
	}
}

// StopPID ends the emulator with process id pid and its process group
// (make local-stop), waiting up to 10 seconds before killing it. It does
// nothing when pid is not a ministack process (a stale state file after a
// reboot must not end an unrelated process group).
func StopPID(pid int) error {
	if pid <= 0 {
		return errors.New("emulator: no process")
	}
	if !IsEmulator(pid) {
		return nil
	}
	if err := syscall.Kill(-pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return err
	}
	for i := 0; i < 100; i++ {
		if syscall.Kill(pid, 0) != nil {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return syscall.Kill(-pid, syscall.SIGKILL)
}

// IsEmulator reports whether pid is a running ministack ("python -m
// ministack"), as /proc tells.
func IsEmulator(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-m" && args[i+1] == "ministack" {
			return true
		}
	}
	return false
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tail returns the last n bytes of the file at path.
func tail(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
