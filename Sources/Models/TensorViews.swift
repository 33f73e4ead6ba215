import Compute

extension Tensor {
    /// The first `rows` rows of this tensor, seen as [rows, width]: activation buffers are
    /// allocated once for the longest chunk and viewed at the length of each call.
    func rows(_ rows: Int, width: Int? = nil) -> Tensor {
        let width = width ?? lastDimension
        return Tensor(shape: [rows, width], dtype: dtype, storage: storage, name: name)
    }
}
