import Compute
import Testing
import TestSupport

/// Row ops dispatch one workgroup per row through `VulkanBackend.grid`, which spreads counts
/// above maxComputeWorkGroupCount[0] (65,535 on lavapipe) over x and y. 70,000 rows of 4 make
/// that split (65,535 × 2) while staying cheap; rows past 65,535 are the ones the y index reaches.
@Test(.noValidationMessages, arguments: try cases(["70000 rows"]))
func rowOpsAboveTheWorkgroupLimit(_ test: Case<String>) throws {
    let backend = test.backend
    let (rows, columns) = (70_000, 4)
    var random = TestRandom()
    let values = random.values(rows * columns, scale: 3)
    let weightValues = random.values(columns, scale: 0.5, offset: 1)
    let x = try backend.tensor(values, shape: [rows, columns], dtype: .f32, name: "x")
    let weight = try backend.tensor(weightValues, shape: [columns], dtype: .f32, name: "weight")

    let normed = try backend.poisoned(shape: [rows, columns])
    try backend.rmsNorm(x, weight: weight, eps: 1e-6, into: normed)
    let rmsError = relativeError(try backend.read(normed), rmsNormReference(values, weight: weightValues, eps: 1e-6, columns: columns))

    let softmaxed = try backend.poisoned(shape: [rows, columns])
    try backend.softmax(x, scale: 0.5, causal: false, into: softmaxed)
    let softmaxError = relativeError(try backend.read(softmaxed),
                                     softmaxReference(values, rows: rows, columns: columns, scale: 0.5, queries: nil))
    // Measured at most 5.6e-8 (rmsNorm) and 7.0e-8 (softmax) on the CPU and lavapipe.
    let bound = 1e-6
    print("\(backend.name) \(rows) rows: rmsNorm error \(rmsError), softmax error \(softmaxError), bound \(bound)")
    #expect(rmsError <= bound, "rmsNorm: \(rmsError) > \(bound), \(random)")
    #expect(softmaxError <= bound, "softmax: \(softmaxError) > \(bound), \(random)")
}

/// The ops documented as accepting y == x (rope, softcap and roundTrip through Q8 are checked in
/// place in their own tests): scale, and roundTrip through f16, give what they give out of place.
@Test(.noValidationMessages, arguments: try cases(["in place"]))
func scaleAndHalfRoundTripInPlace(_ test: Case<String>) throws {
    let backend = test.backend
    var random = TestRandom()
    let values = random.values(4099, scale: 100)
    let x = try backend.tensor(values, shape: [values.count], dtype: .f32, name: "x")
    try backend.scale(x, by: 0.375, into: x)
    // One correctly rounded f32 multiply per element, as here.
    #expect(try backend.read(x) == values.map { $0 * 0.375 }, "scale in place, \(random)")

    let h = try backend.tensor(values, shape: [values.count], dtype: .f32, name: "h")
    try backend.roundTrip(h, through: .f16, into: h)
    #expect(try backend.read(h) == values.map { Float(Float16($0)) }, "roundTrip f16 in place, \(random)")
}
