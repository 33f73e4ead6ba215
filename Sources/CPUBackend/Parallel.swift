import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits an op's rows (or elements) across cores.
struct Parallel: Sendable {
    /// Below this many elements an op stays on the calling thread: waking Dispatch workers costs
    /// a few microseconds, more than a small op takes on one core.
    static let minimumWork = 1 << 16

    let threads: Int

    init(threads: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) {
        self.threads = threads
    }

    /// Runs `body` over contiguous ranges covering `0..<count`. `work` is the number of elements
    /// the whole call touches, which decides whether threads pay off. Each range must write only
    /// its own outputs: nothing is synchronised between them.
    func forEach(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        guard threads > 1, count > 1, work > Parallel.minimumWork else {
            body(0..<count)
            return
        }
        // More ranges than cores so uneven rows (causal softmax) still balance.
        let chunks = min(count, threads * 4)
        withoutActuallyEscaping(body) { body in
            // concurrentPerform returns only after every iteration has finished, so the closure
            // never outlives this call; the box only tells the compiler so.
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                box.value(count * chunk / chunks ..< count * (chunk + 1) / chunks)
            }
        }
    }
}

/// Carries pointers and non-escaping closures into `concurrentPerform`, whose iterations write
/// disjoint ranges.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
