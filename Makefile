# maas — developer entry points. `make demo` and `make test` are the two commands the README promises.
SHELL := /bin/bash
SWIFT ?= swift
# Debian packages the build and tests need (see .ci/run, which calls `make deps`).
APT_PACKAGES := pkg-config libopenblas-dev libsndfile1-dev libsoxr-dev gcc make protobuf-c-compiler libprotobuf-c-dev valgrind sox
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build release test unit-test c-client c-client-test integration-test demo clean

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "system packages present: $(APT_PACKAGES)"; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

unit-test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

c-client: deps
	$(MAKE) -C clients/c

# The C library and maas-c against a hostile fake server, all under valgrind (clients/c/README.md).
c-client-test: deps
	$(MAKE) -C clients/c test

# The real server, the Swift CLI and the C client, driven by bash scripts (Tests/Integration/README.md).
integration-test: deps
	bash Tests/Integration/run.sh

test: unit-test c-client-test integration-test

demo: release c-client
	bash deploy/demo.sh

clean:
	rm -rf .build demo-data
	$(MAKE) -C clients/c clean
