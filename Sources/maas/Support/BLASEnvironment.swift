import MaaSEngine

#if canImport(Glibc)
import Glibc
#endif

/// Makes OpenBLAS use the kernels this CPU supports when its own detection falls back to generic ones.
///
/// OpenBLAS reads `OPENBLAS_CORETYPE` once, while the library loads (before `main`), so the only way
/// to change its choice is to set the variable and execute this binary again with the same arguments.
/// Runs at most once per process tree (`MAAS_BLAS_REEXEC` guards the loop); any failure leaves
/// OpenBLAS's own choice in place, which is slower but correct.
enum BLASEnvironment {
    static func selectCoreTypeOrReexec() {
        guard getenv("MAAS_BLAS_REEXEC") == nil else { return }
        let environment = ["OPENBLAS_CORETYPE": getenv("OPENBLAS_CORETYPE").map { String(cString: $0) } ?? ""]
        let flags = BLASCoreSelection.cpuFlags(cpuinfo: readProcCPUInfo())
        guard
            let coreType = BLASCoreSelection.recommendedCoreType(
                environment: environment, activeCoreName: BLASCoreSelection.activeCoreName, cpuFlags: flags)
        else { return }
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv("MAAS_BLAS_REEXEC", "1", 1)
        let arguments = CommandLine.arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        cArguments.append(nil)
        execv("/proc/self/exe", &cArguments)
        // execv returned: it failed. Carry on with the generic kernels.
        for pointer in cArguments { free(pointer) }
        unsetenv("OPENBLAS_CORETYPE")
    }

    private static func readProcCPUInfo() -> String {
        guard let file = fopen("/proc/cpuinfo", "r") else { return "" }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        // Only the first processor's block is needed; it ends at the first blank line.
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            let line = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if line == "\n" { break }
            text += line
        }
        return text
    }
}
