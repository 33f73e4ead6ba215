import CVulkan

/// Every failure of the Vulkan runtime, with enough context to act on.
public enum VulkanError: Error, Equatable, CustomStringConvertible {
    /// The loader library could not be opened (no Vulkan installed, or a wrong path).
    case loaderUnavailable(path: String, reason: String)
    /// A function the runtime needs is missing from the loader or driver.
    case missingFunction(String)
    /// A Vulkan call returned an error code.
    case call(String, result: Int32)
    case noDevice(String)
    case deviceNotFound(selector: String, available: [String])
    case missingFeature(device: String, feature: String)
    case noSuitableMemory(String)
    case limitExceeded(what: String, requested: Int, limit: Int, limitName: String)
    case unknownKernel(String)

    public var description: String {
        switch self {
        case let .loaderUnavailable(path, reason): "cannot open Vulkan loader \(path): \(reason)"
        case let .missingFunction(name): "Vulkan function \(name) is not available"
        case let .call(name, result): "\(name) failed: \(VulkanError.resultName(result)) (\(result))"
        case let .noDevice(reason): "no usable Vulkan device: \(reason)"
        case let .deviceNotFound(selector, available):
            "no Vulkan device matches '\(selector)'; available: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
        case let .missingFeature(device, feature): "\(device) lacks \(feature)"
        case let .noSuitableMemory(what): "no suitable memory type for \(what)"
        case let .limitExceeded(what, requested, limit, limitName):
            "\(what) needs \(requested), over the device's \(limitName) of \(limit)"
        case let .unknownKernel(name): "no embedded kernel named \(name)"
        }
    }

    public var isOutOfMemory: Bool {
        if case let .call(_, result) = self {
            return result == VK_ERROR_OUT_OF_DEVICE_MEMORY.rawValue || result == VK_ERROR_OUT_OF_HOST_MEMORY.rawValue
        }
        return false
    }

    static func resultName(_ code: Int32) -> String {
        switch VkResult(rawValue: code) {
        case VK_NOT_READY: "VK_NOT_READY"
        case VK_TIMEOUT: "VK_TIMEOUT"
        case VK_INCOMPLETE: "VK_INCOMPLETE"
        case VK_ERROR_OUT_OF_HOST_MEMORY: "VK_ERROR_OUT_OF_HOST_MEMORY"
        case VK_ERROR_OUT_OF_DEVICE_MEMORY: "VK_ERROR_OUT_OF_DEVICE_MEMORY"
        case VK_ERROR_INITIALIZATION_FAILED: "VK_ERROR_INITIALIZATION_FAILED"
        case VK_ERROR_DEVICE_LOST: "VK_ERROR_DEVICE_LOST"
        case VK_ERROR_MEMORY_MAP_FAILED: "VK_ERROR_MEMORY_MAP_FAILED"
        case VK_ERROR_LAYER_NOT_PRESENT: "VK_ERROR_LAYER_NOT_PRESENT"
        case VK_ERROR_EXTENSION_NOT_PRESENT: "VK_ERROR_EXTENSION_NOT_PRESENT"
        case VK_ERROR_FEATURE_NOT_PRESENT: "VK_ERROR_FEATURE_NOT_PRESENT"
        case VK_ERROR_INCOMPATIBLE_DRIVER: "VK_ERROR_INCOMPATIBLE_DRIVER"
        case VK_ERROR_TOO_MANY_OBJECTS: "VK_ERROR_TOO_MANY_OBJECTS"
        case VK_ERROR_FORMAT_NOT_SUPPORTED: "VK_ERROR_FORMAT_NOT_SUPPORTED"
        case VK_ERROR_FRAGMENTED_POOL: "VK_ERROR_FRAGMENTED_POOL"
        case VK_ERROR_OUT_OF_POOL_MEMORY: "VK_ERROR_OUT_OF_POOL_MEMORY"
        case VK_ERROR_INVALID_SHADER_NV: "VK_ERROR_INVALID_SHADER_NV"
        default: "VkResult"
        }
    }
}

/// Turns a VkResult into a thrown `VulkanError` naming the call.
@inline(__always)
func check(_ result: VkResult, _ call: @autoclosure () -> String) throws {
    guard result == VK_SUCCESS else { throw VulkanError.call(call(), result: result.rawValue) }
}
