import Formats

/// `vulkanlm info` as text: header facts, metadata one key a line, tensor totals and a table.
enum InfoText {
    static func report(_ file: GGUFFile, rows: Int) -> String {
        var out = "\(file.path)\n"
        out += "GGUF version \(file.version), alignment \(file.alignment), data section at byte \(file.dataStart), file \(file.fileSize) bytes\n"
        out += "\nmetadata (\(file.metadataKeys.count) keys):\n"
        for key in file.metadataKeys {
            guard let value = file.metadata[key] else { continue }
            out += "  \(key): \(value.type) = \(InfoSummary.text(value))\n"
        }
        out += "\ntensors: \(file.tensors.count), \(InfoSummary.totalBytes(file)) bytes\n"
        for total in InfoSummary.totals(file) {
            out += "  \(total.type): \(total.count) tensor\(total.count == 1 ? "" : "s"), \(total.bytes) bytes\n"
        }
        let uncomputable = InfoSummary.totals(file).map(\.type).filter { !$0.isComputable }
        if !uncomputable.isEmpty {
            out += "  note: VulkanLM cannot compute with \(uncomputable.map(\.name).joined(separator: ", ")) "
                + "(supported: \(GGMLType.computableList)); commands that need those tensors will refuse them\n"
        }
        guard !file.tensors.isEmpty else { return out }
        // Shapes in both orders: ggml's [ne0, ne1, ...] and row-major (PyTorch) [..., ne1, ne0].
        let table = file.tensors.prefix(rows).map { tensor in
            [tensor.name, "\(tensor.type)", "\(tensor.dimensions)", "\(tensor.shape)", "\(tensor.byteCount)"]
        }
        let header = ["name", "type", "ne (ggml)", "shape (row-major)", "bytes"]
        let widths = header.indices.map { column in
            ([header] + table).map { $0[column].count }.max() ?? 0
        }
        for row in [header] + table {
            out += "  " + row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ") + "\n"
        }
        if rows < file.tensors.count {
            out += "  … \(file.tensors.count - rows) more (--tensors lists all)\n"
        }
        return out
    }
}
