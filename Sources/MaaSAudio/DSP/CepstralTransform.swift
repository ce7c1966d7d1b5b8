import Glibc

/// The orthonormal DCT-II (scipy.fftpack.dct(type=2, norm="ortho")) truncated to nMFCC coefficients, with
/// librosa's optional liftering folded in, as a [coefficients × bands] matrix.
///
/// Applied per batch of frames in CMaaSAudioKernels, with power_to_db's top_db floor folded into the same
/// pass: vectorised across the batch's frames, it beats one sgemm over [frames × bands] (OpenBLAS 0.3.21
/// runs its SSE3 kernel on CPUs it does not know) and spares a pass over the dB values.
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
                matrix[k * bands + i] = Float(scale * cos(Double.pi * Double(k) * Double(2 * i + 1) / (2 * n)))
            }
        }
        self.matrix = matrix
    }

    /// out[t][k] = Σ_band matrix[k][band] · max(decibels[band] of frame t, floor), for the first `frames`
    /// frames of one batch (`bands` values of `kernels.lanes` floats), written as rows of `coefficients`.
    func apply(batch: UnsafePointer<Float>, floor: Float, frames: Int, into out: UnsafeMutablePointer<Float>, kernels: FFTKernels) {
        matrix.withUnsafeBufferPointer { m in
            kernels.cepstrum(batch, bands: bands, matrix: m.baseAddress!, coefficients: coefficients, floor: floor,
                             frames: frames, into: out)
        }
    }
}
