# Penggerak. A newcomer needs two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := run
export GOFLAGS ?= -mod=mod

.PHONY: run test build generate lint bench load fmt

## run: start the app at http://localhost:8080 with demo data (starts a private PostgreSQL if needed)
run:
	@export DATABASE_URL=$$(scripts/db.sh penggerak) && \
	go run ./cmd/penggerak seed && \
	exec go run ./cmd/penggerak serve

## test: vet, generated code up to date, formatting, and every test against a real PostgreSQL
test:
	@export DATABASE_URL=$$(scripts/db.sh penggerak_test) && \
	scripts/check-templ.sh && \
	test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; } && \
	go vet ./... && \
	go test -count=1 -parallel 4 -timeout 30m ./...

build:
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o bin/penggerak ./cmd/penggerak

generate:
	go tool templ generate

fmt:
	gofmt -w $$(git ls-files '*.go')

## bench: Go benchmarks, each with its baseline measured in the same run and the ratio
## (figures go in README, Performance). The 250,000-row benchmarks build their own data.
bench:
	@export DATABASE_URL=$$(scripts/db.sh penggerak_test) && \
	go test -run '^$$' -bench . -benchmem -timeout 90m ./...

## load: the surge mix against the national data at 50, 200, 500 connections (loopback only,
## bounded: 20 s per level), beside a bare chi handler; seeds penggerak_national the first time
load:
	scripts/load.sh
