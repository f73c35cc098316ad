# Ninyo — two commands: `make run` (the product) and `make test` (the whole suite).
# Every target bootstraps .venv at the repo root when it is missing or stale (the bench
# extras are included: `make test` runs a smoke test of the benchmark code).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test mutation screens demo bench bench-quick lint fmt db-upgrade clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]' --config-settings editable_mode=compat
	@touch $(STAMP)

# Debian's chromium and CJK fonts for the browser tests (tests/web) and their screenshots;
# Playwright's own browser download cannot reach the internet, so it is never used.
CHROMIUM := /usr/bin/chromium
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

$(CHROMIUM) $(CJK_FONT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

run: $(STAMP)
	$(BIN)/ninyo run

# Random test order (pytest-randomly prints its seed: replay an order with
# --randomly-seed=N), branch coverage of the whole run, then the per-package floors.
test: $(STAMP) $(CHROMIUM) $(CJK_FONT)
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered
	$(BIN)/python -m tests.coverage_floors

# Mutation testing (not part of `make test`; minutes to hours on two cores): see docs/testing.md.
MUTANTS := "domain.subsidy.*" "domain.bid_restriction.*" "domain.appointment.*" \
	"domain.pledges.*" "domain.campaign_offers.x_appoint__mutmut_*" \
	"eventstore.integrity.*verify__mutmut_*"
mutation: $(STAMP)
	rm -rf mutants
	NINYO_MUTATION=1 $(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python -m tests.mutation_score

screens: $(STAMP) $(CHROMIUM) $(CJK_FONT)  # the README's screenshots, from the browser tests
	NINYO_SCREENS=1 $(BIN)/python -m pytest tests/web -q

demo: $(STAMP)
	$(BIN)/ninyo demo

# the store/Temporal report (docs/benchmarks.md), then the screens' server time per page
# with a 600-applicant campaign (issue 12: p95 <= 150 ms for ホーム, 応募者, 監査)
bench: $(STAMP)
	$(BIN)/python -m bench --full
	$(BIN)/python -m bench.web_pages --applicants 600

bench-quick: $(STAMP)
	$(BIN)/python -m bench --quick

# ruff, then the layer rules of pyproject.toml [tool.importlinter] (import-linter)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format .

db-upgrade: $(STAMP)
	$(BIN)/ninyo db upgrade

clean:
	rm -rf $(VENV) .pytest_cache mutants .coverage
