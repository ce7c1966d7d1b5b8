import MaaSClient
import MaaSProtocol
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Fixtures are written by NumPy (Fixtures/make_numpy_fixtures.py); the expected values below are the
/// formulas that script uses.
@Suite("NumpyArray")
struct NumpyArrayTests {
    static let f2x3: [Float] = (0..<6).map { Float($0) * 0.5 - 1 }

    @Test("reads float32 arrays in every format version", arguments: ["f4_2x3.npy", "f4_2x3_v2.npy", "f4_2x3_v3.npy"])
    func readsFloat32(file: String) throws {
        let array = try NumpyArray(contentsOf: Fixture.numpy(file))
        #expect(array.dtype == .float32)
        #expect(array.shape == [2, 3])
        #expect(array.floatValues == Self.f2x3)
        #expect(array.convertedFrom == nil)
    }

    @Test("reads a scalar, a 3-D and an empty array")
    func readsShapes() throws {
        let scalar = try NumpyArray(contentsOf: Fixture.numpy("f4_scalar.npy"))
        #expect(scalar.shape == [])
        #expect(scalar.elementCount == 1)
        #expect(scalar.floatValues == [3.25])

        let cube = try NumpyArray(contentsOf: Fixture.numpy("f4_1x3x2.npy"))
        #expect(cube.shape == [1, 3, 2])
        #expect(cube.floatValues == Self.f2x3)

        let empty = try NumpyArray(contentsOf: Fixture.numpy("f4_0x3.npy"))
        #expect(empty.shape == [0, 3])
        #expect(empty.elementCount == 0)
        #expect(empty.rawData.isEmpty)
    }

    @Test("reads int64 arrays including the extremes")
    func readsInt64() throws {
        let small = try NumpyArray(contentsOf: Fixture.numpy("i8_5.npy"))
        #expect(small.dtype == .int64)
        #expect(small.shape == [5])
        #expect(small.int64Values == (0..<5).map { Int64($0) * 3 - 7 })

        let extremes = try NumpyArray(contentsOf: Fixture.numpy("i8_extremes.npy"))
        #expect(extremes.int64Values == [Int64.min, -1, 0, Int64.max])
    }

    @Test("narrows float64 to float32 and says so")
    func convertsFloat64() throws {
        let array = try NumpyArray(contentsOf: Fixture.numpy("f8_2x2.npy"))
        #expect(array.dtype == .float32)
        #expect(array.shape == [2, 2])
        #expect(array.convertedFrom == "<f8")
        #expect(array.floatValues == [Float(0.1), -2.5, .infinity, 7])
    }

    @Test("widens int32 to int64 and says so")
    func convertsInt32() throws {
        let array = try NumpyArray(contentsOf: Fixture.numpy("i4_3.npy"))
        #expect(array.dtype == .int64)
        #expect(array.convertedFrom == "<i4")
        #expect(array.int64Values == [Int64(Int32.min), -1, Int64(Int32.max)])
    }

    @Test(
        "refuses arrays maas cannot carry, naming the fix",
        arguments: [
            ("f4_fortran.npy", "Fortran"),
            ("f4_bigendian.npy", "astype('<f4')"),
            ("u1_3.npy", "'|u1'"),
            ("structured.npy", "structured dtype"),
        ])
    func refusesUnsupported(file: String, mention: String) throws {
        let error = #expect(throws: NumpyError.self) { try NumpyArray(contentsOf: Fixture.numpy(file)) }
        guard case .unsupported(let reason)? = error else {
            Issue.record("expected .unsupported, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(mention), "\(reason)")
    }

    @Test(
        "writes files byte-identical to np.save",
        arguments: ["f4_2x3.npy", "f4_scalar.npy", "f4_1x3x2.npy", "f4_0x3.npy", "i8_5.npy", "i8_extremes.npy"])
    func writesLikeNumpy(file: String) throws {
        let path = Fixture.numpy(file)
        let original = try readBytes(path)
        let array = try NumpyArray(npyBytes: original)
        #expect(array.npyBytes() == original)
    }

    @Test("round-trips through a file on disk")
    func roundTripsThroughFile() throws {
        let array = NumpyArray(shape: [3, 1], floats: [1.5, -0, .greatestFiniteMagnitude])
        let path = "/tmp/maas-npy-roundtrip-\(getpid()).npy"
        defer { unlink(path) }
        try array.write(to: path)
        #expect(try NumpyArray(contentsOf: path) == array)
    }

    @Test("converts to and from a protocol tensor")
    func tensorConversion() throws {
        let array = NumpyArray(shape: [2], int64s: [4, -4])
        #expect(array.tensor == Tensor(shape: [2], int64s: [4, -4]))
        #expect(try NumpyArray(tensor: array.tensor) == array)
        let bad = Tensor(dtype: .float32, shape: [3], rawData: [0, 0, 0, 0])
        #expect(throws: NumpyError.self) { try NumpyArray(tensor: bad) }
    }

    @Test("reports a missing file with its path")
    func missingFile() {
        let error = #expect(throws: NumpyError.self) { try NumpyArray(contentsOf: "/nonexistent/x.npy") }
        #expect(error == .io(path: "/nonexistent/x.npy", "No such file or directory"))
    }

    private func readBytes(_ path: String) throws -> [UInt8] {
        let file = try #require(fopen(path, "rb"))
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }
}
