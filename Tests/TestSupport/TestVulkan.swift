import VulkanBackend
import VulkanRuntime

/// The Vulkan device the tests run on: lavapipe by default (`VULKANLM_TEST_DEVICE` picks
/// another, e.g. a real GPU), always with the Khronos validation layer when it is installed.
///
/// With `CI=true`, a missing loader, device or validation layer is a failure; elsewhere the
/// Vulkan tests are skipped with the reason printed.
public enum TestVulkan {
    public enum Unavailable: Error, CustomStringConvertible {
        case reason(String)
        public var description: String { if case let .reason(r) = self { r } else { "" } }
    }

    public static var isCI: Bool { Environment.current["CI"]?.lowercased() == "true" }

    private static let opened: Result<VulkanBackend, Unavailable> = {
        let environment = Environment.current
        let selector = DeviceSelector(environment["VULKANLM_TEST_DEVICE"] ?? "llvmpipe")
        do {
            let library = try VulkanLibrary()
            let validation = library.availableLayers().contains(VulkanInstance.validationLayerName)
            if !validation, isCI {
                return .failure(.reason("the Khronos validation layer is not installed (vulkan-validationlayers)"))
            }
            let instance = try VulkanInstance(library: library, validation: validation)
            guard case let .vulkan(info, _) = try selector.choose(from: instance.devices) else {
                return .failure(.reason("selector \(selector) chose no Vulkan device"))
            }
            let backend = try VulkanBackend(device: try VulkanDevice(instance: instance, info: info))
            print("Vulkan tests run on \(info.summary), validation \(validation ? "on" : "OFF")")
            return .success(backend)
        } catch {
            return .failure(.reason("\(error)"))
        }
    }()

    /// The test backend, nil when Vulkan tests should be skipped here; throws in CI.
    public static func backend() throws -> VulkanBackend? {
        switch opened {
        case let .success(backend): return backend
        case let .failure(reason):
            if isCI { throw reason }
            print("skipping Vulkan tests: \(reason)")
            return nil
        }
    }

    /// Validation-layer messages since the last call (they should be none).
    public static func drainValidationMessages() -> [String] {
        (try? opened.get())?.device.validationLog.drain() ?? []
    }
}
