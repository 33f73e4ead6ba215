import Compute
import Testing
import TestSupport

struct CopyCase: Sendable, CustomStringConvertible {
    let sourceShape: [Int]
    let destinationShape: [Int]
    let offset: Int
    var description: String { "\(sourceShape) → \(destinationShape) at \(offset)" }

    static let all: [CopyCase] = [
        CopyCase(sourceShape: [1], destinationShape: [1], offset: 0),
        CopyCase(sourceShape: [13], destinationShape: [40], offset: 7), // unaligned
        CopyCase(sourceShape: [1, 768], destinationShape: [9, 768], offset: 8 * 768), // the last cache row
        CopyCase(sourceShape: [3, 64], destinationShape: [10, 64], offset: 5 * 64),
        CopyCase(sourceShape: [17], destinationShape: [17], offset: 0), // the whole destination
    ]
}

/// The source lands at the offset; everything else in the destination is left as it was.
@Test(.noValidationMessages, arguments: try cases(CopyCase.all))
func copy(_ test: Case<CopyCase>) throws {
    let backend = test.backend, c = test.parameters
    var random = TestRandom()
    let sourceValues = random.values(c.sourceShape.reduce(1, *))
    let destinationValues = random.values(c.destinationShape.reduce(1, *), scale: 100)
    let source = try backend.tensor(sourceValues, shape: c.sourceShape, dtype: .f32, name: "source")
    let destination = try backend.tensor(destinationValues, shape: c.destinationShape, dtype: .f32, name: "destination")
    try backend.copy(source, into: destination, destinationOffset: c.offset)
    var expected = destinationValues
    expected.replaceSubrange(c.offset..<(c.offset + sourceValues.count), with: sourceValues)
    #expect(try backend.read(destination) == expected, "\(random)")
}

/// A ranged copy takes only `elements` of the source (one sequence's rows out of a batch).
@Test(.noValidationMessages, arguments: try cases([0..<6, 6..<18, 3..<4, 0..<24]))
func rangedCopy(_ test: Case<Range<Int>>) throws {
    let backend = test.backend, elements = test.parameters
    var random = TestRandom()
    let sourceValues = random.values(24), destinationValues = random.values(30, scale: 100)
    let source = try backend.tensor(sourceValues, shape: [4, 6], dtype: .f32, name: "source")
    let destination = try backend.tensor(destinationValues, shape: [5, 6], dtype: .f32, name: "destination")
    try backend.copy(source, elements: elements, into: destination, destinationOffset: 5)
    var expected = destinationValues
    expected.replaceSubrange(5..<(5 + elements.count), with: sourceValues[elements])
    #expect(try backend.read(destination) == expected, "\(random)")
    #expect(throws: ComputeError.self) {
        try backend.copy(source, elements: 20..<25, into: destination, destinationOffset: 0)
    }
}
