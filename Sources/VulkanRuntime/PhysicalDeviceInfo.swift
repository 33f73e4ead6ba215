import CVulkan

/// What a physical device is and can do, read once at enumeration.
public struct PhysicalDeviceInfo: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case discreteGPU = "discrete GPU", integratedGPU = "integrated GPU", virtualGPU = "virtual GPU"
        case cpu = "CPU", other = "other"
    }

    public struct MemoryHeap: Sendable, Equatable {
        public let size: UInt64
        public let deviceLocal: Bool
    }

    public let index: Int
    public let name: String
    public let kind: Kind
    public let vendorID: UInt32
    public let deviceID: UInt32
    public let apiVersion: UInt32
    public let driverVersion: UInt32
    public let driverName: String
    public let driverInfo: String
    public let memoryHeaps: [MemoryHeap]
    public let maxStorageBufferRange: UInt32
    public let maxComputeSharedMemorySize: UInt32
    public let maxPushConstantsSize: UInt32
    public let maxComputeWorkGroupInvocations: UInt32
    public let maxComputeWorkGroupCount: [UInt32]
    public let maxMemoryAllocationCount: UInt32
    public let timestampPeriod: Float
    public let supportsTimestamps: Bool
    public let subgroupSize: UInt32
    public let shaderFloat16: Bool
    public let storageBuffer16BitAccess: Bool
    public let cooperativeMatrix: Bool
    public let extensions: [String]

    public var deviceLocalMemory: UInt64 {
        memoryHeaps.filter(\.deviceLocal).map(\.size).max() ?? 0
    }

    /// One line for logs and benchmark headers.
    public var summary: String {
        "\(name) (\(kind.rawValue), \(driverName) \(driverInfo), Vulkan \(vkVersionString(apiVersion)))"
    }
}

extension PhysicalDeviceInfo.Kind {
    init(_ type: VkPhysicalDeviceType) {
        switch type {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: self = .discreteGPU
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: self = .integratedGPU
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: self = .virtualGPU
        case VK_PHYSICAL_DEVICE_TYPE_CPU: self = .cpu
        default: self = .other
        }
    }
}

extension PhysicalDeviceInfo {
    /// Reads properties, limits and features through the `...2` queries.
    init(index: Int, device: VkPhysicalDevice, functions vk: InstanceFunctions) {
        var count: UInt32 = 0
        _ = vk.enumerateDeviceExtensionProperties(device, nil, &count, nil)
        var extensionProperties = [VkExtensionProperties](repeating: VkExtensionProperties(), count: Int(count))
        _ = vk.enumerateDeviceExtensionProperties(device, nil, &count, &extensionProperties)
        let extensions = extensionProperties.prefix(Int(count)).map { withUnsafeBytes(of: $0.extensionName) { cString($0) } }

        var basic = VkPhysicalDeviceProperties()
        vk.getPhysicalDeviceProperties(device, &basic)
        let api12 = basic.apiVersion >= vkMakeVersion(1, 2, 0)

        var driver = VkPhysicalDeviceDriverProperties()
        driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES
        var subgroup = VkPhysicalDeviceSubgroupProperties()
        subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES
        var properties = VkPhysicalDeviceProperties2()
        properties.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2
        let hasDriverProperties = api12 || extensions.contains("VK_KHR_driver_properties")
        withUnsafeMutablePointer(to: &driver) { driverPointer in
            withUnsafeMutablePointer(to: &subgroup) { subgroupPointer in
                if hasDriverProperties { subgroupPointer.pointee.pNext = UnsafeMutableRawPointer(driverPointer) }
                properties.pNext = UnsafeMutableRawPointer(subgroupPointer)
                vk.getPhysicalDeviceProperties2(device, &properties)
                subgroupPointer.pointee.pNext = nil
            }
        }
        properties.pNext = nil

        var storage16 = VkPhysicalDevice16BitStorageFeatures()
        storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES
        var float16 = VkPhysicalDeviceShaderFloat16Int8Features()
        float16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES
        var features = VkPhysicalDeviceFeatures2()
        features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2
        let hasFloat16Query = api12 || extensions.contains("VK_KHR_shader_float16_int8")
        withUnsafeMutablePointer(to: &float16) { float16Pointer in
            withUnsafeMutablePointer(to: &storage16) { storagePointer in
                if hasFloat16Query { storagePointer.pointee.pNext = UnsafeMutableRawPointer(float16Pointer) }
                features.pNext = UnsafeMutableRawPointer(storagePointer)
                vk.getPhysicalDeviceFeatures2(device, &features)
                storagePointer.pointee.pNext = nil
            }
        }
        features.pNext = nil

        var memory = VkPhysicalDeviceMemoryProperties()
        vk.getPhysicalDeviceMemoryProperties(device, &memory)
        let heaps = withUnsafeBytes(of: memory.memoryHeaps) { raw in
            Array(raw.bindMemory(to: VkMemoryHeap.self).prefix(Int(memory.memoryHeapCount)))
        }

        let limits = basic.limits
        self.init(
            index: index,
            name: withUnsafeBytes(of: basic.deviceName) { cString($0) },
            kind: Kind(basic.deviceType),
            vendorID: basic.vendorID,
            deviceID: basic.deviceID,
            apiVersion: basic.apiVersion,
            driverVersion: basic.driverVersion,
            driverName: hasDriverProperties ? withUnsafeBytes(of: driver.driverName) { cString($0) } : "unknown driver",
            driverInfo: hasDriverProperties ? withUnsafeBytes(of: driver.driverInfo) { cString($0) } : "",
            memoryHeaps: heaps.map { MemoryHeap(size: $0.size, deviceLocal: $0.flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT.rawValue != 0) },
            maxStorageBufferRange: limits.maxStorageBufferRange,
            maxComputeSharedMemorySize: limits.maxComputeSharedMemorySize,
            maxPushConstantsSize: limits.maxPushConstantsSize,
            maxComputeWorkGroupInvocations: limits.maxComputeWorkGroupInvocations,
            maxComputeWorkGroupCount: [limits.maxComputeWorkGroupCount.0, limits.maxComputeWorkGroupCount.1,
                                       limits.maxComputeWorkGroupCount.2],
            maxMemoryAllocationCount: limits.maxMemoryAllocationCount,
            timestampPeriod: limits.timestampPeriod,
            supportsTimestamps: limits.timestampComputeAndGraphics != 0,
            subgroupSize: subgroup.subgroupSize,
            shaderFloat16: hasFloat16Query && float16.shaderFloat16 != 0,
            storageBuffer16BitAccess: storage16.storageBuffer16BitAccess != 0,
            cooperativeMatrix: extensions.contains("VK_KHR_cooperative_matrix") || extensions.contains("VK_NV_cooperative_matrix"),
            extensions: extensions)
    }
}
