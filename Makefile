# CaseVault: the two quick-start commands are `make demo` and `make test`.
# Both install the system libraries they need on a fresh Debian or Ubuntu machine.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)

.PHONY: deps build demo test clean

deps:
	@if ! pkg-config --exists libsodium 2>/dev/null || [ ! -f /usr/include/sqlite3.h ]; then \
		echo "Installing libsodium-dev, libsqlite3-dev and pkg-config..."; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium-dev libsqlite3-dev pkg-config; \
	fi

build: deps
	$(SWIFT) build

demo: deps
	$(SWIFT) run casevault demo

test: deps
	$(SWIFT) test --disable-xctest

clean:
	rm -rf .build
