# Jianyan — the commands. `make run` serves the demo, `make test` runs the suite;
# both install what they need first (scripts/setup.sh), fast when nothing changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help setup venv deps bench-deps run test lint format backup restore

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

setup: ## Debian packages, .venv and the pinned Python packages
	@bash scripts/setup.sh

deps: setup ## same as setup

venv: ## only the .venv with the pinned Python packages (no Debian packages)
	@bash scripts/setup.sh --python-only

bench-deps: setup ## what the benchmarks need besides the site: wrk (Debian package)
	@command -v wrk >/dev/null || { export DEBIAN_FRONTEND=noninteractive; \
		apt-get install -y --no-install-recommends wrk || \
		{ apt-get update && apt-get install -y --no-install-recommends wrk; }; }

run: ## set up, migrate, load the demo, serve on 0.0.0.0:8000 with Celery worker and beat
	@bash scripts/run.sh

test: ## set up and run the whole pytest suite (ARGS="..." runs pytest with those)
	@bash scripts/test.sh $(ARGS)

lint: venv ## ruff check and format check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: venv ## ruff fix and format
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

backup: ## pg_dump + media tar into var/backups/<time> (DATABASE_URL; BACKUP=folder to choose)
	@bash scripts/backup.sh $(BACKUP)

restore: ## restore BACKUP=folder into an EMPTY database (DATABASE_URL) and MEDIA_ROOT
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time>"; exit 2; }
	@bash scripts/restore.sh $(BACKUP)
