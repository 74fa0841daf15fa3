// Command coldstart measures a Lambda function's cold start the way Lambda
// sees it, without Lambda: it serves the Lambda Runtime API on 127.0.0.1,
// starts the function's process, hands it one event and stops the clock when
// the first answer arrives (exec to first answer). It repeats that -n times
// and prints the median, p95 and peak resident memory as a Markdown row.
//
//	go run ./bench/coldstart -name presignup -event testdata/events/reference/CognitoUserPreSignUp_Normal.json -- /tmp/bootstrap
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	name := flag.String("name", "function", "name in the output row")
	eventFile := flag.String("event", "", "event JSON to hand the function")
	n := flag.Int("n", 30, "cold starts to measure")
	flag.StringVar(&jwksFile, "jwks", "", "also serve this JWKS document at /jwks.json")
	flag.Var(&extraEnv, "env", "KEY=VALUE for the function, {addr} replaced by the harness address (repeatable)")
	flag.Parse()
	if *eventFile == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: coldstart -event FILE [-n N] [-name NAME] -- COMMAND [ARGS...]")
		os.Exit(2)
	}
	event, err := os.ReadFile(*eventFile)
	if err != nil {
		fail(err)
	}
	var times []time.Duration
	var rss int64
	for i := 0; i < *n; i++ {
		d, maxrss, err := once(event, flag.Args())
		if err != nil {
			fail(fmt.Errorf("%s run %d: %w", *name, i, err))
		}
		times = append(times, d)
		rss = max(rss, maxrss)
	}
	slices.Sort(times)
	fmt.Printf("| %s | %d | %.1f | %.1f | %.1f |\n", *name, *n, ms(times[len(times)/2]), ms(times[len(times)*95/100]), float64(rss)/1024)
}

var (
	jwksFile string
	extraEnv envFlags
)

type envFlags []string

func (e *envFlags) String() string     { return fmt.Sprint(*e) }
func (e *envFlags) Set(v string) error { *e = append(*e, v); return nil }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// once serves one invocation to a fresh process and returns exec-to-answer
// time and the process's peak RSS in KB.
func once(event []byte, argv []string) (time.Duration, int64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	answered := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			return
		default:
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "bench-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(5*time.Second).UnixMilli()))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-1:123456789012:function:bench")
		w.Write(event)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
		answered <- "response"
	})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		answered <- "error: " + string(b)
	})
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		answered <- "init error: " + string(b)
	})
	if jwksFile != "" {
		jwks, err := os.ReadFile(jwksFile)
		if err != nil {
			return 0, 0, err
		}
		mux.HandleFunc("GET /jwks.json", func(w http.ResponseWriter, r *http.Request) { w.Write(jwks) })
		// A DynamoDB endpoint that finds nothing (an empty deny-list).
		mux.HandleFunc("POST /dynamodb/", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.Write([]byte(`{"Responses":{},"UnprocessedKeys":{}}`))
		})
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(l)
	defer srv.Close()

	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(),
		"AWS_LAMBDA_RUNTIME_API="+l.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256", "AWS_LAMBDA_LOG_LEVEL=INFO",
		"AWS_REGION=eu-west-1", "AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench", "_HANDLER=bootstrap")
	for _, kv := range extraEnv {
		cmd.Env = append(cmd.Env, strings.ReplaceAll(kv, "{addr}", l.Addr().String()))
	}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	var outcome string
	select {
	case outcome = <-answered:
	case <-time.After(10 * time.Second):
		outcome = "timeout"
	}
	elapsed := time.Since(start)
	cmd.Process.Kill()
	cmd.Wait()
	if outcome != "response" {
		return 0, 0, fmt.Errorf("%s", outcome)
	}
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = ru.Maxrss
	}
	return elapsed, rss, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "coldstart:", err)
	os.Exit(1)
}
