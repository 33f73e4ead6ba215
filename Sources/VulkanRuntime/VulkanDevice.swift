import CVulkan
import Synchronization

/// A logical device with one compute queue, its memory types and a cache of pipelines.
public final class VulkanDevice: @unchecked Sendable {
    public let instance: VulkanInstance
    public let info: PhysicalDeviceInfo
    let handle: VkDevice
    let queue: VkQueue
    let queueFamily: UInt32
    let timestampValidBits: UInt32
    let vk: DeviceFunctions
    let memoryTypes: [VkMemoryType]
    /// Whether device buffers in host-visible memory are written and read directly. Off, every
    /// transfer goes through a staging buffer and a copy, as on a discrete GPU (tests use this
    /// to exercise that path on lavapipe, whose memory is all host-visible).
    public let mapsDeviceMemory: Bool
    private let pipelines = Mutex<[String: ComputePipeline]>([:])

    public init(instance: VulkanInstance, info: PhysicalDeviceInfo, mapsDeviceMemory: Bool = true) throws {
        self.instance = instance
        self.info = info
        self.mapsDeviceMemory = mapsDeviceMemory
        let physical = instance.physicalDevices[info.index]
        let ivk = instance.functions

        var familyCount: UInt32 = 0
        ivk.getPhysicalDeviceQueueFamilyProperties(physical, &familyCount, nil)
        var families = [VkQueueFamilyProperties](repeating: VkQueueFamilyProperties(), count: Int(familyCount))
        ivk.getPhysicalDeviceQueueFamilyProperties(physical, &familyCount, &families)
        // Prefer a compute queue that also has timestamps.
        let computeFamilies = families.prefix(Int(familyCount)).enumerated()
            .filter { $0.element.queueFlags & VK_QUEUE_COMPUTE_BIT.rawValue != 0 }
        guard let family = computeFamilies.first(where: { $0.element.timestampValidBits > 0 }) ?? computeFamilies.first else {
            throw VulkanError.missingFeature(device: info.name, feature: "a compute queue")
        }
        queueFamily = UInt32(family.offset)
        timestampValidBits = family.element.timestampValidBits

        var priority: Float = 1
        var device: VkDevice?
        let result = withUnsafePointer(to: &priority) { priorityPointer in
            var queueInfo = VkDeviceQueueCreateInfo()
            queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO
            queueInfo.queueFamilyIndex = UInt32(family.offset)
            queueInfo.queueCount = 1
            queueInfo.pQueuePriorities = priorityPointer
            return withUnsafePointer(to: &queueInfo) { queuePointer in
                var deviceInfo = VkDeviceCreateInfo()
                deviceInfo.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO
                deviceInfo.queueCreateInfoCount = 1
                deviceInfo.pQueueCreateInfos = queuePointer
                return ivk.createDevice(physical, &deviceInfo, nil, &device)
            }
        }
        try check(result, "vkCreateDevice(\(info.name))")
        guard let device else { throw VulkanError.call("vkCreateDevice", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        handle = device
        do {
            vk = try DeviceFunctions(instance: ivk, device: device)
        } catch {
            if let destroy: PFN_vkDestroyDevice = instance.library.optionalFunction("vkDestroyDevice", instance: instance.handle) {
                destroy(device, nil)
            }
            throw error
        }
        var queue: VkQueue?
        vk.getDeviceQueue(device, queueFamily, 0, &queue)
        guard let queue else { throw VulkanError.missingFeature(device: info.name, feature: "queue 0 of family \(queueFamily)") }
        self.queue = queue

        var memory = VkPhysicalDeviceMemoryProperties()
        ivk.getPhysicalDeviceMemoryProperties(physical, &memory)
        memoryTypes = withUnsafeBytes(of: memory.memoryTypes) { raw in
            Array(raw.bindMemory(to: VkMemoryType.self).prefix(Int(memory.memoryTypeCount)))
        }
    }

    deinit {
        _ = vk.deviceWaitIdle(handle)
        pipelines.withLock { $0.removeAll() }
        vk.destroyDevice(handle, nil)
    }

    public var validationLog: ValidationLog { instance.validationLog }

    /// The first allowed memory type with all `required` flags, preferring one that also has
    /// `preferred` (Vulkan lists types best-first).
    func memoryTypeIndex(allowed bits: UInt32, required: UInt32, preferred: UInt32 = 0) -> UInt32? {
        let candidates = memoryTypes.indices.filter {
            bits & (1 << UInt32($0)) != 0 && memoryTypes[$0].propertyFlags & required == required
        }
        let best = candidates.first { memoryTypes[$0].propertyFlags & preferred == preferred } ?? candidates.first
        return best.map(UInt32.init)
    }

    /// A pipeline for an embedded kernel, created on first use and cached by name and
    /// specialization constants.
    public func pipeline(_ name: String, spirv: () throws -> [UInt32], bindings: Int, pushConstantWords: Int,
                         specialization: [UInt32] = []) throws -> ComputePipeline {
        let key = "\(name)|\(specialization.map(String.init).joined(separator: ","))"
        if let cached = pipelines.withLock({ $0[key] }) { return cached }
        let created = try ComputePipeline(device: self, name: name, spirv: spirv(), bindings: bindings,
                                          pushConstantWords: pushConstantWords, specialization: specialization)
        return pipelines.withLock { cache in
            if let raced = cache[key] { return raced }
            cache[key] = created
            return created
        }
    }

    /// Throws unless a buffer of `bytes` can be bound as one storage buffer.
    public func checkStorageRange(_ bytes: Int, what: String) throws {
        guard bytes <= Int(info.maxStorageBufferRange) else {
            throw VulkanError.limitExceeded(what: what, requested: bytes, limit: Int(info.maxStorageBufferRange),
                                            limitName: "maxStorageBufferRange")
        }
    }
}
