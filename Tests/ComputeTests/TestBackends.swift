import Compute
import CPUBackend
import TestSupport

/// Every backend the kernel suite runs against: the CPU (with and without F16C), and the Vulkan test device
/// (lavapipe with validation on; skipped with a printed reason where none exists, a failure in CI).
func testBackends() throws -> [any Backend] {
    var backends: [any Backend] = [CPUBackend()]
    // The portable f16 path too, where the default one uses the F16C/AVX2 kernels.
    let portable = CPUBackend(allowNativeHalf: false)
    if portable.deviceDescription != backends[0].deviceDescription { backends.append(portable) }
    if let vulkan = try TestVulkan.backend() { backends.append(vulkan) }
    return backends
}

/// Backends on which every op is slow (Vulkan on lavapipe runs ~1000× slower than a GPU); they
/// get only the small-M variants of the largest cases.
func isSlow(_ backend: any Backend) -> Bool {
    backend.name == "vulkan"
}
