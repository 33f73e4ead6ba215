import CVulkan

/// A buffer with its own memory. Device buffers live in device-local memory (mapped directly
/// when the device makes that memory host-visible, as integrated GPUs and lavapipe do);
/// staging buffers live in host-visible memory for uploads and readbacks.
public final class VulkanBuffer: @unchecked Sendable {
    public enum Location: Sendable { case device, staging }

    public let size: Int
    public let location: Location
    let device: VulkanDevice
    let handle: VkBuffer
    let memory: VkDeviceMemory
    /// Host address of the memory when it is host-visible and coherent.
    let mapped: UnsafeMutableRawPointer?

    public init(device: VulkanDevice, size requested: Int, location: Location) throws {
        guard requested > 0 else {
            throw VulkanError.limitExceeded(what: "a buffer", requested: requested, limit: 1, limitName: "minimum size")
        }
        // Whole words, so fills and f16 pairs never run off the end.
        let size = (requested + 3) & ~3
        if location == .device { try device.checkStorageRange(requested, what: "a storage buffer") }
        self.size = size
        self.location = location
        self.device = device
        let vk = device.vk

        var bufferInfo = VkBufferCreateInfo()
        bufferInfo.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO
        bufferInfo.size = VkDeviceSize(size)
        bufferInfo.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT.rawValue
            | VK_BUFFER_USAGE_TRANSFER_SRC_BIT.rawValue | VK_BUFFER_USAGE_TRANSFER_DST_BIT.rawValue
        bufferInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE
        var buffer: VkBuffer?
        try check(vk.createBuffer(device.handle, &bufferInfo, nil, &buffer), "vkCreateBuffer(\(size) bytes)")
        guard let buffer else { throw VulkanError.call("vkCreateBuffer", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }

        var requirements = VkMemoryRequirements()
        vk.getBufferMemoryRequirements(device.handle, buffer, &requirements)
        let hostVisible = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT.rawValue | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT.rawValue
        let typeIndex = location == .device
            ? device.memoryTypeIndex(allowed: requirements.memoryTypeBits, required: VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT.rawValue)
                ?? device.memoryTypeIndex(allowed: requirements.memoryTypeBits, required: 0)
            : device.memoryTypeIndex(allowed: requirements.memoryTypeBits, required: hostVisible,
                                     preferred: VK_MEMORY_PROPERTY_HOST_CACHED_BIT.rawValue)
        guard let typeIndex else {
            vk.destroyBuffer(device.handle, buffer, nil)
            throw VulkanError.noSuitableMemory("a \(location) buffer of \(size) bytes")
        }
        var allocateInfo = VkMemoryAllocateInfo()
        allocateInfo.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO
        allocateInfo.allocationSize = requirements.size
        allocateInfo.memoryTypeIndex = typeIndex
        var memory: VkDeviceMemory?
        let allocated = vk.allocateMemory(device.handle, &allocateInfo, nil, &memory)
        guard allocated == VK_SUCCESS, let memory else {
            vk.destroyBuffer(device.handle, buffer, nil)
            throw VulkanError.call("vkAllocateMemory(\(requirements.size) bytes on \(device.info.name))", result: allocated.rawValue)
        }
        let bound = vk.bindBufferMemory(device.handle, buffer, memory, 0)
        var mapped: UnsafeMutableRawPointer?
        let flags = device.memoryTypes[Int(typeIndex)].propertyFlags
        var mapResult = VK_SUCCESS
        if bound == VK_SUCCESS, flags & hostVisible == hostVisible, location == .staging || device.mapsDeviceMemory {
            mapResult = vk.mapMemory(device.handle, memory, 0, VkDeviceSize(VK_WHOLE_SIZE), 0, &mapped)
        }
        guard bound == VK_SUCCESS, mapResult == VK_SUCCESS else {
            vk.freeMemory(device.handle, memory, nil)
            vk.destroyBuffer(device.handle, buffer, nil)
            try check(bound, "vkBindBufferMemory")
            try check(mapResult, "vkMapMemory")
            throw VulkanError.call("vkMapMemory", result: mapResult.rawValue)
        }
        self.handle = buffer
        self.memory = memory
        self.mapped = mapped
    }

    deinit {
        if mapped != nil { device.vk.unmapMemory(device.handle, memory) }
        device.vk.destroyBuffer(device.handle, handle, nil)
        device.vk.freeMemory(device.handle, memory, nil)
    }

    /// Whether the host can read and write this buffer's memory directly.
    public var isHostVisible: Bool { mapped != nil }
}
