import CVulkan

/// A compute pipeline over `bindings` storage buffers (bindings 0..<n of set 0) and a block
/// of 32-bit push constants. Specialization constants get ids 0..<n in order.
public final class ComputePipeline: @unchecked Sendable {
    public let name: String
    public let bindings: Int
    public let pushConstantWords: Int
    let device: VulkanDevice
    let setLayout: VkDescriptorSetLayout
    let layout: VkPipelineLayout
    let handle: VkPipeline

    init(device: VulkanDevice, name: String, spirv: [UInt32], bindings: Int, pushConstantWords: Int,
         specialization: [UInt32]) throws {
        let pushBytes = pushConstantWords * 4
        guard pushBytes <= Int(device.info.maxPushConstantsSize) else {
            throw VulkanError.limitExceeded(what: "kernel \(name)'s push constants", requested: pushBytes,
                                            limit: Int(device.info.maxPushConstantsSize), limitName: "maxPushConstantsSize")
        }
        self.name = name
        self.bindings = bindings
        self.pushConstantWords = pushConstantWords
        self.device = device
        let vk = device.vk, dev = device.handle

        var module: VkShaderModule?
        let moduleResult = spirv.withUnsafeBufferPointer { words in
            var info = VkShaderModuleCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO
            info.codeSize = words.count * 4
            info.pCode = words.baseAddress
            return vk.createShaderModule(dev, &info, nil, &module)
        }
        try check(moduleResult, "vkCreateShaderModule(\(name))")
        guard let module else { throw VulkanError.call("vkCreateShaderModule", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }
        defer { vk.destroyShaderModule(dev, module, nil) }

        var layoutBindings = (0..<bindings).map { index in
            var binding = VkDescriptorSetLayoutBinding()
            binding.binding = UInt32(index)
            binding.descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER
            binding.descriptorCount = 1
            binding.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT.rawValue
            return binding
        }
        var setLayout: VkDescriptorSetLayout?
        var setInfo = VkDescriptorSetLayoutCreateInfo()
        setInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
        setInfo.bindingCount = UInt32(bindings)
        let setResult = layoutBindings.withUnsafeMutableBufferPointer { pointer in
            setInfo.pBindings = UnsafePointer(pointer.baseAddress)
            return vk.createDescriptorSetLayout(dev, &setInfo, nil, &setLayout)
        }
        try check(setResult, "vkCreateDescriptorSetLayout(\(name))")
        guard let setLayout else { throw VulkanError.call("vkCreateDescriptorSetLayout", result: VK_ERROR_INITIALIZATION_FAILED.rawValue) }

        var pushRange = VkPushConstantRange(stageFlags: VK_SHADER_STAGE_COMPUTE_BIT.rawValue, offset: 0, size: UInt32(pushBytes))
        var layout: VkPipelineLayout?
        let optionalSetLayout: VkDescriptorSetLayout? = setLayout
        let layoutResult = withUnsafePointer(to: optionalSetLayout) { setPointer in
            var info = VkPipelineLayoutCreateInfo()
            info.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO
            info.setLayoutCount = 1
            info.pSetLayouts = setPointer
            info.pushConstantRangeCount = pushBytes > 0 ? 1 : 0
            return withUnsafePointer(to: &pushRange) { rangePointer in
                info.pPushConstantRanges = pushBytes > 0 ? rangePointer : nil
                return vk.createPipelineLayout(dev, &info, nil, &layout)
            }
        }
        guard layoutResult == VK_SUCCESS, let layout else {
            vk.destroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkCreatePipelineLayout(\(name))", result: layoutResult.rawValue)
        }

        var entries = specialization.indices.map {
            VkSpecializationMapEntry(constantID: UInt32($0), offset: UInt32($0 * 4), size: 4)
        }
        var values = specialization
        var pipeline: VkPipeline?
        let pipelineResult = entries.withUnsafeMutableBufferPointer { entryPointer in
            values.withUnsafeMutableBufferPointer { valuePointer in
                var specializationInfo = VkSpecializationInfo(
                    mapEntryCount: UInt32(entryPointer.count), pMapEntries: UnsafePointer(entryPointer.baseAddress),
                    dataSize: valuePointer.count * 4, pData: UnsafeRawPointer(valuePointer.baseAddress))
                return withUnsafePointer(to: &specializationInfo) { specializationPointer in
                    "main".withCString { entryName in
                        var stage = VkPipelineShaderStageCreateInfo()
                        stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO
                        stage.stage = VK_SHADER_STAGE_COMPUTE_BIT
                        stage.module = module
                        stage.pName = entryName
                        stage.pSpecializationInfo = specialization.isEmpty ? nil : specializationPointer
                        var info = VkComputePipelineCreateInfo()
                        info.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO
                        info.stage = stage
                        info.layout = layout
                        return vk.createComputePipelines(dev, nil, 1, &info, nil, &pipeline)
                    }
                }
            }
        }
        guard pipelineResult == VK_SUCCESS, let pipeline else {
            vk.destroyPipelineLayout(dev, layout, nil)
            vk.destroyDescriptorSetLayout(dev, setLayout, nil)
            throw VulkanError.call("vkCreateComputePipelines(\(name))", result: pipelineResult.rawValue)
        }
        self.setLayout = setLayout
        self.layout = layout
        self.handle = pipeline
    }

    deinit {
        device.vk.destroyPipeline(device.handle, handle, nil)
        device.vk.destroyPipelineLayout(device.handle, layout, nil)
        device.vk.destroyDescriptorSetLayout(device.handle, setLayout, nil)
    }
}
