import Foundation
import Testing
@testable import MaaSEngine

/// Every compiled variant (portable C, AVX2, AVX-512F — whichever this CPU runs) is held to the same contract.
@Suite("Vector kernels")
struct VectorKernelsTests {
    static let variants = VectorKernels.available.map(\.name)

    static func kernels(_ name: String) throws -> VectorKernels {
        try #require(VectorKernels.available.first { $0.name == name })
    }

    /// A dense grid over −110…110 (past both ends of exp's range), small magnitudes down to denormals, and
    /// 200 000 bit patterns spread over all finite floats.
    static let sweep: [Float] = {
        var values = (-7040...7040).map { Float($0) / 64 }
        values += (0..<300).flatMap { k -> [Float] in let v = Float(pow(1.3, -Double(k))); return [v, -v] }
        var state: UInt32 = 12345
        for _ in 0..<200_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            let value = Float(bitPattern: state)
            if value.isFinite { values.append(value) }
        }
        return values
    }()

    /// Relative error where the true value is a normal float. Below FLT_MIN relative error means nothing: there
    /// the result passes (0) if it is within FLT_MIN. A true value beyond Float's range must come out infinite.
    static func error(_ got: Float, _ reference: Double) -> Double {
        if reference.magnitude > Double(Float.greatestFiniteMagnitude) {
            return got.isInfinite && (got > 0) == (reference > 0) ? 0 : .infinity
        }
        let difference = abs(Double(got) - reference)
        if reference.magnitude < Double(Float.leastNormalMagnitude) {
            return difference <= Double(Float.leastNormalMagnitude) ? 0 : .infinity
        }
        return difference / reference.magnitude
    }

    static func apply(_ function: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
                      to inputs: [Float]) -> [Float] {
        var outputs = [Float](repeating: .nan, count: inputs.count)
        inputs.withUnsafeBufferPointer { input in
            outputs.withUnsafeMutableBufferPointer { output in function(input.baseAddress!, output.baseAddress!, inputs.count) }
        }
        return outputs
    }

    static func worst(_ outputs: [Float], _ reference: (Double) -> Double) -> (error: Double, at: Float) {
        var worst: (error: Double, at: Float) = (0, 0)
        for (x, y) in zip(sweep, outputs) {
            let e = error(y, reference(Double(x)))
            if !(e <= worst.error) { worst = (e, x) }
        }
        return worst
    }

    @Test("exp is within 1e-6 relative of libm over all finite floats", arguments: variants)
    func expAccuracy(variant: String) throws {
        let k = try Self.kernels(variant)
        let worst = Self.worst(Self.apply(k.exp, to: Self.sweep), Foundation.exp)
        #expect(worst.error <= 1e-6, "exp(\(worst.at)): \(worst.error)")
    }

    @Test("sigmoid is within 1e-6 relative of libm over all finite floats", arguments: variants)
    func sigmoidAccuracy(variant: String) throws {
        let k = try Self.kernels(variant)
        let worst = Self.worst(Self.apply(k.sigmoid, to: Self.sweep)) { 1 / (1 + Foundation.exp(-$0)) }
        #expect(worst.error <= 1e-6, "sigmoid(\(worst.at)): \(worst.error)")
    }

    @Test("tanh is within 1e-6 relative of libm over all finite floats, down to denormals", arguments: variants)
    func tanhAccuracy(variant: String) throws {
        let k = try Self.kernels(variant)
        let worst = Self.worst(Self.apply(k.tanh, to: Self.sweep), Foundation.tanh)
        #expect(worst.error <= 1e-6, "tanh(\(worst.at)): \(worst.error)")
    }

    /// (x, exp, sigmoid, tanh); NaN expected means NaN.
    static let specialValues: [(Float, Float, Float, Float)] = [
        (.infinity, .infinity, 1, 1),
        (-.infinity, 0, 0, -1),
        (.nan, .nan, .nan, .nan),
        (0, 1, 0.5, 0),
        (89, .infinity, 1, 1),
        (-105, 0, 0, -1),
        (.greatestFiniteMagnitude, .infinity, 1, 1),
        (-.greatestFiniteMagnitude, 0, 0, -1),
    ]

    @Test("infinities, NaN, zero and overflow give the limits of the functions", arguments: variants)
    func specialValues(variant: String) throws {
        let k = try Self.kernels(variant)
        let inputs = Self.specialValues.map(\.0)
        let exp = Self.apply(k.exp, to: inputs), sigmoid = Self.apply(k.sigmoid, to: inputs)
        let tanh = Self.apply(k.tanh, to: inputs)
        func same(_ a: Float, _ b: Float) -> Bool { a.isNaN ? b.isNaN : a == b }
        for (index, expected) in Self.specialValues.enumerated() {
            #expect(same(expected.1, exp[index]), "exp(\(expected.0)) = \(exp[index])")
            #expect(same(expected.2, sigmoid[index]), "sigmoid(\(expected.0)) = \(sigmoid[index])")
            #expect(same(expected.3, tanh[index]), "tanh(\(expected.0)) = \(tanh[index])")
        }
        let negativeZero = Self.apply(k.tanh, to: [-0.0])[0]
        #expect(negativeZero == 0 && negativeZero.sign == .minus, "tanh keeps the sign of zero")
    }

    @Test("a partial last vector is computed like a full one and nothing past the end is written",
          arguments: variants)
    func partialVectors(variant: String) throws {
        let k = try Self.kernels(variant)
        let source = (0..<40).map { Float($0) * 0.37 - 7 }
        let full = Self.apply(k.tanh, to: source)
        for count in 0...source.count {
            var output = [Float](repeating: 42, count: source.count)
            source.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { k.tanh(input.baseAddress!, into: $0.baseAddress!, count: count) }
            }
            #expect(Array(output[..<count]) == Array(full[..<count]), "count \(count)")
            #expect(output[count...].allSatisfy { $0 == 42 }, "count \(count) wrote past the end")
        }
    }

    @Test("the chosen variant is the widest this CPU runs")
    func bestIsWidest() {
        #expect(VectorKernels.best.name == VectorKernels.available.last?.name)
        #expect(VectorKernels.available.first?.name == "generic")
    }
}
