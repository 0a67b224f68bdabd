# The two commands of the README, and the tools around them. Every target sets up what is
# missing first (ops/setup is quick when nothing changed).
.PHONY: dev test setup lint bench new-service deploy-plan migrate seed

dev:          ## start the whole local stack with demo data (Ctrl-C stops it)
	ops/dev

test:         ## lint, type-check and run every test against the emulators
	ops/test $(ARGS)

setup:        ## install Python, firebase-tools, Java and the emulator binaries
	ops/setup

lint:
	ops/setup && . .local/env.sh && ruff check . && ruff format --check . && mypy

bench:        ## print the benchmark figures (cold start, then the rest under one stack)
	ops/setup && functions/venv/bin/python bench/cold_start.py
	ops/with-emulators sh -c 'for b in callable_latency claims_refresh bulk_deactivate user_list action_links; do python bench/$$b.py || exit 1; done'

new-service:  ## generate a service skeleton: make new-service NAME=billing
	ops/setup && functions/venv/bin/python ops/new_service.py $(NAME)

deploy-plan:  ## print the gcloud commands deploy-functions.sh would run
	./deploy-functions.sh --dry-run

migrate:      ## apply pending migrations (against the emulators here)
	ops/with-emulators python ops/migrate.py
