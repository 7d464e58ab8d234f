# CaseVault: the two quick-start commands are `make demo` and `make test`.
# Both install the system libraries they need on a fresh Debian or Ubuntu machine.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)

.PHONY: deps build demo test benchmarks clean

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

# Release-build benchmarks of CaseVault against plain SQLite in the same run; writes the results
# table into Docs/Performance.md. First the release `casevault`, which the command benchmarks run
# (CASEVAULT_BINARY), then the 100,000- and 1,000,000-case datasets, built in a process of their
# own so that no benchmark measures a build (PrepareDatasets; kept in $$CASEVAULT_BENCHMARK_DATA,
# default a folder in /tmp, and built again when the library's sources change; a build takes about
# 15 minutes), then the benchmarks.
benchmarks: deps
	$(SWIFT) build -c release --product casevault
	cd Benchmarks && $(SWIFT) run -c release PrepareDatasets
	binary="$$($(SWIFT) build -c release --show-bin-path)/casevault" && cd Benchmarks && \
		CASEVAULT_BINARY="$$binary" $(SWIFT) package --allow-writing-to-package-directory benchmark \
		--no-progress --format influx --path .results
	cd Benchmarks && $(SWIFT) run -c release PerformanceReport .results/Current_run.influx.csv ../Docs/Performance.md

clean:
	rm -rf .build Benchmarks/.build
