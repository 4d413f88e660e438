import Foundation
import Testing

/// Files that cannot be read or written get the contract's exit codes and name the file.
@Suite("file errors")
struct FileErrorTests {
    @Test("an output that cannot be created is an I/O error (74), not a missing input")
    func unwritableOutput() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            #expect(try strata("import", sampleExport.path, "--journal", j).exited(0))
            let r = try strata(
                "export", "--output", dir.appendingPathComponent("no/such/dir/x.ndjson").path, "--journal", j)
            #expect(r.exited(74), "\(r.status) \(r.err)")
            #expect(r.err.contains("no/such/dir/x.ndjson"))
        }
    }

    @Test("importing a directory names it, exits 66 (not an input file) and creates no journal")
    func directoryInput() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            let r = try strata("import", dir.path, "--journal", j)
            #expect(r.exited(66), "\(r.status) \(r.err)")
            #expect(r.err.contains(dir.path) && r.err.contains("directory"), "\(r.err)")
            #expect(!FileManager.default.fileExists(atPath: j))
        }
    }

    @Test(
        "an input without end or line breaks (/dev/zero) is refused once 256 MiB of it is read: 65, nothing appended, no journal made"
    )
    func endlessInput() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            let appended = try strata("append", "/dev/zero", "--journal", j)
            #expect(appended.exited(65), "\(appended.status) \(appended.err)")
            #expect(
                appended.err == "error: /dev/zero: the file is larger than 256 MiB, the most a report file may be\n",
                "\(appended.err)")
            #expect(!FileManager.default.fileExists(atPath: j))
            // An existing journal is left as it was.
            #expect(try strata("import", sampleExport.path, "--journal", j).exited(0))
            let before = try strata("export", "--journal", j).stdout
            let imported = try strata("import", "/dev/zero", "--journal", j)
            #expect(imported.exited(65), "\(imported.status) \(imported.err)")
            #expect(
                imported.err.contains("/dev/zero:1: the line is longer than 256 MiB, the most an event may be"),
                "\(imported.err)")
            #expect(try strata("export", "--journal", j).stdout == before)
        }
    }

    @Test("a missing input file is 66 and names the file")
    func missingInput() throws {
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("missing.yaml").path
            let j = dir.appendingPathComponent("j").path
            let r = try strata("append", missing, "--journal", j)
            #expect(r.exited(66), "\(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: \(missing)"), "\(r.err)")
            #expect(!FileManager.default.fileExists(atPath: j), "a missing input must not create a journal")
        }
    }

    @Test(
        "append of several files appends the good ones and exits with the first failure's code: missing then invalid is 66, invalid then missing 65"
    )
    func severalFilesFirstFailure() throws {
        try withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("missing.yaml").path
            let invalid = try reportFile(
                "report: {id: bad, outlet: X, published: 2020-01-01}\nbogus: 1\n", named: "invalid.yaml", in: dir)
            let j = dir.appendingPathComponent("j").path
            let first = try strata("append", missing, seedExample.path, invalid, "--journal", j)
            #expect(first.exited(66), "\(first.status) \(first.err)")
            #expect(first.err.contains(missing) && first.err.contains("invalid.yaml"), "\(first.err)")
            let events = try #require(try statsJSON(journal: j)["events"] as? Int)
            #expect(events > 0, "the valid file between them is appended")
            let second = try strata("append", invalid, missing, "--journal", j)
            #expect(second.exited(65), "\(second.status) \(second.err)")
            #expect(try statsJSON(journal: j)["events"] as? Int == events)
        }
    }

    @Test(
        "an input file that exists but may not be read is an I/O error (74: permission), not a missing one",
        arguments: ["append", "import"])
    func unreadableInput(command: String) throws {
        try withTemporaryDirectory { dir in
            // Root reads any file: run as nobody then, in a directory nobody may write.
            #expect(chmod(dir.path, 0o777) == 0)
            let input = try reportFile(
                "report: {id: r, outlet: X, published: 2020-01-01}\n",
                named: command == "append" ? "r.yaml" : "e.ndjson", in: dir)
            #expect(chmod(input, 0o000) == 0)
            let j = dir.appendingPathComponent("j").path
            let arguments = [command, input, "--journal", j]
            let r =
                getuid() == 0
                ? try Running(
                    "/usr/bin/setpriv",
                    ["--reuid=65534", "--regid=65534", "--clear-groups", Binaries.strata] + arguments
                ).wait()
                : try Running(Binaries.strata, arguments).wait()
            #expect(r.exited(74), "\(r.status) \(r.err)")
            #expect(r.err.hasPrefix("error: \(input): cannot open: Permission denied"), "\(r.err)")
            #expect(!FileManager.default.fileExists(atPath: j), "an unreadable input must not create a journal")
        }
    }

    @Test(
        "a recording command refused on a journal that does not exist yet leaves no journal behind; one accepted creates it"
    )
    func refusedCommandsCreateNoJournal() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("new/journal").path
            let report = try reportFile(
                "report: {id: r, outlet: X, published: 2020-01-01}\nclaims:\n  - {id: c1, kind: policy, source: nobody}\n",
                named: "r.yaml", in: dir)
            for command in [
                ["append", report], ["retract", "r/c1", "--reason", "x"],
                ["correct", "r/c1", "--set", "note=x", "--reason", "x"],
                ["link", "r/c1", "r/c2", "--as", "corroborates"], ["unlink", "r/c1", "r/c2", "--as", "corroborates"],
                ["rate", "nobody", "B", "--reason", "x"], ["alias", "place", "Moon Base", "Atlantis"],
                ["unalias", "place", "Moon Base"],
            ] {
                let r = try Running(Binaries.strata, command + ["--journal", j]).wait()
                #expect(r.exited(65), "\(command): \(r.status) \(r.err)")
                #expect(r.err.hasPrefix("error: "), "\(command): \(r.err)")
                #expect(!FileManager.default.fileExists(atPath: j), "\(command) left a journal behind")
            }
            #expect(try strata("alias", "place", "Nam-pho harbour", "Nampo", "--journal", j).exited(0))
            #expect(FileManager.default.fileExists(atPath: j + "/data.mdb"))
            #expect(try statsJSON(journal: j)["events"] as? Int == 1)
        }
    }

    @Test(
        "export --output writes the file whole or not at all: interrupted, it leaves the old file as it was and no partial one"
    )
    func interruptedExport() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("journal").path
            #expect(try bench("journal", "--journal", j, "--events", "30000").exited(0))
            let output = dir.appendingPathComponent("export.ndjson").path
            try "the previous export\n".write(toFile: output, atomically: false, encoding: .utf8)
            // Through Python, to clear the signal mask the test runner's threads hand down
            // (SIGTERM would stay blocked, as it is for no user's shell).
            let unmasked =
                "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); os.execv(sys.argv[1], sys.argv[1:])"
            let run = try Running(
                "/usr/bin/env",
                ["python3", "-c", unmasked, Binaries.strata, "export", "--output", output, "--journal", j])
            let partial = output + ".partial-\(run.pid)"
            var started = false
            for _ in 0..<2000 where !started {
                started = FileManager.default.fileExists(atPath: partial)
                if !started { usleep(1000) }
            }
            // Stopped mid-export, then terminated: the signal is handled when it goes on.
            kill(run.pid, SIGSTOP)
            kill(run.pid, SIGTERM)
            kill(run.pid, SIGCONT)
            let r = run.wait()
            #expect(started, "the export wrote to \(partial)")
            #expect(r.exited(143), "\(r.status) \(r.signaled) \(r.err)")
            #expect(try String(contentsOfFile: output, encoding: .utf8) == "the previous export\n")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".partial-") }
                    .isEmpty)
            // Uninterrupted, the export replaces it whole.
            #expect(try strata("export", "--output", output, "--journal", j).exited(0))
            let events = try #require(try statsJSON(journal: j)["events"] as? Int)
            #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == events)
        }
    }

    @Test("errors about command-line arguments name the argument, not a line")
    func argumentErrors() throws {
        try withTemporaryDirectory { dir in
            let j = dir.appendingPathComponent("j").path
            let seed = repositoryRoot.appendingPathComponent("examples/dailynk-2020-05-minerals.yaml").path
            #expect(try strata("append", seed, "--journal", j).exited(0))
            let r = try strata(
                "link", "dailynk-2020-05-minerals/c6", "dailynk-2020-05-minerals/c99", "--as", "same-shipment",
                "--journal", j)
            #expect(r.exited(65))
            #expect(r.err.hasPrefix("error: CLAIM: no claim dailynk-2020-05-minerals/c99"), "\(r.err)")
        }
    }
}
