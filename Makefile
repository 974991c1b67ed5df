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
demo: setup
	@bash scripts/demo.sh

## Every test, unit and end-to-end (what CI runs).
test: setup
	swift build --build-tests
	swift test --skip-build

bench: setup
	swift run -c release coachrag-bench

clean:
	rm -rf .build
