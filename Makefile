# Sessions: the two commands a newcomer needs are `make run` and `make test`.
# Both install what is missing first (Debian/Ubuntu apt packages, Go modules,
# npm packages), so they work on a fresh machine.

SHELL := /bin/bash
.DEFAULT_GOAL := run

GO      ?= go
BIN     := build/bin/sessions
TAGS    := desktop,production,webkit2_41
APT_RUN := libgtk-3-dev libwebkit2gtk-4.1-dev pkg-config build-essential
# chromium drives the end-to-end tests (Debian's; no browser is downloaded);
# the emoji font makes emoji in chats render in the window and the browser.
APT_TEST := xvfb xauth imagemagick xdotool chromium fonts-noto-color-emoji
# staticcheck runs from the module proxy at a pinned version, so it needs no
# tools module and leaves go.mod alone (go run caches the build).
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# FUZZTIME is how long EACH fuzz target runs (go test -fuzztime: a duration
# such as 60s, or a count of inputs such as 5000x). `make fuzz` runs every
# target for 60s; `make test` for 3s each, so all of them fit well inside its
# budget. Either can be overridden: `make fuzz FUZZTIME=10m`.
FUZZTIME ?= 60s
test: FUZZTIME = 3s

# Installs the apt packages named in $(1) that are not installed yet.
define apt_install
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "Missing packages:$$missing. Install them as root: apt-get install$$missing" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

.PHONY: run test deps deps-test tools frontend build vet gotest fuzz frontend-test e2e window-check bench bench-ui screenshots lint clean

## run: install what is missing, build, open the app
run: build
	./$(BIN)

## test: install what is missing, then vet (gofmt, go vet, staticcheck), Go tests with -race, a short fuzz run,
## frontend tests (svelte-check, Vitest), end-to-end tests in Chromium, and the real window under Xvfb
test: deps-test vet gotest fuzz frontend-test e2e window-check
	@echo "make test: all checks passed"

deps: tools
	$(call apt_install,$(APT_RUN))
	$(GO) mod download
	@if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then \
	  cd frontend && npm ci --no-audit --no-fund; fi

deps-test: deps
	$(call apt_install,$(APT_TEST))

# Go and Node must be there already: Debian's own are too old for this project.
tools:
	@command -v $(GO) >/dev/null || { echo "Go 1.26 or newer is needed: https://go.dev/doc/install" >&2; exit 1; }
	@command -v npm >/dev/null || { echo "Node.js 20 or newer with npm is needed (apt-get install nodejs npm, or nodejs.org)" >&2; exit 1; }

frontend: deps
	cd frontend && npm run build

