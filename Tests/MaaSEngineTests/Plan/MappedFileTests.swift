import Foundation
import MaaSEngine
import Testing

@Suite("mapped files")
struct MappedFileTests {
    @Test("evicted pages read back the same bytes, whatever region is evicted", arguments: [
        (0, 1), (100, 5000), (4095, 2), (0, 3 * 4096 + 17), (3 * 4096, 17), (-50, 100), (3 * 4096 + 10, 1000),
    ])
    func eviction(_ start: Int, _ count: Int) throws {
        let contents = (0..<(3 * 4096 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let path = TemporaryPath("evict.bin")
        try Data(contents).write(to: URL(fileURLWithPath: path.path))
        let file = try MappedFile(path: path.path)
        #expect(Array(file.bytes) == contents)
        // Regions partly or wholly outside the mapping are clamped to it, never passed on as they are.
        file.evict(UnsafeRawBufferPointer(start: file.base + start, count: count))
        #expect(Array(file.bytes) == contents)
    }

    @Test("a file above the size limit is refused before it is mapped, naming it")
    func sizeLimit() throws {
        let path = TemporaryPath("limit.bin")
        try Data(count: 100).write(to: URL(fileURLWithPath: path.path))
        let error = #expect(throws: EngineError.self) { try MappedFile(path: path.path, maxSize: 99) }
        #expect(error?.message.contains("'\(path.path)' is 100 bytes") == true)
        #expect(try MappedFile(path: path.path, maxSize: 100).count == 100)
    }
}
