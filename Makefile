# The two commands of the README, and their helpers. Every target installs what it needs first.
SHELL := /bin/bash
.PHONY: setup build release demo test bench clean

setup:
	@bash scripts/setup.sh

build: setup
	swift build

release: setup
	swift build -c release

## The main job on the embedded default: build, then run the demo corpus end to end.
## SERVE=1 leaves the server running for the web widget's demo page.
demo: setup
	@COACHRAG_DEMO_SERVE=$(SERVE) bash scripts/demo.sh

## Every test, unit and end-to-end, then every benchmark at tiny sizes to prove they still
## run (no timing assertions). What CI runs.
test: setup
	swift build --build-tests
	swift test --skip-build
	# The server's tests again with the state in PostgreSQL (a throw-away cluster the tests start).
	COACHRAG_TEST_STATE=postgresql swift test --skip-build --filter ServerTests
	.build/debug/coachrag-bench run --quick --results "$$(mktemp -d)"

## Every benchmark in release against bench/targets.yml; writes bench/results/ and the README table.
bench: setup
	swift build -c release
	.build/release/coachrag-bench run --update-readme

clean:
	rm -rf .build
