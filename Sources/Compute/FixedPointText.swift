extension Double {
    /// The value with a fixed number of decimals ("12.35"), without Foundation's
    /// `String(format:)`, which would pull internationalisation data into static binaries.
    public func fixed(_ decimals: Int) -> String {
        guard isFinite else { return "\(self)" }
        var scale = 1.0
        for _ in 0..<max(decimals, 0) { scale *= 10 }
        let rounded = (abs(self) * scale).rounded()
        let whole = Int(rounded / scale)
        let fraction = Int(rounded - Double(whole) * scale)
        let sign = self < 0 && rounded > 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        let digits = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: decimals - digits.count))\(digits)"
    }
}
