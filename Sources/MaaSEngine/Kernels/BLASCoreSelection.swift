import COpenBLAS

#if canImport(Glibc)
import Glibc
#endif

/// Chooses OpenBLAS's kernel family when its own CPU detection falls back to the generic one.
///
/// OpenBLAS 0.3.21 (Debian 12) does not recognise many virtualised Xeons (their CPUID model is blank)
/// and falls back to its "Prescott" kernels, which run our LSTM about 5× slower than the AVX-512 ones
/// the CPU supports. OpenBLAS reads `OPENBLAS_CORETYPE` only once, when the library is loaded, so the
/// executable re-executes itself with the variable set (see `maas`'s entry point). A user who sets
/// `OPENBLAS_CORETYPE` keeps their choice.
public enum BLASCoreSelection {
    /// The kernel family OpenBLAS chose in this process, e.g. "Haswell" or "Prescott".
    public static var activeCoreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Whether the active kernel family has OpenBLAS's "small matrix" sgemm kernels, which multiply in place
    /// without packing (0.3.17+ builds them for SkylakeX, and Cooper Lake and Sapphire Rapids reuse them).
    /// Read once: the kernel family is fixed when the library loads.
    static let hasSmallMatrixKernels: Bool = ["SkylakeX", "Cooperlake", "SapphireRapids"].contains(activeCoreName)

    /// The core type to request, or nil when OpenBLAS's own choice stands.
    public static func recommendedCoreType(
        environment: [String: String], activeCoreName: String, cpuFlags: Set<String>
    ) -> String? {
        if let chosen = environment["OPENBLAS_CORETYPE"], !chosen.isEmpty { return nil }
        // Only override the generic fallbacks; a recognised CPU keeps OpenBLAS's choice.
        guard ["Prescott", "Katmai", "Core2", "Nehalem", "unknown"].contains(activeCoreName) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// CPU feature flags of the first processor in /proc/cpuinfo (empty if unreadable).
    public static func cpuFlags(cpuinfo: String) -> Set<String> {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }
}
