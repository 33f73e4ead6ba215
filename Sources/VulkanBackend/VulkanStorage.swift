import Compute
import VulkanRuntime

/// A tensor's elements in a device buffer.
final class VulkanStorage: TensorStorage {
    let owner: ObjectIdentifier
    let buffer: VulkanBuffer

    init(owner: ObjectIdentifier, buffer: VulkanBuffer) {
        self.owner = owner
        self.buffer = buffer
    }
}
