/// A tensor info as stored, before its type, size and placement are checked.
struct GGUFRawTensorInfo {
    let name: String
    let dimensions: [UInt64]
    let type: UInt32
    let offset: UInt64
}

extension GGUFCursor {
    /// ggml's GGML_MAX_DIMS.
    static let maxDimensions: UInt32 = 4

    mutating func readTensorInfo(index: UInt64) throws(FormatError) -> GGUFRawTensorInfo {
        let name = try readString("name of tensor #\(index)", strict: true)
        let count = try read(UInt32.self, "n_dims of tensor '\(name)'")
        guard count <= Self.maxDimensions else {
            throw .badTensorEntry(file: file, tensor: name,
                                  detail: "n_dims is \(count), more than ggml's limit of \(Self.maxDimensions)")
        }
        var dimensions: [UInt64] = []
        for axis in 0..<count {
            dimensions.append(try read(UInt64.self, "dimension \(axis) of tensor '\(name)'"))
        }
        let type = try read(UInt32.self, "type of tensor '\(name)'")
        let offset = try read(UInt64.self, "offset of tensor '\(name)'")
        return GGUFRawTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset)
    }
}

/// Turns raw tensor infos into trusted ones: known type, sizes without overflow, first dimension
/// a whole number of blocks, aligned offsets, data inside the file, no two tensors sharing bytes.
enum GGUFTensorLayout {
    static func validate(_ raw: [GGUFRawTensorInfo], dataStart: Int, alignment: Int, fileSize: Int,
                         file: String) throws(FormatError) -> [GGUFTensorInfo] {
        var seen = Set<String>()
        var tensors: [GGUFTensorInfo] = []
        tensors.reserveCapacity(raw.count)
        for info in raw {
            guard seen.insert(info.name).inserted else {
                throw .badTensorEntry(file: file, tensor: info.name, detail: "name appears more than once")
            }
            tensors.append(try validate(info, dataStart: dataStart, alignment: alignment, fileSize: fileSize, file: file))
        }
        try checkNoOverlaps(tensors, file: file)
        return tensors
    }

    private static func validate(_ info: GGUFRawTensorInfo, dataStart: Int, alignment: Int, fileSize: Int,
                                 file: String) throws(FormatError) -> GGUFTensorInfo {
        guard let type = GGMLType(rawValue: info.type) else {
            throw .unsupportedTensorType(file: file, tensor: info.name, type: info.type,
                                         typeName: GGMLType.name(of: info.type))
        }
        let dimensions = try checkedDimensions(info, type: type, file: file)
        let byteCount = try checkedByteCount(dimensions, type: type, name: info.name, file: file)

        guard info.offset % UInt64(alignment) == 0 else {
            throw .misalignedTensor(file: file, tensor: info.name, offset: info.offset, alignment: alignment)
        }
        // In UInt64 first: a forged offset near 2^64 must not wrap into the file.
        let begin64 = UInt64(dataStart).addingReportingOverflow(info.offset)
        let end64 = begin64.partialValue.addingReportingOverflow(UInt64(byteCount))
        guard !begin64.overflow, !end64.overflow, end64.partialValue <= UInt64(fileSize) else {
            let begin = Int(clamping: begin64.overflow ? UInt64.max : begin64.partialValue)
            let (end, endOverflow) = begin.addingReportingOverflow(byteCount)
            throw .tensorPastEnd(file: file, tensor: info.name, begin: begin, end: endOverflow ? .max : end,
                                 fileSize: fileSize)
        }
        let begin = Int(begin64.partialValue), end = Int(end64.partialValue)
        return GGUFTensorInfo(name: info.name, type: type, dimensions: dimensions, offset: Int(info.offset),
                              byteRange: begin..<end)
    }

    /// Dims as Int, each fitting, their product (the element count) fitting, ne0 a whole number of blocks.
    private static func checkedDimensions(_ info: GGUFRawTensorInfo, type: GGMLType,
                                          file: String) throws(FormatError) -> [Int] {
        var dimensions: [Int] = []
        var elements = 1
        for raw in info.dimensions {
            guard let dimension = Int(exactly: raw) else {
                // Shown as the raw ggml dims: there is no meaningful [Int] shape to print.
                throw .badTensorEntry(file: file, tensor: info.name,
                                      detail: "dimension \(raw) is too large (dims, ggml order: \(info.dimensions))")
            }
            dimensions.append(dimension)
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .badShape(file: file, tensor: info.name, shape: dimensions,
                                detail: "element count overflows Int (ggml order)")
            }
            elements = product
        }
        if let first = dimensions.first, first % type.blockSize != 0 {
            throw .badShape(file: file, tensor: info.name, shape: dimensions,
                            detail: "first dimension (ne0, ggml order) \(first) is not a multiple of \(type)'s block size \(type.blockSize)")
        }
        return dimensions
    }

    /// Bytes = blocks per row × block bytes × rows.
    private static func checkedByteCount(_ dimensions: [Int], type: GGMLType, name: String,
                                         file: String) throws(FormatError) -> Int {
        // A 0-d tensor is a scalar: one element (ggml stores it with ne = [1, 1, 1, 1]).
        if dimensions.isEmpty, type.blockSize != 1 {
            throw .badShape(file: file, tensor: name, shape: [], detail: "a scalar cannot be \(type)")
        }
        // The element count fits, but the bytes of a wide first row may not (4 bytes per F32 element).
        let (rowBytes, rowOverflow) = ((dimensions.first ?? 1) / type.blockSize).multipliedReportingOverflow(by: type.blockBytes)
        guard !rowOverflow else {
            throw .badShape(file: file, tensor: name, shape: dimensions, detail: "byte size overflows Int (ggml order)")
        }
        var bytes = rowBytes
        for dimension in dimensions.dropFirst() {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .badShape(file: file, tensor: name, shape: dimensions, detail: "byte size overflows Int (ggml order)")
            }
            bytes = product
        }
        return bytes
    }

    private static func checkNoOverlaps(_ tensors: [GGUFTensorInfo], file: String) throws(FormatError) {
        let sorted = tensors.filter { !$0.byteRange.isEmpty }
            .sorted { ($0.byteRange.lowerBound, $0.name) < ($1.byteRange.lowerBound, $1.name) }
        var furthest: GGUFTensorInfo?
        for tensor in sorted {
            if let previous = furthest, tensor.byteRange.lowerBound < previous.byteRange.upperBound {
                throw .overlappingTensors(
                    file: file, tensor: tensor.name, other: previous.name,
                    detail: "bytes [\(tensor.byteRange.lowerBound), \(tensor.byteRange.upperBound)) and "
                        + "[\(previous.byteRange.lowerBound), \(previous.byteRange.upperBound))")
            }
            if tensor.byteRange.upperBound > (furthest?.byteRange.upperBound ?? 0) { furthest = tensor }
        }
    }
}
