internal import CSoxr

/// Sample-rate conversion exactly as librosa 0.11 does it by default (`res_type="soxr_hq"`).
///
/// librosa calls python-soxr's `soxr.resample`, which runs libsoxr at HQ quality over the input in chunks of
/// `max(1000, 48000 · in / out)` samples into a buffer of `n · out / in + 1` samples, then flushes; librosa
/// then zero-pads or trims the result to `ceil(n · out / in)`. Each step is reproduced here, chunking
/// included, so the samples match (libsoxr's output depends slightly on how its input is fed).
enum Resampler {
    static func resample(_ samples: [Float], from inputRate: Int, to outputRate: Int) throws(AudioError) -> [Float] {
        guard inputRate > 0, outputRate > 0 else {
            throw AudioError(.invalidParameter(name: "sample rate", reason: "cannot resample \(inputRate) Hz to \(outputRate) Hz"))
        }
        if inputRate == outputRate || samples.isEmpty { return samples }
        let inRate = Double(inputRate)
        let outRate = Double(outputRate)
        let count = samples.count
        let librosaLength = Int((Double(count) * (outRate / inRate)).rounded(.up))
        let capacity = Int(Double(count) * outRate / inRate + 1)
        let chunk = Int(max(1000, 48000 * inRate / outRate))

        let converter = try SoxrHandle(from: inRate, to: outRate)
        var output = [Float](repeating: 0, count: max(capacity, librosaLength))
        var produced = 0
        var failure: soxr_error_t?
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                var done = 0
                var start = 0
                while start < count {
                    let length = min(chunk, count - start)
                    failure = soxr_process(converter.handle, input.baseAddress! + start, length, nil,
                                           out.baseAddress! + produced, capacity - produced, &done)
                    produced += done
                    start += chunk
                }
                // End of input: libsoxr flushes what its filter still holds.
                failure = soxr_process(converter.handle, nil, 0, nil, out.baseAddress! + produced, capacity - produced, &done)
                produced += done
            }
        }
        if let failure {
            throw AudioError(.resamplingFailed(reason: String(cString: failure)))
        }
        // librosa's fix_length: trim to its length, or zero-pad (the buffer beyond `produced` is still zero).
        output.removeSubrange(librosaLength...)
        return output
    }
}

/// The one owner of a `soxr_t`.
private struct SoxrHandle: ~Copyable {
    let handle: soxr_t

    init(from inputRate: Double, to outputRate: Double) throws(AudioError) {
        var io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I)
        // Set explicitly: this is python-soxr's "HQ", the recipe librosa's default names.
        var quality = soxr_quality_spec(UInt(SOXR_HQ), 0)
        var error: soxr_error_t?
        let created = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, nil)
        guard let created, error == nil else {
            if let created { soxr_delete(created) }
            throw AudioError(.resamplingFailed(reason: error.map { String(cString: $0) } ?? "libsoxr could not create a resampler"))
        }
        handle = created
    }

    deinit {
        soxr_delete(handle)
    }
}
