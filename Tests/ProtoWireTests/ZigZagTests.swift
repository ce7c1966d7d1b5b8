import ProtoWire
import Testing
import MaaSTestSupport

@Suite("ZigZag")
struct ZigZagTests {
    static let pairs32: [(Int32, UInt32)] = [
        (0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (-64, 127), (64, 128), (.max, 0xFFFF_FFFE), (.min, 0xFFFF_FFFF),
    ]
    static let pairs64: [(Int64, UInt64)] = [
        (0, 0), (-1, 1), (1, 2), (-2, 3), (.max, 0xFFFF_FFFF_FFFF_FFFE), (.min, 0xFFFF_FFFF_FFFF_FFFF),
    ]

    @Test("maps 32-bit values as the protobuf spec's table does", arguments: pairs32)
    func sint32(_ pair: (Int32, UInt32)) {
        #expect(ZigZag.encode(pair.0) == pair.1)
        #expect(ZigZag.decode(pair.1) == pair.0)
    }

    @Test("maps 64-bit values as the protobuf spec's table does", arguments: pairs64)
    func sint64(_ pair: (Int64, UInt64)) {
        #expect(ZigZag.encode(pair.0) == pair.1)
        #expect(ZigZag.decode(pair.1) == pair.0)
    }

    @Test("decode inverts encode for random values")
    func inverts() {
        var random = SplitMix64(seed: 0x5A5A)
        for _ in 0..<10_000 {
            let wide = Int64(bitPattern: random.next())
            let narrow = Int32(truncatingIfNeeded: wide)
            #expect(ZigZag.decode(ZigZag.encode(wide)) == wide)
            #expect(ZigZag.decode(ZigZag.encode(narrow)) == narrow)
        }
    }
}
