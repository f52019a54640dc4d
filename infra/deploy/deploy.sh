#!/usr/bin/env bash
# `make deploy`: sam deploy (guided the first time), then the built dashboard and its runtime
# config uploaded to the stack's bucket. The dashboard is built once; only config.json differs.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -f samconfig.toml ]; then
  .venv/bin/sam deploy
else
  .venv/bin/sam deploy --guided
fi
stack_name=$(.venv/bin/python -c 'import tomllib; c = tomllib.load(open("samconfig.toml", "rb")); print(c["default"]["deploy"]["parameters"]["stack_name"])')
.venv/bin/python infra/deploy/publish_dashboard.py --stack-name "$stack_name" --dist dashboard/dist
# Items stored by an older version brought to what the code writes now: the records' search
# terms, the conversations' folder keys and counts (each once; resumable).
.venv/bin/python infra/deploy/reindex.py --stack-name "$stack_name"
