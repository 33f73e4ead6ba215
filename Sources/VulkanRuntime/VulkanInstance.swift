import CVulkan
#if canImport(Glibc)
import Glibc
#endif

/// A Vulkan instance and the physical devices it sees. Optionally with the Khronos
/// validation layer, whose warnings and errors land in `validationLog`.
public final class VulkanInstance: @unchecked Sendable {
    public static let validationLayerName = "VK_LAYER_KHRONOS_validation"

    public let library: VulkanLibrary
    public let devices: [PhysicalDeviceInfo]
    public let validationEnabled: Bool
    public let validationLog = ValidationLog()
    let handle: VkInstance
    let functions: InstanceFunctions
    let physicalDevices: [VkPhysicalDevice]
    private var messenger: VkDebugUtilsMessengerEXT?
    private let destroyMessenger: PFN_vkDestroyDebugUtilsMessengerEXT?

    /// - Parameter validation: enable the Khronos validation layer; throws if it is not installed.
    public init(library: VulkanLibrary, validation: Bool = false) throws {
        self.library = library
        guard library.instanceVersion() >= vkMakeVersion(1, 1, 0) else {
            throw VulkanError.noDevice("the Vulkan loader supports only \(vkVersionString(library.instanceVersion())); VulkanLM needs 1.1")
        }
        if validation, !library.availableLayers().contains(Self.validationLayerName) {
            throw VulkanError.missingFeature(device: "Vulkan loader", feature: "\(Self.validationLayerName) (install vulkan-validationlayers)")
        }
        let createInstance: PFN_vkCreateInstance = try library.function("vkCreateInstance")

        let layers = validation ? [Self.validationLayerName] : []
        let extensionNames = validation ? ["VK_EXT_debug_utils"] : []
        var instance: VkInstance?
        let logPointer = Unmanaged.passUnretained(validationLog).toOpaque()
        var messengerInfo = Self.messengerCreateInfo(userData: logPointer)
        let result = withCStrings(layers) { layerPointers in
            withCStrings(extensionNames) { extensionPointers in
                "VulkanLM".withCString { appName in
                    var app = VkApplicationInfo()
                    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO
                    app.pApplicationName = appName
                    app.pEngineName = appName
                    app.apiVersion = min(library.instanceVersion(), vkMakeVersion(1, 3, 0))
                    return withUnsafePointer(to: &app) { appPointer in
                        withUnsafePointer(to: &messengerInfo) { messengerPointer in
                            var info = VkInstanceCreateInfo()
                            info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO
                            info.pApplicationInfo = appPointer
                            info.enabledLayerCount = UInt32(layers.count)
                            info.ppEnabledLayerNames = layerPointers
                            info.enabledExtensionCount = UInt32(extensionNames.count)
                            info.ppEnabledExtensionNames = extensionPointers
                            // Chained so that messages from instance creation itself are caught too.
                            if validation { info.pNext = UnsafeRawPointer(messengerPointer) }
                            return createInstance(&info, nil, &instance)
                        }
                    }
                }
            }
        }
        try check(result, "vkCreateInstance")
        guard let instance else { throw VulkanError.call("vkCreateInstance", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        self.handle = instance
        self.validationEnabled = validation
        do {
            functions = try InstanceFunctions(library: library, instance: instance)
        } catch {
            if let destroy: PFN_vkDestroyInstance = library.optionalFunction("vkDestroyInstance", instance: instance) {
                destroy(instance, nil)
            }
            throw error
        }
        if validation,
           let create: PFN_vkCreateDebugUtilsMessengerEXT = library.optionalFunction("vkCreateDebugUtilsMessengerEXT", instance: instance) {
            var messenger: VkDebugUtilsMessengerEXT?
            let created = create(instance, &messengerInfo, nil, &messenger)
            guard created == VK_SUCCESS else {
                functions.destroyInstance(instance, nil)
                throw VulkanError.call("vkCreateDebugUtilsMessengerEXT", result: created.rawValue)
            }
            self.messenger = messenger
            destroyMessenger = library.optionalFunction("vkDestroyDebugUtilsMessengerEXT", instance: instance)
        } else {
            destroyMessenger = nil
        }

        var count: UInt32 = 0
        try check(functions.enumeratePhysicalDevices(instance, &count, nil), "vkEnumeratePhysicalDevices")
        var handles = [VkPhysicalDevice?](repeating: nil, count: Int(count))
        try check(functions.enumeratePhysicalDevices(instance, &count, &handles), "vkEnumeratePhysicalDevices")
        physicalDevices = handles.prefix(Int(count)).compactMap { $0 }
        let functions = self.functions
        devices = physicalDevices.enumerated().map { PhysicalDeviceInfo(index: $0.offset, device: $0.element, functions: functions) }
    }

    deinit {
        if let messenger, let destroyMessenger { destroyMessenger(handle, messenger, nil) }
        functions.destroyInstance(handle, nil)
    }

    private static func messengerCreateInfo(userData: UnsafeMutableRawPointer) -> VkDebugUtilsMessengerCreateInfoEXT {
        var info = VkDebugUtilsMessengerCreateInfoEXT()
        info.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT
        info.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT.rawValue
        info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT.rawValue
            | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT.rawValue
        info.pfnUserCallback = { _, _, data, userData in
            guard let data, let userData else { return VkBool32(VK_FALSE) }
            let log = Unmanaged<ValidationLog>.fromOpaque(userData).takeUnretainedValue()
            log.append(data.pointee.pMessage.map { String(cString: $0) } ?? "(no message)")
            return VkBool32(VK_FALSE)
        }
        info.pUserData = userData
        return info
    }
}

/// Calls `body` with a C array of C strings that stays valid for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
    guard !strings.isEmpty else { return body(nil) }
    let duplicates: [UnsafePointer<CChar>?] = strings.map { UnsafePointer(strdup($0)) }
    defer { duplicates.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
    return duplicates.withUnsafeBufferPointer { body($0.baseAddress) }
}
