# nnjs: `make demo` runs the main job end to end, `make test` runs the linters and every test.
GO      ?= go
BIN     := bin
NNJS    := $(BIN)/nnjs
export NNJS_TEST_DATABASE ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

# Lint tools, pinned; installed once (from the Go module proxy) into TOOLBIN, named by version.
STATICCHECK_VERSION := v0.8.2
DEADCODE_VERSION    := v0.52.0
TOOLBIN     ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nnjs/tools
STATICCHECK := $(TOOLBIN)/staticcheck-$(STATICCHECK_VERSION)
DEADCODE    := $(TOOLBIN)/deadcode-$(DEADCODE_VERSION)

.PHONY: all build test vet lint tools demo bench clean uplot

all: build

# build: static binaries (CGO_ENABLED=0, as k6's releases): no dynamic loader and libc to map
# and relocate at every start of nnjs (about 60 page faults of a cold start, bench/README.md);
# names resolve with Go's own resolver (/etc/hosts, then DNS).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/ ./cmd/... ./examples/target

vet:
	$(GO) vet ./...

# lint: gofmt, go vet, staticcheck, and deadcode -test (no function that neither a program
# nor a test reaches; a helper used only by tests lives in a _test.go file or a *test package).
lint: tools vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt: not formatted:"; echo "$$out"; exit 1; fi
	$(STATICCHECK) ./...
	@out=$$($(DEADCODE) -test ./...); if [ -n "$$out" ]; then echo "deadcode: unreachable:"; echo "$$out"; exit 1; fi

tools: $(STATICCHECK) $(DEADCODE)

$(STATICCHECK):
	GOBIN=$(TOOLBIN)/.install $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv $(TOOLBIN)/.install/staticcheck $@

$(DEADCODE):
	GOBIN=$(TOOLBIN)/.install $(GO) install golang.org/x/tools/cmd/deadcode@$(DEADCODE_VERSION)
	mv $(TOOLBIN)/.install/deadcode $@

test: lint
	$(GO) test -race -count=1 -timeout 20m ./...

demo: build
	bash ./examples/demo.sh

bench: build
	./bench/http-vs-wrk.sh

# uplot re-fetches the pinned uPlot release from the npm registry and checks that the files
# vendored under internal/report/assets/uplot are exactly its files (sha256).
uplot:
	bash internal/report/assets/uplot/fetch.sh

clean:
	rm -rf $(BIN)
