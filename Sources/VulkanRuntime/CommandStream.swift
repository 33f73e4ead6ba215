import CVulkan
#if canImport(Glibc)
import Glibc
#endif

/// Records many dispatches, copies and fills into one command buffer and submits them at once.
/// A barrier is inserted only where a command touches a buffer that an earlier command since
/// the last barrier wrote (read-after-write, write-after-write) or read (write-after-read).
///
/// Not thread-safe: one owner records at a time (the Vulkan backend holds a lock).
public final class CommandStream: @unchecked Sendable {
    public enum Access: Sendable { case read, write, readWrite }

    public struct Binding {
        public let buffer: VulkanBuffer
        public let access: Access
        public init(_ buffer: VulkanBuffer, _ access: Access) {
            self.buffer = buffer
            self.access = access
        }
    }

    public let device: VulkanDevice
    private let pool: VkCommandPool
    private let commandBuffer: VkCommandBuffer
    private let fence: VkFence
    private var descriptorPools: [VkDescriptorPool] = []
    private var currentDescriptorPool = 0
    private var queryPool: VkQueryPool?
    public let queryCapacity = 4096
    private var queriesUsed = 0
    private var recording = false
    /// Buffers that recorded commands use, kept alive until the work finishes.
    private var retained: [ObjectIdentifier: VulkanBuffer] = [:]
    private var writtenSinceBarrier: Set<ObjectIdentifier> = []
    private var readSinceBarrier: Set<ObjectIdentifier> = []
    /// The host-visible area uploads to device-local buffers go through, and how much of it the
    /// recorded copies still read.
    private var stagingArea: VulkanBuffer?
    private var stagingUsed = 0
    /// Number of barriers recorded since creation (tests check the hazard tracking with it).
    public private(set) var barrierCount = 0
    public private(set) var dispatchCount = 0

