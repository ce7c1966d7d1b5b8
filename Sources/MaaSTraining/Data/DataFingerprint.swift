/// FNV-1a (a word at a time rather than a byte) over labels, lengths and feature bits: identifies the exact
/// data a run trains on.
enum DataFingerprint {
    static func of(_ sets: [LabelledClips]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            hash ^= value
            hash &*= 0x0000_0100_0000_01B3
        }
        for set in sets {
            mix(UInt64(set.count))
            for label in set.labels { for byte in label.utf8 { mix(UInt64(byte)) } }
            for clip in set.clips {
                mix(UInt64(clip.label))
                mix(UInt64(clip.frames))
                for value in clip.values { mix(UInt64(value.bitPattern)) }
            }
        }
        return hash
    }
}
