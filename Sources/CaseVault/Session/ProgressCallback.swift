/// A caller's progress callback, `(done, total)`, called inside a write transaction; it may
/// throw to stop the operation.
///
/// What it throws is wrapped in a ``CallerError``, which rolls the transaction back and comes out
/// of ``VaultDatabase/write(_:_:)`` as the caller's own error instead of a storage error.
struct ProgressCallback {
    /// How many items pass between two calls: often enough for a progress bar and a prompt stop,
    /// rarely enough to cost nothing.
    static let stride = 256

    private let report: ((_ done: Int, _ total: Int) throws -> Void)?

    init(_ report: ((_ done: Int, _ total: Int) throws -> Void)?) {
        self.report = report
    }

    /// Reports `done` of `total`.
    ///
    /// - Throws: ``CallerError`` holding what the callback threw.
    func callAsFunction(_ done: Int, _ total: Int) throws {
        guard let report else { return }
        do { try report(done, total) } catch { throw CallerError(error: error) }
    }

    /// Reports after the item at `position` (from 0) when it ends a stride or is the last one.
    ///
    /// - Throws: ``CallerError`` holding what the callback threw.
    func after(_ position: Int, of total: Int) throws {
        let done = position + 1
        if done % ProgressCallback.stride == 0 || done == total { try self(done, total) }
    }
}
