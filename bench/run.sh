#!/usr/bin/env bash
# Runs every benchmark of the triggers in one go and writes docs/BENCHMARKS.md.
# Usage: make bench   (or bench/run.sh from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/BENCHMARKS.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
N=${BENCH_COLDSTARTS:-30}

fns="presignup userevents pretokengen custommessage migration authorizer api"
declare -A events=(
  [presignup]=testdata/events/reference/CognitoUserPreSignUp_Normal.json
  [userevents]=testdata/events/reference/CognitoUserSignIn_PostAuthentication.json
  [pretokengen]=testdata/events/lambda-go/cognito-event-userpools-pretokengen-v2_0.json
  [custommessage]=testdata/events/lambda-go/cognito-event-userpools-custommessage.json
  [migration]=testdata/events/lambda-go/cognito-event-userpools-migrateuser.json
)
flags=(-trimpath -buildvcs=false -tags lambda.norpc "-ldflags=-s -w -buildid=")

# The reference's list: the first 16,000 domains of ours (it scanned ~16k).
awk '!/^#/ && n++ < 16000' internal/runtime/disposable/domains.txt > "$tmp/domains16k.txt"

{
echo "# Benchmarks"
echo
echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%d), $(nproc) cores, $(go version | cut -d' ' -f3-4),"
echo "Python $(python3 --version | cut -d' ' -f2). One run; numbers move by a few percent between runs."
echo
echo "## Zipped function size (deployed build: linux/arm64, \`${flags[*]}\`)"
echo
echo "| function | bootstrap | zipped | target |"
echo "|---|---|---|---|"
for f in $fns; do
  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build "${flags[@]}" -o "$tmp/arm64/$f" "./functions/$f"
  python3 - "$f" "$tmp/arm64/$f" <<'PY'
import io, os, sys, zipfile
name, path = sys.argv[1], sys.argv[2]
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(path, "bootstrap")
print(f"| {name} | {os.path.getsize(path) / 2**20:.1f} MB | {len(buf.getvalue()) / 2**20:.1f} MB | ≤ 6 MB |")
PY
done
echo
echo "## Cold start: exec to first answer"
echo
echo "\`go run ./bench/coldstart\` serves the Lambda Runtime API on 127.0.0.1, starts a fresh process, hands it one"
echo "event and stops the clock at the first answer; $N cold starts each (host build, linux/$(go env GOARCH)). The"
echo "user-events function runs with publishing off (SNS is a network call, outside the process's start-up)."
echo "The migration and API handler functions are not in this table: their first answer is a network call"
echo "(the legacy endpoint; Cognito and DynamoDB on logout). Functions build their AWS SDK configuration from"
echo "Lambda's environment (internal/runtime/awsenv): config.LoadDefaultConfig alone took about 3 ms per call here."
echo "Peak RSS is the largest of the runs. Target: ≤ 10 ms for every trigger."
echo
echo "| function | runs | median ms | p95 ms | peak RSS MB |"
echo "|---|---|---|---|---|"
go build -o "$tmp/coldstart" ./bench/coldstart
for f in $fns; do
  go build "${flags[@]}" -o "$tmp/host/$f" "./functions/$f"
done
export AUTHSTACK_PUBLISH_USER_EVENTS=false AUTHSTACK_APP_NAME=Shop AUTHSTACK_ENVIRONMENT=test AUTHSTACK_EMAIL_SENDING_ACCOUNT=DEVELOPER
export AUTHSTACK_CLAIMS='{"rolesClaim":"roles"}'
for f in presignup userevents pretokengen custommessage; do
  "$tmp/coldstart" -name "$f" -n "$N" -event "${events[$f]}" -- "$tmp/host/$f"
