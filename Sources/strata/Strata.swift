import ArgumentParser
import Foundation
import LMDB

@main
struct Strata: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "An event-sourced intelligence journal on LMDB.",
        discussion: """
            The journal is an append-only log of events in an LMDB directory: --journal PATH, \
            else $STRATA_JOURNAL, else ./strata-journal. Commands that write create it; \
            commands that read fail with exit 66 when it does not exist.

            Exit codes: 0 success, 64 wrong usage (unknown option, missing argument), 65 bad data \
            (including an invalid value given to an option: a time, a date, a kind, a relation), \
            66 missing input or journal, \
            70 internal error, 74 I/O or storage error (including a corrupted journal), \
            75 busy or a concurrent change conflicted (retrying may succeed).
            """,
        version: "strata \(Strata.version)",
        subcommands: [
            AppendCommand.self, CorrectCommand.self, RetractCommand.self, LinkCommand.self, UnlinkCommand.self,
            RateCommand.self, AliasCommand.self, UnaliasCommand.self, ClaimCommand.self, SourcesCommand.self,
            ShipmentsCommand.self, VolumesCommand.self, TimelineCommand.self, RebuildCommand.self,
            LogCommand.self, VerifyCommand.self, ExportCommand.self, ImportCommand.self, StatsCommand.self,
        ]
    )

    /// ArgumentParser's `main`, with usage errors written like every other error:
    /// `error: …` on standard error (spec/cli.md), then the usage, exit 64.
    static func main() {
        // `strata help NAME` of a command that does not exist: ArgumentParser prints the
        // main help and exits 0, as if NAME were one.
        let arguments = CommandLine.arguments
        // No command at all is a missing argument: the help, on standard error, exit 64.
        if arguments.count == 1 {
            Stderr.print("error: no command given; one of those below")
            Stderr.print(helpMessage())
            exit(withError: ExitCode(64))
        }
        if arguments.count >= 3, arguments[1] == "help", !arguments[2].hasPrefix("-"), arguments[2] != "help",
            !configuration.subcommands.contains(where: { $0.configuration.commandName == arguments[2] })
        {
            Stderr.print("error: no command \"\(arguments[2])\"; `strata --help` lists them")
            exit(withError: ExitCode(64))
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }  // --help, --version
            var message = fullMessage(for: error)
            if message.hasPrefix("Error: ") { message = "error: " + message.dropFirst("Error: ".count) }
            // Empty for an invalid value (`invalidValue(_:)`), which printed its own.
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            exit(withError: ExitCode(code.rawValue))
        }
        // A data file damaged in its pages fails LMDB's own checks or faults: exit 74.
        CrashGuard.install()
        // A write that waits for an import into the same journal says why it stands still.
        Environment.installWaitNotice {
            Stderr.print("waiting: another process is importing into this journal; this command goes on when it ends")
        }
        do {
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
