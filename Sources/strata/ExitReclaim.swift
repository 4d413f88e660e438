/// Keeps a command's large answers (the journal's state, a read model's rows) alive until
/// the process exits, so the operating system reclaims their memory at once instead of
/// Swift freeing them object by object on the way out: for a view of a million claims the
/// freeing took about a tenth of the command's time. Only for values a command holds to
/// its end anyway.
///
/// It works because Swift never destroys globals: what is in `kept` lives until `exit`.
/// `nonisolated(unsafe)` is sound here because a command runs on the main thread alone
/// (the import's writer thread never calls it).
enum ExitReclaim {
    nonisolated(unsafe) private static var kept: [Any] = []

    static func keep(_ value: Any) { kept.append(value) }
}
