import Testing
import VulkanLM

/// With the loader made unloadable, `auto` says why and runs on the CPU, with correct results.
@Suite struct FallbackTests {
    static let missingLoader = VulkanOptions(libraryPath: "/nonexistent/libvulkan.so.1")

    @Test func autoFallsBackToCPUWhenTheLoaderIsMissing() throws {
        let selected = try Backends.open(.auto, options: Self.missingLoader)
        #expect(selected.backend.name == "cpu")
        #expect(selected.reason.contains("/nonexistent/libvulkan.so.1"))
        #expect(!selected.reason.contains("\n"))

        // y = x · W + b on the fallback, against a hand-checked product.
        let backend = selected.backend
        let x = try backend.tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let w = try backend.tensor([1, 0, 0, 1, 1, 1], shape: [3, 2])     // [in, out]
        let b = try backend.tensor([0.5, -0.5], shape: [2])
        let y = try backend.empty(shape: [2, 2])
        try backend.matmul(x, weight: w, layout: .inOut, bias: b, into: y)
        #expect(try backend.read(y) == [4.5, 4.5, 10.5, 10.5])
    }

    @Test func environmentVariablePointsTheRuntimeAtTheLoader() {
        let options = VulkanOptions.fromEnvironment(["VULKANLM_VULKAN_LIBRARY": "/nonexistent/libvulkan.so.1"])
        guard case let .failure(error) = Backends.listDevices(options: options) else {
            Issue.record("a missing loader listed devices"); return
        }
        #expect("\(error)".contains("/nonexistent/libvulkan.so.1"))
    }

    @Test func explicitDeviceWithoutVulkanIsAnError() {
        #expect(throws: VulkanError.self) { try Backends.open(.name("nvidia"), options: Self.missingLoader) }
    }

    @Test func cpuSelectorNeverTouchesVulkan() throws {
        let selected = try Backends.open(.cpu, options: Self.missingLoader)
        #expect(selected.backend.name == "cpu")
    }
}