    public init(device: VulkanDevice, stagingCapacity: Int = 64 << 20) throws {
        self.device = device
        self.stagingCapacity = max(stagingCapacity, 1)
        let vk = device.vk
        var poolInfo = VkCommandPoolCreateInfo()
        poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO
        poolInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT.rawValue
        poolInfo.queueFamilyIndex = device.queueFamily
        var pool: VkCommandPool?
        try check(vk.createCommandPool(device.handle, &poolInfo, nil, &pool), "vkCreateCommandPool")
        guard let pool else { throw VulkanError.call("vkCreateCommandPool", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        self.pool = pool

        var allocateInfo = VkCommandBufferAllocateInfo()
        allocateInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
        allocateInfo.commandPool = pool
        allocateInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY
        allocateInfo.commandBufferCount = 1
        var commandBuffer: VkCommandBuffer?
        var fence: VkFence?
        var fenceInfo = VkFenceCreateInfo()
        fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO
        let allocated = vk.allocateCommandBuffers(device.handle, &allocateInfo, &commandBuffer)
        let fenced = vk.createFence(device.handle, &fenceInfo, nil, &fence)
        guard allocated == VK_SUCCESS, fenced == VK_SUCCESS, let commandBuffer, let fence else {
            if let fence { vk.destroyFence(device.handle, fence, nil) }
            vk.destroyCommandPool(device.handle, pool, nil)
            throw VulkanError.call("vkAllocateCommandBuffers/vkCreateFence", result: (allocated != VK_SUCCESS ? allocated : fenced).rawValue)
        }
        self.commandBuffer = commandBuffer
        self.fence = fence
    }

    deinit {
        let vk = device.vk
        if recording {
            // Unsubmitted work is dropped; the buffers it referenced are released with us.
            _ = vk.endCommandBuffer(commandBuffer)
        }
        descriptorPools.forEach { vk.destroyDescriptorPool(device.handle, $0, nil) }
        if let queryPool { vk.destroyQueryPool(device.handle, queryPool, nil) }
        vk.destroyFence(device.handle, fence, nil)
        vk.destroyCommandPool(device.handle, pool, nil)
    }

    /// Whether recorded work references `buffer` and has not finished.
    public func isPending(_ buffer: VulkanBuffer) -> Bool { retained[ObjectIdentifier(buffer)] != nil }
    public var hasPendingWork: Bool { recording }

    // MARK: Recording

    /// Records a dispatch of `pipeline` over `groups` workgroups.
    public func dispatch(_ pipeline: ComputePipeline, bindings: [Binding], push: [UInt32],
                         groups: (x: Int, y: Int, z: Int)) throws {
        precondition(bindings.count == pipeline.bindings && push.count == pipeline.pushConstantWords,
                     "kernel \(pipeline.name) called with the wrong binding or push-constant count")
        let limits = device.info.maxComputeWorkGroupCount
        for (count, limit) in zip([groups.x, groups.y, groups.z], limits) where count > Int(limit) {
            throw VulkanError.limitExceeded(what: "kernel \(pipeline.name)'s workgroup count", requested: count,
                                            limit: Int(limit), limitName: "maxComputeWorkGroupCount")
        }
        guard groups.x > 0, groups.y > 0, groups.z > 0 else { return }
        try begin()
        let set = try allocateDescriptorSet(pipeline)
        update(set, bindings)
        try hazards(bindings.map { ($0.buffer, $0.access) })
        let vk = device.vk
        vk.cmdBindPipeline(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.handle)
        var sets: [VkDescriptorSet?] = [set]
        vk.cmdBindDescriptorSets(commandBuffer, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline.layout, 0, 1, &sets, 0, nil)
        if !push.isEmpty {
            push.withUnsafeBytes { bytes in
                vk.cmdPushConstants(commandBuffer, pipeline.layout, VK_SHADER_STAGE_COMPUTE_BIT.rawValue, 0,
                                    UInt32(bytes.count), bytes.baseAddress)
            }
        }
        vk.cmdDispatch(commandBuffer, UInt32(groups.x), UInt32(groups.y), UInt32(groups.z))
        dispatchCount += 1
    }

    /// Records a fill of the whole buffer with a repeated 32-bit pattern.
    public func fill(_ buffer: VulkanBuffer, word: UInt32) throws {
        try begin()
        try hazards([(buffer, .write)])
        device.vk.cmdFillBuffer(commandBuffer, buffer.handle, 0, VkDeviceSize(VK_WHOLE_SIZE), word)
    }

    /// Records a copy of `size` bytes from `sourceOffset` in `source` to `destinationOffset` in
    /// `destination`. Hazards are tracked per buffer, so a copy into part of a buffer still waits
    /// for (and orders) every other use of that buffer.
    public func copy(from source: VulkanBuffer, sourceOffset: Int = 0, to destination: VulkanBuffer,
                     destinationOffset: Int = 0, size: Int) throws {
        guard sourceOffset >= 0, destinationOffset >= 0, size > 0,
              size <= source.size - sourceOffset, size <= destination.size - destinationOffset else {
            throw VulkanError.limitExceeded(
                what: "a copy of \(size) bytes from offset \(sourceOffset) to offset \(destinationOffset)",
                requested: size, limit: min(source.size - sourceOffset, destination.size - destinationOffset),
                limitName: "buffer space after the offsets")
        }
        try begin()
        try hazards([(source, .read), (destination, .write)])
        var region = VkBufferCopy(srcOffset: VkDeviceSize(sourceOffset), dstOffset: VkDeviceSize(destinationOffset),
                                  size: VkDeviceSize(size))
        device.vk.cmdCopyBuffer(commandBuffer, source.handle, destination.handle, 1, &region)
    }

    /// Records a GPU timestamp after all earlier commands; returns its index for `timestamps()`.
    public func writeTimestamp() throws -> Int {
        guard device.info.supportsTimestamps, device.timestampValidBits > 0 else {
            throw VulkanError.missingFeature(device: device.info.name, feature: "compute-queue timestamps")
        }
        guard queriesUsed < queryCapacity else {
            throw VulkanError.limitExceeded(what: "timestamps in one submission", requested: queriesUsed + 1,
                                            limit: queryCapacity, limitName: "query pool size")
        }
        try begin()
        let pool = try timestampPool()
        if queriesUsed == 0 { device.vk.cmdResetQueryPool(commandBuffer, pool, 0, UInt32(queryCapacity)) }
        device.vk.cmdWriteTimestamp(commandBuffer, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, pool, UInt32(queriesUsed))
        queriesUsed += 1
        return queriesUsed - 1
    }

    // MARK: Host transfers

    /// The most host-visible memory uploads hold at once (64 MiB unless the stream was made with
    /// another), and what they hold now.
    public let stagingCapacity: Int
    public var stagingBytes: Int { stagingArea?.size ?? 0 }

    /// Writes bytes into a buffer, ordered after everything recorded so far.
    ///
    /// A buffer the host cannot map is filled through one reused staging area of at most
    /// `stagingCapacity` bytes: a write larger than what is left of it is split, and a full area is
    /// submitted and waited for before it is refilled. Loading a model therefore never holds more
    /// than that in staging memory, however large the model (one staging buffer per tensor, alive
    /// until the next submission, would be a second copy of the weights).
    public func write(_ bytes: UnsafeRawBufferPointer, to buffer: VulkanBuffer) throws {
        guard bytes.count <= buffer.size else {
            throw VulkanError.limitExceeded(what: "a write", requested: bytes.count, limit: buffer.size, limitName: "buffer size")
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if let mapped = buffer.mapped {
            if isPending(buffer) { try submitAndWait() }
            mapped.copyMemory(from: base, byteCount: bytes.count)
            return
        }
        var done = 0
        while done < bytes.count {
            let (area, mapped) = try staging(wanted: bytes.count - done)
            let count = min(bytes.count - done, area.size - stagingUsed)
            (mapped + stagingUsed).copyMemory(from: base + done, byteCount: count)
            try copy(from: area, sourceOffset: stagingUsed, to: buffer, destinationOffset: done, size: count)
            stagingUsed += count
            done += count
        }
    }

    /// The staging area with room left in it: made on first use (as large as the first upload
    /// needs, up to `stagingCapacity`), grown to the capacity when a later upload needs more, and
    /// emptied by running the recorded copies when full.
    private func staging(wanted: Int) throws -> (VulkanBuffer, UnsafeMutableRawPointer) {
        let capacity = stagingCapacity
        if let area = stagingArea, let mapped = area.mapped {
            let room = area.size - stagingUsed
            if room >= wanted || (area.size == capacity && room > 0) { return (area, mapped) }
            // What the area still feeds must run before it is refilled or released.
            if stagingUsed > 0 { try submitAndWait() }
            if wanted <= area.size || area.size == capacity { return (area, mapped) }
        }
        stagingArea = nil
        let area = try VulkanBuffer(device: device, size: min(capacity, max(wanted, 1 << 20)), location: .staging)
        guard let mapped = area.mapped else { throw VulkanError.noSuitableMemory("a staging buffer") }
        stagingArea = area
        return (area, mapped)
    }

    /// Runs everything recorded so far, then copies the buffer's first `count` bytes out.
    public func read(_ buffer: VulkanBuffer, count: Int, into destination: UnsafeMutableRawPointer) throws {
        guard count >= 0, count <= buffer.size else {
            throw VulkanError.limitExceeded(what: "a read", requested: count, limit: buffer.size, limitName: "buffer size")
        }
        if let mapped = buffer.mapped {
            if isPending(buffer) { try submitAndWait() }
            destination.copyMemory(from: mapped, byteCount: count)
            return
        }
        let staging = try VulkanBuffer(device: device, size: count, location: .staging)
        try copy(from: buffer, to: staging, size: count)
        try submitAndWait()
        guard let mapped = staging.mapped else { throw VulkanError.noSuitableMemory("a staging buffer") }
        destination.copyMemory(from: mapped, byteCount: count)
    }

    // MARK: Submission

    /// Submits what was recorded and waits for it. Timestamps stay readable until the next recording.
    public func submitAndWait() throws {
        guard recording else { return }
        let vk = device.vk
        // Make device writes visible to the host before the fence signals.
        var barrier = VkMemoryBarrier()
        barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
        barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
        barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT.rawValue
        vk.cmdPipelineBarrier(commandBuffer,
                              VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue,
                              VK_PIPELINE_STAGE_HOST_BIT.rawValue, 0, 1, &barrier, 0, nil, 0, nil)
        recording = false
        defer { finishBatch() }
        try check(vk.endCommandBuffer(commandBuffer), "vkEndCommandBuffer")
        var buffers: [VkCommandBuffer?] = [commandBuffer]
        var submit = VkSubmitInfo()
        submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO
        submit.commandBufferCount = 1
        let submitted = buffers.withUnsafeMutableBufferPointer { pointer in
            submit.pCommandBuffers = UnsafePointer(pointer.baseAddress)
            return vk.queueSubmit(device.queue, 1, &submit, fence)
        }
        try check(submitted, "vkQueueSubmit")
        var fences: [VkFence?] = [fence]
        try check(vk.waitForFences(device.handle, 1, &fences, VkBool32(VK_TRUE), UInt64.max), "vkWaitForFences")
        try check(vk.resetFences(device.handle, 1, &fences), "vkResetFences")
        lastTimestamps = try readTimestamps()
    }

    private(set) var lastTimestamps: [UInt64] = []

    /// Timestamps of the last submission, in nanoseconds.
    public func timestamps() -> [Double] {
        let period = Double(device.info.timestampPeriod)
        let mask: UInt64 = device.timestampValidBits >= 64 ? .max : (1 << UInt64(device.timestampValidBits)) - 1
        return lastTimestamps.map { Double($0 & mask) * period }
    }

    private func readTimestamps() throws -> [UInt64] {
        guard queriesUsed > 0, let queryPool else { return [] }
        var values = [UInt64](repeating: 0, count: queriesUsed)
        let result = values.withUnsafeMutableBytes { bytes in
            device.vk.getQueryPoolResults(device.handle, queryPool, 0, UInt32(queriesUsed), bytes.count,
                                          bytes.baseAddress, 8,
                                          VK_QUERY_RESULT_64_BIT.rawValue | VK_QUERY_RESULT_WAIT_BIT.rawValue)
        }
        try check(result, "vkGetQueryPoolResults")
        return values
    }

    private func finishBatch() {
        _ = device.vk.resetCommandBuffer(commandBuffer, 0)
        for pool in descriptorPools { _ = device.vk.resetDescriptorPool(device.handle, pool, 0) }
        currentDescriptorPool = 0
        retained.removeAll(keepingCapacity: true)
        stagingUsed = 0
        writtenSinceBarrier.removeAll(keepingCapacity: true)
        readSinceBarrier.removeAll(keepingCapacity: true)
        queriesUsed = 0
    }

    // MARK: Internals

    private func begin() throws {
        guard !recording else { return }
        var info = VkCommandBufferBeginInfo()
        info.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO
        info.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT.rawValue
        try check(device.vk.beginCommandBuffer(commandBuffer, &info), "vkBeginCommandBuffer")
        recording = true
        lastTimestamps = []
    }

    private func hazards(_ uses: [(VulkanBuffer, Access)]) throws {
        let conflict = uses.contains { buffer, access in
            let id = ObjectIdentifier(buffer)
            return writtenSinceBarrier.contains(id) || (access != .read && readSinceBarrier.contains(id))
        }
        if conflict {
            var barrier = VkMemoryBarrier()
            barrier.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER
            barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
            barrier.dstAccessMask = VK_ACCESS_SHADER_READ_BIT.rawValue | VK_ACCESS_SHADER_WRITE_BIT.rawValue
                | VK_ACCESS_TRANSFER_READ_BIT.rawValue | VK_ACCESS_TRANSFER_WRITE_BIT.rawValue
            let stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT.rawValue | VK_PIPELINE_STAGE_TRANSFER_BIT.rawValue
            device.vk.cmdPipelineBarrier(commandBuffer, stages, stages, 0, 1, &barrier, 0, nil, 0, nil)
            barrierCount += 1
            writtenSinceBarrier.removeAll(keepingCapacity: true)
            readSinceBarrier.removeAll(keepingCapacity: true)
        }
        for (buffer, access) in uses {
            let id = ObjectIdentifier(buffer)
            retained[id] = buffer
            if access == .read { readSinceBarrier.insert(id) } else { writtenSinceBarrier.insert(id) }
            if access == .readWrite { readSinceBarrier.insert(id) }
        }
    }

    private func allocateDescriptorSet(_ pipeline: ComputePipeline) throws -> VkDescriptorSet {
        while true {
            if currentDescriptorPool == descriptorPools.count { try addDescriptorPool() }
            var layout: VkDescriptorSetLayout? = pipeline.setLayout
            var info = VkDescriptorSetAllocateInfo()
            info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO
            info.descriptorPool = descriptorPools[currentDescriptorPool]
            info.descriptorSetCount = 1
            var set: VkDescriptorSet?
            let result = withUnsafePointer(to: &layout) { pointer in
                info.pSetLayouts = pointer
                return device.vk.allocateDescriptorSets(device.handle, &info, &set)
            }
            if result == VK_SUCCESS, let set { return set }
            guard result == VK_ERROR_OUT_OF_POOL_MEMORY || result == VK_ERROR_FRAGMENTED_POOL else {
                throw VulkanError.call("vkAllocateDescriptorSets", result: result.rawValue)
            }
            currentDescriptorPool += 1
        }
    }

    private func addDescriptorPool() throws {
        let sets: UInt32 = 1024
        var size = VkDescriptorPoolSize(type: VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, descriptorCount: sets * 4)
        var info = VkDescriptorPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO
        info.maxSets = sets
        info.poolSizeCount = 1
        var pool: VkDescriptorPool?
        let result = withUnsafePointer(to: &size) { pointer in
            info.pPoolSizes = pointer
            return device.vk.createDescriptorPool(device.handle, &info, nil, &pool)
        }
        try check(result, "vkCreateDescriptorPool")
        guard let pool else { throw VulkanError.call("vkCreateDescriptorPool", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        descriptorPools.append(pool)
    }

    private func update(_ set: VkDescriptorSet, _ bindings: [Binding]) {
        var infos = bindings.map { VkDescriptorBufferInfo(buffer: $0.buffer.handle, offset: 0, range: VkDeviceSize(VK_WHOLE_SIZE)) }
        infos.withUnsafeMutableBufferPointer { infoPointer in
            var writes = (0..<bindings.count).map { index in
                var write = VkWriteDescriptorSet()
                write.sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET
                write.dstSet = set
                write.dstBinding = UInt32(index)
                write.descriptorCount = 1
                write.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
                write.pBufferInfo = UnsafePointer(infoPointer.baseAddress! + index)
                return write
            }
            device.vk.updateDescriptorSets(device.handle, UInt32(writes.count), &writes, 0, nil)
        }
    }

    private func timestampPool() throws -> VkQueryPool {
        if let queryPool { return queryPool }
        var info = VkQueryPoolCreateInfo()
        info.sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO
        info.queryType = VK_QUERY_TYPE_TIMESTAMP
        info.queryCount = UInt32(queryCapacity)
        var pool: VkQueryPool?
        try check(device.vk.createQueryPool(device.handle, &info, nil, &pool), "vkCreateQueryPool")
        guard let pool else { throw VulkanError.call("vkCreateQueryPool", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        queryPool = pool
        return pool
    }
}