done
# The authorizer's whole success path: fetch the JWKS (served by the harness),
# verify, look the token up in the deny-list (a local DynamoDB stand-in), answer.
go run ./bench/jwt -emit "$tmp"
"$tmp/coldstart" -name authorizer -n "$N" -event "$tmp/authorizer-event.json" -jwks "$tmp/jwks.json" \
  -env "AUTHSTACK_ISSUER=https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1" -env "AUTHSTACK_JWKS_URL=http://{addr}/jwks.json" \
  -env "AUTHSTACK_CLIENT_IDS=1example23456789abcdefghij" -env 'AUTHSTACK_RULES=[{"method":"GET","path":"/user"}]' \
  -env "AUTHSTACK_DENYLIST_TABLE=denylist" -env "AWS_ENDPOINT_URL_DYNAMODB=http://{addr}/dynamodb/" -- "$tmp/host/authorizer"
DOMAINS_FILE="$tmp/domains16k.txt" "$tmp/coldstart" -name "reference: Python list scan (python3 process)" -n "$N" \
  -event "${events[presignup]}" -- python3 bench/reference/presignup.py
echo
echo "## Per call"
echo
echo "Reference approach (Python list scan of 16,000 domains, a non-listed domain, so the whole list is scanned):"
echo
echo '```'
DOMAINS_FILE="$tmp/domains16k.txt" python3 bench/reference/presignup.py --per-call
echo '```'
echo
echo "authstack (\`go test -bench . -benchmem -run '^\$' ./internal/...\`). The domain check is"
echo "BenchmarkDisposable (target ≤ 1 µs) over $(grep -vc '^#' internal/runtime/disposable/domains.txt) domains, held in a static hash index"
echo "embedded in the binary, so a new process does no work to load it:"
echo
echo '```'
go test -bench . -benchmem -run '^$' ./internal/runtime/disposable ./internal/runtime/presignup ./internal/runtime/userevent ./internal/runtime/tokenclaims ./internal/runtime/custommessage 2>&1 | grep -E '^(Benchmark|ok|pkg)'
echo '```'
echo
echo "## Token verification (issue 4)"
echo
echo "\`GOMAXPROCS=1 go run ./bench/jwt\`: the same 64 RSA-2048 access tokens and key set for every verifier, one"
echo "core, in one run. The fresh path decodes strictly with go-json-experiment/json (encoding/json/v2) into typed claims and verifies with crypto/rsa;"
echo "the JOSE library (jwx) handles the JWKS only, because its own parse-and-verify costs too much here (last row)."
echo
GOMAXPROCS=1 go run ./bench/jwt -seconds 2 -node "$(command -v node)"
echo
echo "## User-pool backup and restore (issue 12)"
echo
echo "\`go test ./bench/backup/ -run '^\$' -bench . -benchtime 1x\`: authstack (packages \`backup\`, \`restore\`) and the npm"
echo "tool cognito-backup-restore $(node -p "require('./node_modules/cognito-backup-restore/package.json').version") on the same pools of moto server, in one run: a backup of 1,200"
echo "users, a restore of 200 into a new pool (users only: the peer has no groups). moto has no quotas: the"
echo "peer sends as fast as it can, authstack paces itself at its share of Cognito's (24 list requests a"
echo "second for a backup, 40 calls a second for a restore, about 5 calls a restored user), which is what"
echo "bounds both against Cognito. A million users at those rates: backup about 23 minutes (16,667 pages of"
echo "users at 24 a second, 11.6 min, and as many of memberships), restore about 35 hours (8 users a second);"
echo "above 100,000 users the restore can use Cognito's CSV import job instead (docs/BACKUP.md)."
echo
echo '```'
go test ./bench/backup/ -run '^$' -bench . -benchtime 1x 2>&1 | grep -E '^(Benchmark|ok)'
echo '```'
echo
echo "## Memory"
echo
echo "Functions are deployed with 256 MB (config \`triggers.memoryMb\`). Peak RSS above is a small fraction"
echo "of that; the size is chosen for CPU, not memory: Lambda allocates CPU in proportion to memory, and"
echo "at 128 MB a function gets about half the CPU share of 256 MB, which roughly doubles the"
echo "CPU-bound part of a cold start (runtime start, SDK configuration, template parsing) against Cognito's 5 s budget."
} > "$tmp/BENCHMARKS.md"
mv "$tmp/BENCHMARKS.md" "$out"
echo "wrote $out"
