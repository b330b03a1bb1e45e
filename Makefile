# Build, test and demo targets for txtarantool.
#
# Only Go must be installed beforehand: targets that need a tarantool server
# install Debian's package through the `tarantool` target (root required).
# TARANTOOL_BIN, when set, names the tarantool binary the tests, the demo and
# the benchmarks run instead of tarantool on PATH.

GO           ?= go
TEST_TIMEOUT ?= 9m
FUZZTIME     ?= 30s

# staticcheck for `make lint`, pinned and installed into .bin/ (gitignored)
# on first use; a new version installs next to the old one.
STATICCHECK_VERSION ?= v0.8.2
STATICCHECK         := $(CURDIR)/.bin/staticcheck-$(STATICCHECK_VERSION)/staticcheck

# Set TARANTOOL_REQUIRED=1 to fail, rather than skip, integration tests when
# tarantool is missing. Passed through to `go test` from the environment or
# the make command line.
TARANTOOL_REQUIRED ?=
export TARANTOOL_REQUIRED

# Nested modules with their own go.mod: the adapters in contrib/ (tested,
# vetted and tidy-checked by `make test` and `make lint`) and bench/.
CONTRIB_MODULES := contrib/otel contrib/prometheus

.PHONY: all tarantool test test-contrib soak vet lint tidy-check docs fmt fmt-check bench bench-judge bench-quick fuzz demo demo-cluster clean

all: test

## tarantool: install the tarantool server from Debian's packages if it is not on PATH (nothing to do when $TARANTOOL_BIN names one)
tarantool:
	@if [ -n "$$TARANTOOL_BIN" ] && command -v "$$TARANTOOL_BIN" >/dev/null 2>&1; then \
		"$$TARANTOOL_BIN" --version | head -n 1; \
	elif command -v tarantool >/dev/null 2>&1; then \
		tarantool --version | head -n 1; \
	elif [ "$$(id -u)" != "0" ]; then \
		echo "tarantool is not on PATH and installing it needs root." >&2; \
		echo "Run 'sudo apt-get update && sudo apt-get install -y tarantool', or run make as root." >&2; \
		exit 1; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "tarantool is not on PATH and there is no apt-get to install it with; install tarantool by hand." >&2; \
		exit 1; \
	else \
		echo "installing tarantool with apt-get"; \
		apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends tarantool && \
		if ! command -v tarantool >/dev/null 2>&1; then \
			echo "apt-get finished but tarantool is still not on PATH" >&2; exit 1; \
		fi && \
		tarantool --version | head -n 1; \
	fi

## test: format check, vet, and all tests with the race detector against a real tarantool, contrib/ modules included
test: tarantool fmt-check vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...
	$(MAKE) --no-print-directory test-contrib

## test-contrib: vet and test each contrib/ module (its own go.mod) with the race detector
test-contrib:
	@set -e; for m in $(CONTRIB_MODULES); do \
		echo "== $$m"; \
		(cd $$m && $(GO) vet ./... && $(GO) test -race -count=1 -timeout 5m ./...); \
	done

## soak: 2,000,000 requests through one client with the server killed twice, with the race detector (the normal suite runs 200,000)
soak: tarantool
	TXT_SOAK=1 $(GO) test -race -run TestSoak -count=1 -v -timeout 30m ./client/

## vet: go vet every package
vet:
	$(GO) vet ./...

## lint: go vet, staticcheck and the tidy check on the module and on the nested modules (bench/, contrib/)
lint: $(STATICCHECK) tidy-check
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@set -e; for m in bench $(CONTRIB_MODULES); do \
		echo "== $$m"; (cd $$m && $(GO) vet ./... && $(STATICCHECK) ./...); \
	done

## tidy-check: fail if `go mod tidy` would change go.mod or go.sum, in the root or in a nested module
tidy-check:
	$(GO) mod tidy -diff
	@set -e; for m in bench $(CONTRIB_MODULES); do (cd $$m && $(GO) mod tidy -diff); done

## docs: check README.md and docs/*.md: relative links and anchors, README's go blocks (also part of `make test`)
docs:
	$(GO) test -count=1 ./internal/docscheck/

$(STATICCHECK):
	GOBIN=$(dir $(STATICCHECK)) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

## fmt: rewrite Go files in gofmt style
fmt:
	gofmt -l -w .

## fmt-check: fail if any Go file is not gofmt-formatted
fmt-check:
	@files=$$(gofmt -l . 2>&1); \
	if [ -n "$$files" ]; then \
		echo "gofmt needed on:" >&2; echo "$$files" >&2; exit 1; \
	fi

# Client comparison (bench/, a nested module): txtarantool vs
# go-tarantool/v3 vs FZambia/tarantool vs a raw pipelined ceiling, against
# one tarantool the harness starts itself. BENCH_CASES is a regexp on case
# names (empty: all).
BENCH_DURATION ?= 2s
BENCH_RUNS     ?= 3
BENCH_CASES    ?=

## bench: compare the clients (~13 min): table, RATIO and TARGET lines, bench/results.svg and its -depth/-size growth charts
bench: tarantool
	cd bench && $(GO) run ./cmd/compare -duration $(BENCH_DURATION) -runs $(BENCH_RUNS) -cases '$(BENCH_CASES)' -out results.svg

## bench-judge: `make bench` three times (~40 min), outputs in bench/results-{1,2,3}.txt, then every target judged on the median of the three
bench-judge: tarantool
	@set -e; for i in 1 2 3; do \
		echo "== make bench, run $$i of 3"; \
		$(MAKE) --no-print-directory bench > bench/results-$$i.txt; \
		grep '^TARGETS' bench/results-$$i.txt; \
	done
	cd bench && $(GO) run ./cmd/compare -judge results-1.txt results-2.txt results-3.txt

## bench-quick: the same comparison with 1 s runs and 1 repetition (~5 min); its charts go to bench/results-quick*.svg (ignored), leaving the committed ones to `make bench`
bench-quick: tarantool
	cd bench && $(GO) run ./cmd/compare -duration 1s -runs 1 -cases '$(BENCH_CASES)' -out results-quick.svg

## fuzz: run each Fuzz target for FUZZTIME (default 30s), one at a time
fuzz:
	@set -e; \
	for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' "$$pkg" | grep '^Fuzz' || true); do \
			echo "== $$pkg $$target ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) "$$pkg"; \
		done; \
	done

## demo: the unattended reconnect story: start a local tarantool, kill -9 and restart it twice, print every event and a summary (about 15 s)
demo: tarantool
	$(GO) run ./cmd/demo --chaos

## demo-cluster: the unattended failover story: start a 3-instance replica set, kill -9 the master, promote a replica, restart the old master as a replica, switch over, print every event and a summary (about 11 s)
demo-cluster: tarantool
	$(GO) run ./cmd/demo cluster

## clean: remove build outputs and Go's test and fuzz caches
clean:
	$(GO) clean -testcache -fuzzcache
	rm -rf bin
