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

    private static let opened: Result<VulkanBackend, Unavailable> = open(mapsDeviceMemory: true)

    /// A second backend on the same kind of device whose transfers all go through staging
    /// buffers, as on a discrete GPU.
    private static let staged: Result<VulkanBackend, Unavailable> = open(mapsDeviceMemory: false)

    private static func open(mapsDeviceMemory: Bool) -> Result<VulkanBackend, Unavailable> {
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
            let device = try VulkanDevice(instance: instance, info: info, mapsDeviceMemory: mapsDeviceMemory)
            let backend = try VulkanBackend(device: device)
            print("Vulkan tests run on \(info.summary), validation \(validation ? "on" : "OFF")\(mapsDeviceMemory ? "" : ", staging transfers")")
            return .success(backend)
        } catch {
            return .failure(.reason("\(error)"))
        }
    }

    /// The test backend, nil when Vulkan tests should be skipped here; throws in CI.
    public static func backend() throws -> VulkanBackend? { try available(opened) }

    /// A backend of its own, for tests whose work must not interleave with other tests' (such
    /// as timestamps, which a submission from a neighbouring test would reset). Check its
    /// device's validation log yourself.
    public static func privateBackend() throws -> VulkanBackend? { try available(open(mapsDeviceMemory: true)) }

    /// Like `backend()`, with every transfer through staging buffers.
    public static func stagingBackend() throws -> VulkanBackend? { try available(staged) }

    private static func available(_ result: Result<VulkanBackend, Unavailable>) throws -> VulkanBackend? {
        switch result {
        case let .success(backend): return backend
        case let .failure(reason):
            if isCI { throw reason }
            print("skipping Vulkan tests: \(reason)")
            return nil
        }
    }

    /// Validation-layer messages since the last call (they should be none).
    public static func drainValidationMessages() -> [String] {
        ((try? opened.get())?.device.validationLog.drain() ?? []) + ((try? staged.get())?.device.validationLog.drain() ?? [])
    }
}
