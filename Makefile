# nnjs: `make demo` runs the main job end to end, `make test` runs every test.
GO      ?= go
BIN     := bin
NNJS    := $(BIN)/nnjs
export NNJS_TEST_DATABASE ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: all build test vet demo bench clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/... ./examples/target

vet:
	$(GO) vet ./...

test: vet
	$(GO) test -race -count=1 -timeout 20m ./...

demo: build
	bash ./examples/demo.sh

bench: build
	./bench/http-vs-wrk.sh

clean:
	rm -rf $(BIN)
