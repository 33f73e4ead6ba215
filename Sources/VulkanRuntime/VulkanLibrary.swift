import CVulkan
#if canImport(Glibc)
import Glibc
#endif

/// The Vulkan loader, opened with dlopen so that a binary without it still starts.
/// `VULKANLM_VULKAN_LIBRARY` overrides the path (tests point it at a missing file to prove
/// the CPU fallback).
public final class VulkanLibrary: @unchecked Sendable {
    public static let defaultPath = "libvulkan.so.1"
    public let path: String
    private let handle: UnsafeMutableRawPointer
    let getInstanceProcAddr: PFN_vkGetInstanceProcAddr

    public init(path: String? = nil, environment: [String: String] = Environment.current) throws {
        let path = path ?? environment["VULKANLM_VULKAN_LIBRARY"] ?? Self.defaultPath
        self.path = path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            throw VulkanError.loaderUnavailable(path: path, reason: reason)
        }
        guard let symbol = dlsym(handle, "vkGetInstanceProcAddr") else {
            dlclose(handle)
            throw VulkanError.missingFunction("vkGetInstanceProcAddr in \(path)")
        }
        self.handle = handle
        self.getInstanceProcAddr = unsafeBitCast(symbol, to: PFN_vkGetInstanceProcAddr.self)
    }

    // The loader stays open for the life of the process: drivers register atexit handlers.

    /// Looks up a global or instance-level function.
    func function<F>(_ name: String, instance: VkInstance? = nil) throws -> F {
        guard let pointer = getInstanceProcAddr(instance, name) else {
            throw VulkanError.missingFunction(name)
        }
        return unsafeBitCast(pointer, to: F.self)
    }

    func optionalFunction<F>(_ name: String, instance: VkInstance? = nil) -> F? {
        getInstanceProcAddr(instance, name).map { unsafeBitCast($0, to: F.self) }
    }

    /// Highest instance API version the loader supports.
    public func instanceVersion() -> UInt32 {
        guard let enumerate: PFN_vkEnumerateInstanceVersion = optionalFunction("vkEnumerateInstanceVersion") else {
            return vkMakeVersion(1, 0, 0)
        }
        var version: UInt32 = 0
        return enumerate(&version) == VK_SUCCESS ? version : vkMakeVersion(1, 0, 0)
    }

    public func availableLayers() -> [String] {
        guard let enumerate: PFN_vkEnumerateInstanceLayerProperties =
            optionalFunction("vkEnumerateInstanceLayerProperties") else { return [] }
        var count: UInt32 = 0
        guard enumerate(&count, nil) == VK_SUCCESS, count > 0 else { return [] }
        var layers = [VkLayerProperties](repeating: VkLayerProperties(), count: Int(count))
        guard enumerate(&count, &layers) == VK_SUCCESS else { return [] }
        return layers.prefix(Int(count)).map { withUnsafeBytes(of: $0.layerName) { cString($0) } }
    }

    public func availableInstanceExtensions() -> [String] {
        guard let enumerate: PFN_vkEnumerateInstanceExtensionProperties =
            optionalFunction("vkEnumerateInstanceExtensionProperties") else { return [] }
        var count: UInt32 = 0
        guard enumerate(nil, &count, nil) == VK_SUCCESS, count > 0 else { return [] }
        var extensions = [VkExtensionProperties](repeating: VkExtensionProperties(), count: Int(count))
        guard enumerate(nil, &count, &extensions) == VK_SUCCESS else { return [] }
        return extensions.prefix(Int(count)).map { withUnsafeBytes(of: $0.extensionName) { cString($0) } }
    }
}

/// Reads a NUL-terminated C string out of a fixed-size char array.
func cString(_ bytes: UnsafeRawBufferPointer) -> String {
    let length = bytes.firstIndex(of: 0) ?? bytes.count
    return String(decoding: bytes.prefix(length), as: UTF8.self)
}

public func vkMakeVersion(_ major: UInt32, _ minor: UInt32, _ patch: UInt32) -> UInt32 {
    (major << 22) | (minor << 12) | patch
}

public func vkVersionString(_ version: UInt32) -> String {
    "\(version >> 22 & 0x7F).\(version >> 12 & 0x3FF).\(version & 0xFFF)"
}

/// The process environment as a dictionary, without Foundation.
public enum Environment {
    public static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
