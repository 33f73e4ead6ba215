import Testing
@testable import VulkanRuntime

/// The selection policy, on made-up device lists (no Vulkan needed).
@Suite struct DeviceSelectorTests {
    static func device(_ index: Int, _ name: String, _ kind: PhysicalDeviceInfo.Kind, memory: UInt64 = 1 << 30) -> PhysicalDeviceInfo {
        PhysicalDeviceInfo(
            index: index, name: name, kind: kind, vendorID: 0, deviceID: 0, apiVersion: vkMakeVersion(1, 3, 0),
            driverVersion: 0, driverName: "test", driverInfo: "", memoryHeaps: [.init(size: memory, deviceLocal: true)],
            maxStorageBufferRange: 1 << 27, maxComputeSharedMemorySize: 32768, maxPushConstantsSize: 128,
            maxComputeWorkGroupInvocations: 1024, maxComputeWorkGroupCount: [65535, 65535, 65535],
            maxMemoryAllocationCount: 4096, timestampPeriod: 1, supportsTimestamps: true, subgroupSize: 32,
            shaderFloat16: true, storageBuffer16BitAccess: true, cooperativeMatrix: false, extensions: [])
    }

    @Test func parsesSelectors() {
        #expect(DeviceSelector("auto") == .auto)
        #expect(DeviceSelector("") == .auto)
        #expect(DeviceSelector("CPU") == .cpu)
        #expect(DeviceSelector(" 2 ") == .index(2))
        #expect(DeviceSelector("llvmpipe") == .name("llvmpipe"))
    }

    @Test func autoPrefersDiscreteThenIntegratedThenVirtual() throws {
        let devices = [Self.device(0, "lavapipe", .cpu), Self.device(1, "virtio", .virtualGPU),
                       Self.device(2, "igpu", .integratedGPU), Self.device(3, "dgpu", .discreteGPU)]
        guard case let .vulkan(best, _) = try DeviceSelector.auto.choose(from: devices) else {
            Issue.record("auto chose the CPU"); return
        }
        #expect(best.name == "dgpu")
        guard case let .vulkan(second, _) = try DeviceSelector.auto.choose(from: Array(devices.prefix(3))) else {
            Issue.record("auto chose the CPU"); return
        }
        #expect(second.name == "igpu")
    }

    @Test func autoPrefersMoreMemoryAmongEquals() throws {
        let devices = [Self.device(0, "small", .discreteGPU, memory: 8 << 30), Self.device(1, "large", .discreteGPU, memory: 80 << 30)]
        guard case let .vulkan(best, _) = try DeviceSelector.auto.choose(from: devices) else {
            Issue.record("auto chose the CPU"); return
        }
        #expect(best.name == "large")
    }

    @Test func autoNeverPicksACPUTypeDevice() throws {
        let choice = try DeviceSelector.auto.choose(from: [Self.device(0, "llvmpipe (LLVM 15)", .cpu)])
        guard case let .cpu(reason) = choice else { Issue.record("auto picked lavapipe"); return }
        #expect(reason.contains("llvmpipe"))
        guard case .cpu = try DeviceSelector.auto.choose(from: []) else { Issue.record("no devices, yet Vulkan"); return }
    }

    @Test func explicitSelectorsReachCPUTypeDevices() throws {
        let devices = [Self.device(0, "llvmpipe (LLVM 15)", .cpu)]
        guard case .vulkan = try DeviceSelector.name("LLVMPIPE").choose(from: devices) else { Issue.record("name"); return }
        guard case .vulkan = try DeviceSelector.index(0).choose(from: devices) else { Issue.record("index"); return }
    }

    @Test func unknownSelectorsThrowAndListDevices() {
        let devices = [Self.device(0, "llvmpipe", .cpu)]
        #expect(throws: VulkanError.deviceNotFound(selector: "3", available: ["0: llvmpipe"])) {
            try DeviceSelector.index(3).choose(from: devices)
        }
        #expect(throws: VulkanError.deviceNotFound(selector: "nvidia", available: ["0: llvmpipe"])) {
            try DeviceSelector.name("nvidia").choose(from: devices)
        }
    }
}
