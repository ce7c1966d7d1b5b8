internal import CSndFile

/// The bytes libsndfile reads through its virtual I/O: a read-only cursor over memory the caller owns.
///
/// The audio is never written to disk. The buffer is borrowed for the duration of one decode call; the
/// `SoundFile` that uses this object keeps it alive and never outlives that call.
final class MemoryFile {
    private let bytes: UnsafeRawBufferPointer
    private var position: Int = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The callback table handed to `sf_open_virtual`; `user_data` is an unretained pointer to a `MemoryFile`.
    static let callbacks = SF_VIRTUAL_IO(
        get_filelen: { userData in
            MemoryFile.from(userData).length
        },
        seek: { offset, whence, userData in
            MemoryFile.from(userData).seek(offset, whence: whence)
        },
        read: { destination, count, userData in
            MemoryFile.from(userData).read(into: destination, count: count)
        },
        write: { _, _, _ in
            0  // read-only: libsndfile never writes in SFM_READ mode, and if it tried, nothing is written
        },
        tell: { userData in
            sf_count_t(MemoryFile.from(userData).position)
        }
    )

    private static func from(_ userData: UnsafeMutableRawPointer?) -> MemoryFile {
        Unmanaged<MemoryFile>.fromOpaque(userData!).takeUnretainedValue()
    }

    private var length: sf_count_t {
        sf_count_t(bytes.count)
    }

    /// Positions past the end are allowed (reads there return nothing), negative ones and overflow are not.
    private func seek(_ offset: sf_count_t, whence: Int32) -> sf_count_t {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(position)
        case SEEK_END: base = Int64(bytes.count)
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, target <= Int64(Int.max) else { return -1 }
        position = Int(target)
        return target
    }

    private func read(into destination: UnsafeMutableRawPointer?, count: sf_count_t) -> sf_count_t {
        guard let destination, count > 0, position < bytes.count, let base = bytes.baseAddress else { return 0 }
        let available = bytes.count - position
        let n = count < Int64(available) ? Int(count) : available
        destination.copyMemory(from: base + position, byteCount: n)
        position += n
        return sf_count_t(n)
    }
}
