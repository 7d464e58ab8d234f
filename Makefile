# CaseVault: the two quick-start commands are `make demo` and `make test`.
# Both install the system libraries they need on a fresh Debian or Ubuntu machine.

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)

# Where `make install` puts things; DESTDIR is prepended for staged installs (packages).
PREFIX ?= /usr/local
DESTDIR ?=

# The release binary, the manual page and the shell completions `make install` copies. They are files with
# their sources as prerequisites, so a `sudo make install` after `make man completions` builds nothing.
RELEASE_BIN := .build/release/casevault
SWIFT_SOURCES := Package.swift $(shell find Sources -name '*.swift' 2>/dev/null)
MAN_PAGE := .build/man/casevault.1
# Where swift-argument-parser's GenerateManual plugin writes (its work folder for the CaseVaultCLI target).
PLUGIN_MAN_PAGE := .build/plugins/GenerateManual/outputs/CaseVaultCLI/casevault.1
# The manual's date: the last commit's, so the page is the same for everyone who builds one commit.
MAN_DATE := $(shell git log -1 --format=%cs 2>/dev/null)
COMPLETIONS := .build/completions/casevault.bash .build/completions/_casevault .build/completions/casevault.fish

.PHONY: deps build demo test benchmarks clean release man completions install uninstall

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

# The release `casevault`.
release: $(RELEASE_BIN)

$(RELEASE_BIN): $(SWIFT_SOURCES) | deps
	$(SWIFT) build -c release --product casevault
	touch $@

# casevault.1 (mdoc), generated from the command definitions by swift-argument-parser's GenerateManual
# command plugin (it builds the package in release mode, runs `casevault --experimental-dump-help` and
# writes the page into its work folder), then copied to .build/man. `man .build/man/casevault.1` reads it.
man: $(MAN_PAGE)

$(MAN_PAGE): $(RELEASE_BIN)
	$(SWIFT) package plugin generate-manual $(if $(MAN_DATE),--date $(MAN_DATE))
	mkdir -p $(dir $@)
	cp $(PLUGIN_MAN_PAGE) $@

# Shell completions from ArgumentParser's built-in generator, one file per shell.
completions: $(COMPLETIONS)

.build/completions/casevault.bash: $(RELEASE_BIN)
	mkdir -p $(dir $@)
	$(RELEASE_BIN) --generate-completion-script bash > $@

.build/completions/_casevault: $(RELEASE_BIN)
	mkdir -p $(dir $@)
	$(RELEASE_BIN) --generate-completion-script zsh > $@

.build/completions/casevault.fish: $(RELEASE_BIN)
	mkdir -p $(dir $@)
	$(RELEASE_BIN) --generate-completion-script fish > $@

# Installs the binary, the manual page and the completions under $(DESTDIR)$(PREFIX).
install: $(RELEASE_BIN) $(MAN_PAGE) $(COMPLETIONS)
	install -d "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(PREFIX)/share/man/man1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 $(RELEASE_BIN) "$(DESTDIR)$(PREFIX)/bin/casevault"
	install -m 644 $(MAN_PAGE) "$(DESTDIR)$(PREFIX)/share/man/man1/casevault.1"
	install -m 644 .build/completions/casevault.bash "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/casevault"
	install -m 644 .build/completions/_casevault "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_casevault"
	install -m 644 .build/completions/casevault.fish \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/casevault.fish"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/casevault" "$(DESTDIR)$(PREFIX)/share/man/man1/casevault.1" \
		"$(DESTDIR)$(PREFIX)/share/bash-completion/completions/casevault" \
		"$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_casevault" \
		"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/casevault.fish"
