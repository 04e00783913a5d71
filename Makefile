# Two commands a newcomer needs: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: install chat test test-fast eval train browser-deps bench bench-scale clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# Pin the local CPU torch first: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Set everything up, index corpus/ and start the web chat on http://127.0.0.1:7860
chat: install
	$(BIN)/rag ingest --prune
	$(BIN)/rag serve

# The public multi-document dev set indexes its own ~800 documents in a scratch store (about a minute).
DEV_EVAL := $(BIN)/rag eval --dataset evals/ramdocs-dev.jsonl --report evals/reports/ramdocs-dev.json
# The news hold-out set (evals/README.md): unseen news stories, never trained on (seconds).
NEWS_EVAL := $(BIN)/rag eval --dataset evals/news-holdout.jsonl --report evals/reports/news-holdout.json
# The blind news set (evals/README.md): written by a session that never saw the code, never read case by case.
BLIND_EVAL := $(BIN)/rag eval --dataset evals/news-blind.jsonl --report evals/reports/news-blind.json
# A second blind news set (evals/README.md): written in session 7 the same way, never read case by case.
BLIND2_EVAL := $(BIN)/rag eval --dataset evals/news-blind2.jsonl --report evals/reports/news-blind2.json
# Blind sets of sources that agree in other words / disagree on one fact (evals/README.md): session 20, never read.
AGREE_EVAL := $(BIN)/rag eval --dataset evals/news-agree-blind.jsonl --report evals/reports/news-agree-blind.json
CONFLICT_EVAL := $(BIN)/rag eval --dataset evals/news-conflict-blind.jsonl --report evals/reports/news-conflict-blind.json

## Set everything up, run the tests, then the grounding evals: seed set, dev set, news hold-out, four blind news sets (the CI gate)
test: install browser-deps
	$(BIN)/python -m pytest
	$(BIN)/python -m rag.train_scorer --check
	$(BIN)/rag eval
	$(DEV_EVAL)
	$(NEWS_EVAL)
	$(BLIND_EVAL)
	$(BLIND2_EVAL)
	$(AGREE_EVAL)
	$(CONFLICT_EVAL)

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser and not server"

eval: install
	$(BIN)/rag eval
	$(DEV_EVAL)
	$(NEWS_EVAL)
	$(BLIND_EVAL)
	$(BLIND2_EVAL)
	$(AGREE_EVAL)
	$(CONFLICT_EVAL)

## Retrain the answer scorer (rag/answer_scorer.json) from evals/ramdocs-train.jsonl and evals/news-train.jsonl
train: install
	$(BIN)/python -m rag.train_scorer

## Debian Chromium for the browser tests (best effort: needs root and apt)
browser-deps:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "chromium not installed: browser tests will be skipped"; }

bench: install
	$(BIN)/python bench/compare_baseline.py

## Issue 15's scale targets (10k generated articles, ~100k chunks) in one run; writes bench/RESULTS.md (< 60 min)
bench-scale: install
	$(BIN)/python bench/scale.py

clean:
	rm -rf $(VENV) .rag
