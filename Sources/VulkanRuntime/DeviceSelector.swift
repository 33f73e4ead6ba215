/// Which device runs the work: `auto`, `cpu`, a device index, or a name substring.
public enum DeviceSelector: Sendable, Equatable, CustomStringConvertible {
    case auto
    case cpu
    case index(Int)
    case name(String)

    /// Parses `--device` / `VULKANLM_DEVICE` values.
    public init(_ text: String) {
        let trimmed = text.trimmingWhitespace()
        switch trimmed.lowercased() {
        case "", "auto": self = .auto
        case "cpu": self = .cpu
        default: self = Int(trimmed).map { .index($0) } ?? .name(trimmed)
        }
    }

    public var description: String {
        switch self {
        case .auto: "auto"
        case .cpu: "cpu"
        case let .index(i): "\(i)"
        case let .name(n): n
        }
    }

    /// The outcome of applying a selector to the devices that exist.
    public enum Choice: Sendable, Equatable {
        case vulkan(PhysicalDeviceInfo, reason: String)
        case cpu(reason: String)
    }

    /// `auto` prefers discrete > integrated > virtual GPUs (then more device-local memory) and
    /// never picks a CPU-type Vulkan device such as lavapipe on its own: OpenBLAS is far faster
    /// on the same cores. Explicit index/name selectors throw when nothing matches.
    public func choose(from devices: [PhysicalDeviceInfo]) throws -> Choice {
        switch self {
        case .cpu:
            return .cpu(reason: "CPU backend requested")
        case let .index(i):
            guard let device = devices.first(where: { $0.index == i }) else {
                throw VulkanError.deviceNotFound(selector: "\(i)", available: devices.map { "\($0.index): \($0.name)" })
            }
            return .vulkan(device, reason: "device \(i) requested")
        case let .name(name):
            guard let device = devices.first(where: { $0.name.lowercased().contains(name.lowercased()) }) else {
                throw VulkanError.deviceNotFound(selector: name, available: devices.map { "\($0.index): \($0.name)" })
            }
            return .vulkan(device, reason: "name matches '\(name)'")
        case .auto:
            let rank: [PhysicalDeviceInfo.Kind: Int] = [.discreteGPU: 0, .integratedGPU: 1, .virtualGPU: 2]
            let candidates = devices.filter { rank[$0.kind] != nil }
            guard let best = candidates.min(by: {
                (rank[$0.kind] ?? 9, -Int64(clamping: $0.deviceLocalMemory)) < (rank[$1.kind] ?? 9, -Int64(clamping: $1.deviceLocalMemory))
            }) else {
                if devices.isEmpty { return .cpu(reason: "no Vulkan device found") }
                let names = devices.map { "\($0.name) (\($0.kind.rawValue))" }.joined(separator: ", ")
                return .cpu(reason: "only CPU-type Vulkan devices found (\(names)); OpenBLAS is faster there — select one by index or name to use it")
            }
            return .vulkan(best, reason: "auto: best of \(devices.count) device(s), a \(best.kind.rawValue)")
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