build: frontend
	$(GO) build -tags $(TAGS) -ldflags "-w -s" -o $(BIN) .

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/*')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

gotest:
	$(GO) test -race -count=1 ./...

## fuzz: every fuzz target of every package, each for $(FUZZTIME)
# Targets are found, not listed: each package whose tests hold a `func Fuzz`
# is asked for its targets (go test -list), so new ones need no change here.
# -fuzz takes one target of one package at a time, hence the loop.
# -fuzzminimizetime is bounded: Go's fuzzer can stall minimising a large input.
# Go 1.26's fuzz coordinator can fail a target with a bare "context deadline
# exceeded" as -fuzztime runs out (golang/go#75804, fixed in Go 1.27): when
# that is the only failure and no failing input was written, the target's
# seeds are replayed and, if they pass, the run goes on.
fuzz:
	@start=$$(date +%s); ran=""; log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	while read -r pkg dir; do \
	  grep -qs '^func Fuzz' "$$dir"/*_test.go || continue; \
	  names=$$($(GO) test -list '^Fuzz' "$$pkg") || { echo "$$names" >&2; exit 1; }; \
	  for name in $$(grep '^Fuzz' <<<"$$names"); do \
	    echo "fuzz: $$pkg $$name for $(FUZZTIME)"; \
	    $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=2s "$$pkg" 2>&1 | tee "$$log"; \
	    if [ "$${PIPESTATUS[0]}" != 0 ]; then \
	      if grep -qx '    context deadline exceeded' "$$log" && ! grep -q 'Failing input written' "$$log" && \
	         $(GO) test -count=1 -run="^$$name\$$" "$$pkg" >/dev/null; then \
	        echo "fuzz: $$name: Go's deadline race at the end of -fuzztime (golang/go#75804), no failing input, seeds pass"; \
	      else \
	        echo "fuzz: $$pkg $$name failed (its input is under that package's testdata/fuzz/$$name/)" >&2; exit 1; \
	      fi; \
	    fi; \
	    ran="$$ran $$pkg.$$name"; \
	  done; \
	done < <($(GO) list -f '{{.ImportPath}} {{.Dir}}' ./...); \
	[ -n "$$ran" ] || { echo "fuzz: no fuzz target found" >&2; exit 1; }; \
	echo "fuzz: $$(wc -w <<<"$$ran") targets, $(FUZZTIME) each, in $$(( $$(date +%s) - start ))s:$$ran"

frontend-test: deps
	cd frontend && npm test

## e2e: `sessions serve` on a temp library, driven in Debian's Chromium (screenshots in build/e2e/)
e2e: deps-test build
	cd frontend && npm run e2e

## window-check: the real window under Xvfb shows the list, then the first session's detail opened from the keyboard (build/window.png, build/window-detail.png)
window-check: build
	@data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	  ./$(BIN) --data "$$data" import --tz UTC "backend/importer/testdata/WhatsApp Chat with Alice Example.txt" >/dev/null && \
	  BIN=./$(BIN) DATA="$$data" SHOT=build/window.png ./build/check-window.sh

## screenshots: the README's pictures (docs/): the window under Xvfb, the browser page at 720 and 1920 px, light and dark, and docs/view-*.png of every view with the sample data
screenshots: deps-test build
	@data=$$(mktemp -d); trap 'rm -rf "$$data"' EXIT; \
	  { ./$(BIN) --data "$$data" import --tz UTC ../shared/fixtures "backend/importer/testdata/WhatsApp Chat with Alice Example.txt" >/dev/null || [ $$? = 1 ]; } && \
	  BIN=./$(BIN) DATA="$$data" SHOT=build/window.png CROP=docs/window.png ./build/check-window.sh
	cd frontend && npx vitest run --config e2e/shots.config.ts

## bench: parsing, import and store benchmarks on generated data, then the timeline's speed in Chromium
bench:
	$(GO) test -p 1 -run='^$$' -bench='[^M]$$' -benchmem -benchtime=1x -timeout=60m ./backend/...
	$(MAKE) bench-ui

# The kept 1,000,000-session library (store and index) of the timeline
# benchmark: built once (7 minutes on a 2-core machine: 2 to store, 5 to
# index), reused by later runs.
BENCH_KEEP ?= $(or $(SESSIONS_BENCH_KEEP),/tmp/sessions-bench)
BENCH_1M   := $(BENCH_KEEP)/timeline-1000000-index-true

## bench-ui: `sessions serve` on the 1M library in Chromium: first page, Load More, bundle size (build/e2e/speed.json);
## a search keystroke, a filter chip, a detail opened (speed-review.json); the conversation view on a 50,000-message
## thread kept beside the 1M library, opened and scrolled (speed-conversation.json)
bench-ui: deps-test build
	@if [ ! -f "$(BENCH_1M)/complete" ]; then \
	  echo "bench-ui: building the 1,000,000-session library in $(BENCH_1M) (once; about 7 minutes)"; \
	  SESSIONS_BENCH_KEEP="$(BENCH_KEEP)" $(GO) test -run='^$$' -bench='^BenchmarkTimeline1M$$' -benchtime=1x -timeout=90m ./backend/timeline || exit 1; \
	fi
	cd frontend && SESSIONS_BENCH_LIBRARY="$(abspath $(BENCH_1M))" npx vitest run --config e2e/speed.config.ts

lint: vet

clean:
	rm -rf build/bin build/window.png build/window-detail.png build/e2e
	find frontend/dist -mindepth 1 ! -name .gitkeep -delete
