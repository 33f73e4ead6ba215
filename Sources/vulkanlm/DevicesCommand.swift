import ArgumentParser
import FoundationEssentials
import VulkanLM

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List Vulkan devices and say which one `auto` picks, and why.")

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var options: DeviceOptions

    func run() throws {
        let vulkanOptions = options.vulkanOptions()
        let selector = Backends.selector(flag: options.device)
        let listing = Backends.listDevices(options: vulkanOptions)
        let devices = (try? listing.get()) ?? []
        let choice: String
        do {
            switch try selector.choose(from: devices) {
            case let .vulkan(info, reason): choice = "\(selector) picks device \(info.index): \(info.name) [\(reason)]"
            case let .cpu(reason):
                if case let .failure(error) = listing {
                    choice = "\(selector) uses the CPU backend: Vulkan unavailable (\(error))"
                } else {
                    choice = "\(selector) uses the CPU backend: \(reason)"
                }
            }
        } catch {
            choice = "\(selector): \(error)"
        }

        if json {
            let report = DevicesReport(devices: devices.map(DeviceEntry.init), selector: "\(selector)", choice: choice)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        if devices.isEmpty, case let .failure(error) = listing { print("Vulkan: \(error)") }
        for device in devices { print(Self.describe(device)) }
        print("cpu: CPU backend (OpenBLAS + SIMD Swift)")
        print(choice)
    }

    static func describe(_ d: PhysicalDeviceInfo) -> String {
        let heaps = d.memoryHeaps.map { "\(mebibytes($0.size)) MiB\($0.deviceLocal ? " device-local" : "")" }
        var features: [String] = []
        if d.shaderFloat16 { features.append("fp16") }
        if d.storageBuffer16BitAccess { features.append("16-bit storage") }
        if d.cooperativeMatrix { features.append("cooperative matrix") }
        if d.supportsTimestamps { features.append("timestamps") }
        return """
        \(d.index): \(d.name)
            type: \(d.kind.rawValue), vendor 0x\(String(d.vendorID, radix: 16)), device 0x\(String(d.deviceID, radix: 16))
            driver: \(d.driverName) \(d.driverInfo), Vulkan \(vkVersionString(d.apiVersion))
            memory heaps: \(heaps.joined(separator: ", "))
            limits: maxStorageBufferRange \(mebibytes(UInt64(d.maxStorageBufferRange))) MiB, shared memory \(d.maxComputeSharedMemorySize / 1024) KiB, push constants \(d.maxPushConstantsSize) B, workgroup invocations \(d.maxComputeWorkGroupInvocations), workgroup count \(d.maxComputeWorkGroupCount.map(String.init).joined(separator: "×"))
            subgroup size: \(d.subgroupSize); features: \(features.isEmpty ? "none" : features.joined(separator: ", "))
        """
    }

    static func mebibytes(_ bytes: UInt64) -> UInt64 { bytes / (1 << 20) }
}

struct DevicesReport: Encodable {
    let devices: [DeviceEntry]
    let selector: String
    let choice: String
}

struct DeviceEntry: Encodable {
    let index: Int
    let name: String
    let type: String
    let driver: String
    let apiVersion: String
    let deviceLocalMemoryBytes: UInt64
    let maxStorageBufferRange: UInt32
    let maxComputeSharedMemorySize: UInt32
    let maxPushConstantsSize: UInt32
    let subgroupSize: UInt32
    let shaderFloat16: Bool
    let storageBuffer16BitAccess: Bool
    let cooperativeMatrix: Bool
    let timestamps: Bool

    init(_ d: PhysicalDeviceInfo) {
        index = d.index; name = d.name; type = d.kind.rawValue
        driver = "\(d.driverName) \(d.driverInfo)"; apiVersion = vkVersionString(d.apiVersion)
        deviceLocalMemoryBytes = d.deviceLocalMemory
        maxStorageBufferRange = d.maxStorageBufferRange
        maxComputeSharedMemorySize = d.maxComputeSharedMemorySize
        maxPushConstantsSize = d.maxPushConstantsSize
        subgroupSize = d.subgroupSize
        shaderFloat16 = d.shaderFloat16
        storageBuffer16BitAccess = d.storageBuffer16BitAccess
        cooperativeMatrix = d.cooperativeMatrix
        timestamps = d.supportsTimestamps
    }
}
