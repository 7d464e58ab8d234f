import Foundation
import Testing

/// The shell completions and the manual page that `make completions`, `make man` and `make install` produce.
@Suite("casevault shell completions and manual page")
struct ManualAndCompletionTests {
    /// The package root, above this file.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `make ARGUMENTS` in the package root: its exit status and standard output.
    static func make(_ arguments: [String]) async throws -> CommandResult {
        try await CommandLineTool.run(arguments, in: packageRoot, tool: URL(fileURLWithPath: "/usr/bin/make"),
                                      outputFolder: FileManager.default.temporaryDirectory)
    }

    static var hasMake: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/make") }

    @Test("each shell's completion script offers the commands and their subcommands",
          arguments: ["bash", "zsh", "fish"])
    func completionScript(shell: String) async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["--generate-completion-script", shell])
        expectSuccess(result)
        // Fish names a long option without its dashes (-l 'json').
        let options = shell == "fish" ? ["-l 'json'", "-l 'vault'"] : ["--json", "--vault"]
        for word in ["casevault", "case", "export", "referral", "partner", "workflow", "import", "counts", "keygen"]
            + options {
            #expect(result.stdout.contains(word), "the \(shell) script does not mention \(word)")
        }
        if shell == "bash" {
            #expect(result.stdout.contains("complete ") && result.stdout.contains("_casevault"),
                    "not a bash completion script: \(result.stdout.prefix(300))")
        }
    }

    @Test("an unknown shell is a usage error")
    func unknownShell() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["--generate-completion-script", "powershell"])
        expectFailure(result, status: 2)
    }

    @Test("the manual's input, --experimental-dump-help, is ToolInfo version 0 for casevault with every command")
    func dumpHelp() async throws {
        let workspace = try Workspace()
        let result = try await workspace.run(["--experimental-dump-help"])
        expectSuccess(result)
        let info = try result.jsonObject()
        #expect(info["serializationVersion"] as? Int == 0, "generate-manual reads version 0 only")
        let command = try #require(info["command"] as? [String: Any])
        #expect(command["commandName"] as? String == "casevault")
        let names = (command["subcommands"] as? [[String: Any]] ?? []).compactMap { $0["commandName"] as? String }
        for expected in ["init", "user", "case", "partner", "referral", "export", "workflow", "settings", "demo"] {
            #expect(names.contains(expected), "\(expected) is missing from \(names)")
        }
    }

    @Test("make man runs swift-argument-parser's GenerateManual plugin; make install puts every file in its place",
          .enabled(if: hasMake, "needs /usr/bin/make"))
    func makeTargets() async throws {
        // -n prints the commands without running them, -B as if everything were out of date.
        let man = try await Self.make(["-n", "-B", "man"])
        #expect(man.status == 0, "\(man)")
        #expect(man.stdout.contains("package plugin generate-manual"), "\(man.stdout)")
        #expect(man.stdout.contains(".build/man/casevault.1"), "\(man.stdout)")

        let completions = try await Self.make(["-n", "-B", "completions"])
        #expect(completions.status == 0, "\(completions)")
        for shell in ["bash", "zsh", "fish"] {
            #expect(completions.stdout.contains("--generate-completion-script \(shell)"), "\(completions.stdout)")
        }

        let stage = "/tmp/casevault-stage-\(UUID().uuidString)"
        let install = try await Self.make(["-n", "-B", "install", "DESTDIR=\(stage)", "PREFIX=/opt/cv"])
        #expect(install.status == 0, "\(install)")
        for path in ["/opt/cv/bin/casevault", "/opt/cv/share/man/man1/casevault.1",
                     "/opt/cv/share/bash-completion/completions/casevault",
                     "/opt/cv/share/zsh/site-functions/_casevault",
                     "/opt/cv/share/fish/vendor_completions.d/casevault.fish"] {
            #expect(install.stdout.contains(stage + path), "make install does not write \(path): \(install.stdout)")
        }
        let uninstall = try await Self.make(["-n", "uninstall", "DESTDIR=\(stage)", "PREFIX=/opt/cv"])
        #expect(uninstall.status == 0 && uninstall.stdout.contains("rm -f \"\(stage)/opt/cv/bin/casevault\""),
                "\(uninstall)")
        #expect(!FileManager.default.fileExists(atPath: stage), "make -n wrote files")
    }
}
