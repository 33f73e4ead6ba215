#if canImport(Glibc)
import Glibc
#endif

/// What every fuzz target shares: a scratch directory for loaders that take paths, and the
/// real model files (for targets that load a tokenizer once and fuzz its input).
enum Fuzz {
    /// In /dev/shm where there is one: each input is written once per run.
    static let directory: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        let path = "\(base)/vulkanlm-fuzz-\(getpid())"
        mkdir(path, 0o700)
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory and returns its path.
    static func write(_ bytes: UnsafeRawBufferPointer, name: String) -> String {
        let path = directory + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot write \(path)")
        var done = 0
        while done < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            precondition(written > 0, "cannot write \(path)")
            done += written
        }
        close(descriptor)
        return path
    }

    static func write(_ text: String, name: String) -> String {
        Array(text.utf8).withUnsafeBytes { write($0, name: name) }
    }

    /// $VULKANLM_FUZZ_MODELS (set by scripts/fuzz.sh): the fetched model files.
    static func model(_ relative: String) -> String {
        guard let root = getenv("VULKANLM_FUZZ_MODELS") else { fatalError("set VULKANLM_FUZZ_MODELS to .cache/models") }
        return String(cString: root) + "/" + relative
    }

    /// $VULKANLM_FUZZ_ROOT (set by scripts/fuzz.sh): the repository, for test fixtures.
    static func repository(_ relative: String) -> String {
        guard let root = getenv("VULKANLM_FUZZ_ROOT") else { fatalError("set VULKANLM_FUZZ_ROOT to the repository") }
        return String(cString: root) + "/" + relative
    }

    /// Texts every loaded tokenizer encodes: words, digits, specials, bytes that are not UTF-8.
    static let samples = ["Hello world", "  12345 tokens!\n\tindented", "<|endoftext|>[CLS]<|im_start|>",
                          "naïve café 東京 🙂", String(repeating: "ab", count: 200)]
}

/// The libFuzzer entry point calls `fuzz` of the target compiled with this file.
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzz(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// Before the first timed input: one empty input, so what a target loads once (a tokenizer from
/// the real model files, seconds under AddressSanitizer) is not charged to the first input's
/// 1-second timeout.
@_cdecl("LLVMFuzzerInitialize")
public func LLVMFuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    fuzz(UnsafeRawBufferPointer(start: nil, count: 0))
    return 0
}
