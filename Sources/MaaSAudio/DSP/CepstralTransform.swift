import Glibc
internal import COpenBLAS

/// The orthonormal DCT-II (scipy.fftpack.dct(type=2, norm="ortho")) truncated to nMFCC coefficients, with
/// librosa's optional liftering folded in, as a [bands × coefficients] matrix applied with `cblas_sgemm`.
struct CepstralTransform: Sendable {
    let bands: Int
    let coefficients: Int
    let matrix: [Float]

    init(bands: Int, coefficients: Int, lifter: Double) {
        self.bands = bands
        self.coefficients = coefficients
        var matrix = [Float](repeating: 0, count: bands * coefficients)
        let n = Double(bands)
        for k in 0..<coefficients {
            var scale = k == 0 ? (1 / n).squareRoot() : (2 / n).squareRoot()
            if lifter > 0 {
                scale *= 1 + (lifter / 2) * sin(Double.pi * Double(k + 1) / lifter)
            }
            for i in 0..<bands {
                matrix[i * coefficients + k] = Float(scale * cos(Double.pi * Double(k) * Double(2 * i + 1) / (2 * n)))
            }
        }
        self.matrix = matrix
    }

    /// out[t][k] = Σ_band decibels[t][band] · matrix[band][k]
    func apply(decibels: UnsafePointer<Float>, frames: Int, into out: UnsafeMutablePointer<Float>) {
        matrix.withUnsafeBufferPointer { m in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(frames), Int32(coefficients), Int32(bands),
                        1, decibels, Int32(bands), m.baseAddress, Int32(coefficients), 0, out, Int32(coefficients))
        }
    }
}
