import Formats

/// Counts the weight bytes placed while a model loads and reports them (done, total) to
/// `LlamaModel.Options.progress`: each tensor is reported done as the next one starts, and
/// `finish()` reports the whole file once every tensor is in place.
final class LoadProgress {
    private let report: @Sendable (_ done: Int, _ total: Int) -> Void
    private let total: Int
    private var done = 0, current = 0

    init(gguf: GGUFFile, report: @escaping @Sendable (_ done: Int, _ total: Int) -> Void) {
        self.report = report
        total = gguf.tensors.reduce(0) { $0 + $1.byteCount }
    }

    func starting(_ bytes: Int) {
        done += current
        current = bytes
        report(min(done, total), total)
    }

    func finish() {
        done = total
        current = 0
        report(total, total)
    }
}
