import Testing

@testable import MaaSEngine

@Suite("OpenBLAS core selection")
struct BLASCoreSelectionTests {
    static let avx512: Set<String> = ["fpu", "sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq"]
    static let avx2: Set<String> = ["fpu", "sse2", "avx", "avx2", "fma"]

    @Test("a generic fallback on an AVX-512 CPU asks for SkylakeX")
    func fallbackOnAVX512() {
        #expect(BLASCoreSelection.recommendedCoreType(environment: [:], activeCoreName: "Prescott", cpuFlags: Self.avx512) == "SkylakeX")
    }

    @Test("a generic fallback on an AVX2 CPU asks for Haswell")
    func fallbackOnAVX2() {
        #expect(BLASCoreSelection.recommendedCoreType(environment: [:], activeCoreName: "Prescott", cpuFlags: Self.avx2) == "Haswell")
    }

    @Test("a user's OPENBLAS_CORETYPE is kept")
    func userChoiceKept() {
        #expect(BLASCoreSelection.recommendedCoreType(
            environment: ["OPENBLAS_CORETYPE": "Haswell"], activeCoreName: "Prescott", cpuFlags: Self.avx512) == nil)
    }

    @Test("a CPU OpenBLAS recognised keeps its choice")
    func recognisedCPUKept() {
        #expect(BLASCoreSelection.recommendedCoreType(environment: [:], activeCoreName: "Zen", cpuFlags: Self.avx2) == nil)
    }

    @Test("a CPU without AVX2 keeps the generic kernels")
    func oldCPU() {
        #expect(BLASCoreSelection.recommendedCoreType(environment: [:], activeCoreName: "Prescott", cpuFlags: ["sse2"]) == nil)
    }

    @Test("flags are read from the first processor's block")
    func parsesCPUInfo() {
        let text = "processor\t: 0\nflags\t\t: fpu avx2 fma\n\nprocessor\t: 1\nflags\t\t: fpu\n"
        #expect(BLASCoreSelection.cpuFlags(cpuinfo: text) == ["fpu", "avx2", "fma"])
        #expect(BLASCoreSelection.cpuFlags(cpuinfo: "") == [])
    }
}
