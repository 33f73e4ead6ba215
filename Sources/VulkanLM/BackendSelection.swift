@_exported import Compute
import CPUBackend
import Logging
import VulkanBackend
@_exported import VulkanRuntime

/// The backend a program runs on, and why it was chosen.
public struct SelectedBackend: Sendable {
    public let backend: any Backend
    /// One line: which device and why (or why the CPU is used instead).
    public let reason: String

    /// The CPU backend's worker threads; nil on Vulkan (for benchmark reports).
    public var cpuThreads: Int? { (backend as? CPUBackend)?.threads }

    /// What the validation layer reported since the last call (empty without validation).
    public func drainValidationMessages() -> [String] {
        (backend as? VulkanBackend)?.device.validationLog.drain() ?? []
    }
}

/// Options for opening Vulkan.
public struct VulkanOptions: Sendable {
    /// Enable the Khronos validation layer (tests do; `VULKANLM_VALIDATION=1` does too).
    public var validation: Bool
    /// Path of the Vulkan loader; nil uses `VULKANLM_VULKAN_LIBRARY` or `libvulkan.so.1`.
    public var libraryPath: String?

    public init(validation: Bool = false, libraryPath: String? = nil) {
        self.validation = validation
        self.libraryPath = libraryPath
    }

    public static func fromEnvironment(_ environment: [String: String] = Environment.current) -> VulkanOptions {
        VulkanOptions(validation: ["1", "true", "yes"].contains(environment["VULKANLM_VALIDATION"]?.lowercased() ?? ""),
                      libraryPath: environment["VULKANLM_VULKAN_LIBRARY"])
    }
}

public enum Backends {
    /// The selector from `--device`, else `VULKANLM_DEVICE`, else `auto`.
    public static func selector(flag: String?, environment: [String: String] = Environment.current) -> DeviceSelector {
        DeviceSelector(flag ?? environment["VULKANLM_DEVICE"] ?? "auto")
    }

    /// Opens the device the selector asks for. Fallback is decided here, once: when Vulkan
    /// cannot be used (no loader, no device, device creation fails) `auto` falls back to the
    /// CPU backend and says why in one line. An explicit index or name that cannot be
    /// honoured is an error, not a silent fallback. `cpuInt8Activations` opts a CPU backend into
    /// int8 activations for quantized mat-vecs (see `CPUBackend.init`).
    public static func open(_ selector: DeviceSelector, options: VulkanOptions = .fromEnvironment(),
                            logger: Logger = Logger(label: "vulkanlm"), cpuInt8Activations: Bool = false) throws -> SelectedBackend {
        if selector == .cpu {
            logger.info("CPU backend requested")
            return SelectedBackend(backend: CPUBackend(int8Activations: cpuInt8Activations), reason: "CPU backend requested")
        }
        do {
            let instance = try VulkanInstance(library: try VulkanLibrary(path: options.libraryPath), validation: options.validation)
            switch try selector.choose(from: instance.devices) {
            case let .cpu(reason):
                return cpu(reason: reason, logger: logger, int8Activations: cpuInt8Activations)
            case let .vulkan(info, reason):
                let backend = try VulkanBackend(device: try VulkanDevice(instance: instance, info: info))
                let line = "using Vulkan device \(info.index): \(info.summary) [\(reason)]"
                logger.info("\(line)")
                return SelectedBackend(backend: backend, reason: line)
            }
        } catch let error as VulkanError {
            if selector != .auto { throw error }
            return cpu(reason: "Vulkan unavailable (\(error))", logger: logger, int8Activations: cpuInt8Activations)
        }
    }

    /// The fallback: says why in one line.
    private static func cpu(reason: String, logger: Logger, int8Activations: Bool) -> SelectedBackend {
        let line = "\(reason); using the CPU backend"
        logger.notice("\(line)")
        return SelectedBackend(backend: CPUBackend(int8Activations: int8Activations), reason: line)
    }

    /// All Vulkan devices, or why there are none.
    public static func listDevices(options: VulkanOptions = .fromEnvironment()) -> Result<[PhysicalDeviceInfo], VulkanError> {
        Result {
            try VulkanInstance(library: try VulkanLibrary(path: options.libraryPath), validation: options.validation).devices
        }.mapError { $0 as? VulkanError ?? .noDevice("\($0)") }
    }
}
