import ArgumentParser
import LMDB
import StrataDomain
import StrataLog
import StrataViews

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The exit codes of the CLI contract (sysexits.h).
enum Exit: Int32 {
    case ok = 0
    case usage = 64
    case dataError = 65
    case noInput = 66
    case software = 70
    case ioError = 74
    case tempFail = 75
}

/// An error the CLI reports: `error: MESSAGE` on standard error and its exit code.
struct Failure: Error {
    let exit: Exit
    let message: String
    init(_ exit: Exit, _ message: String) {
        self.exit = exit
        self.message = message
    }

    /// An input file that could not be opened (`code`: the errno): one that is missing or
    /// a directory is a missing input (66); anything else, a file it may not read
    /// included, an I/O error (74: "disk full, permission, corrupted journal", cli.md).
    static func cannotOpen(_ file: String, _ code: Int32) -> Failure {
        let missing = [ENOENT, ENOTDIR, EISDIR].contains(code)
        let why = code == EISDIR ? "it is a directory, not a file" : String(cString: strerror(code))
        return Failure(missing ? .noInput : .ioError, "\(file): cannot open: \(why)")
    }
}

/// A value that is well-formed as an argument but invalid as data — a record time, a date
/// or EDTF bound, a claim kind, a relation, an entity kind — is bad data (exit 65, as a
/// report with that value would be), not wrong usage (64: an unknown option, a missing
/// argument, a choice of output). Prints `error: MESSAGE` and returns the code for
/// `validate()` to throw.
func invalidValue(_ message: String) -> ExitCode {
    Stderr.print("error: \(message)")
    return ExitCode(Exit.dataError.rawValue)
}

/// Runs a command body, printing any error in the contract's form and exiting with its code.
func reporting(file: String? = nil, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        let failure = Failure.from(error, file: file)
        Stderr.print("error: \(failure.message)")
        throw ExitCode(failure.exit.rawValue)
    }
}

extension Failure {
    /// Maps each layer's errors to a message and an exit code, in one place.
    static func from(_ error: any Error, file: String?) -> Failure {
        let prefix = file.map { "\($0): " } ?? ""
        switch error {
        case let f as Failure:
            return f
        case let e as InputError:
            return Failure(.dataError, (e.file == nil ? prefix : "") + e.description)
        case let e as ReadModelBusy:
            return Failure(.tempFail, e.description)
        case let e as ScratchCopyError:
            return Failure(.ioError, e.description)
        case let e as EventDecodingError:
            return Failure(.software, "cannot read a stored event: \(e) (a journal from a newer strata?)")
        case let e as LogError:
            switch e {
            case .importRejected(let line, let field, let reason):
                let where_ = (file ?? "-") + ":\(line): " + (field.map { "\($0): " } ?? "")
                return Failure(.dataError, where_ + reason)
            case .wrongExpectedVersion, .logMoved:
                return Failure(.tempFail, prefix + e.description)
            case .idConflict, .recordTimeBackwards, .recordTimeInFuture, .duplicateIDInBatch:
                return Failure(.dataError, prefix + e.description)
            case .corrupted:
                return Failure(.ioError, "journal corrupted: \(e.description)")
            case .storage(let lmdb):
                return Failure.from(lmdb, file: file)
            }
        case let e as ByteReader.Truncated:
            // Stored bytes that do not parse (input is parsed into InputError or LogError).
            return Failure(.ioError, "journal corrupted: malformed stored data (\(e.reason) at byte \(e.offset))")
        case let e as LMDBError:
            // LMDB finding a page it cannot use (MDB_CORRUPTED, MDB_PAGE_NOTFOUND) is damage.
            if e.isCorrupted { return Failure(.ioError, "journal corrupted: \(e)") }
            return Failure(e.isBusy ? .tempFail : .ioError, "storage: \(e)")
        case let e as FileError:
            // A missing input is 66; failing to create or write an output is I/O (74).
            let missingInput = e.code == ENOENT && (e.operation == "open" || e.operation == "read")
            return Failure(missingInput ? .noInput : .ioError, e.description)
        default:
            return Failure(.software, "internal error: \(error)")
        }
    }
}
