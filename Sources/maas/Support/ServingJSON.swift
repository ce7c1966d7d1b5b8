import MaaSProtocol

/// The `--json` form of a version's audio front-end (snake_case keys, as in the .proto; enums by name).
struct AudioFrontEndJSON: Encodable {
    var sample_rate: Int32
    var peak_normalize: Bool
    var n_fft: Int32
    var hop_length: Int32
    var win_length: Int32
    var center: Bool
    var power: Double
    var n_mels: Int32
    var fmin: Double
    var fmax: Double
    var mel_scale: String
    var mel_normalization: String
    var amin: Double
    var ref: Double
    var top_db: Double
    var n_mfcc: Int32
    var lifter: Double
    var layout: String
    var input: String

    init(_ audio: AudioFrontEnd) {
        sample_rate = audio.sampleRate
        peak_normalize = audio.peakNormalize
        n_fft = audio.nFFT
        hop_length = audio.hopLength
        win_length = audio.winLength
        center = audio.center
        power = audio.power
        n_mels = audio.nMels
        fmin = audio.fMin
        fmax = audio.fMax
        mel_scale = audio.melScale.name
        mel_normalization = audio.melNormalization.name
        amin = audio.amin
        ref = audio.ref
        top_db = audio.topDB
        n_mfcc = audio.nMFCC
        lifter = audio.lifter
        layout = audio.layout.name
        input = audio.input
    }
}

/// The `--json` form of a version's class labels.
struct ClassLabelsJSON: Encodable {
    var names: [String]
    var output: String
    var clip_decision: String
    var top_k: Int32
    var ctc_blank: Int32?

    init(_ classes: ClassLabels) {
        names = classes.names
        output = classes.output
        clip_decision = classes.clipDecision.name
        top_k = classes.topK
        ctc_blank = classes.ctcBlank
    }
}

/// The `--json` form of a version's own batching settings (absent keys: the server's).
struct BatchingJSON: Encodable {
    var max_batch_size: Int32
    var max_queue_delay_us: Int64?
    var pad_sequences: Bool?

    init(_ batching: BatchingConfig) {
        max_batch_size = batching.maxBatchSize
        max_queue_delay_us = batching.maxQueueDelayMicroseconds
        pad_sequences = batching.padSequences
    }
}

/// One-line human summaries of a version's serving configuration, for tables.
enum ServingSummary {
    /// `16000 Hz, 13 MFCC, time-major`, or `-`.
    static func audio(_ audio: AudioFrontEnd?) -> String {
        guard let audio else { return "-" }
        return "\(audio.sampleRate) Hz, \(audio.nMFCC) MFCC, \(audio.layout.name)"
    }

    /// `at most 8 rows, waiting up to 500 µs, one length per batch` (the parts the version sets).
    static func batching(_ batching: BatchingConfig) -> String {
        var parts: [String] = []
        switch batching.maxBatchSize {
        case 0: parts.append("the server's batch size")
        case 1: parts.append("off")
        default: parts.append("at most \(batching.maxBatchSize) rows")
        }
        if let delay = batching.maxQueueDelayMicroseconds { parts.append("waiting up to \(delay) µs") }
        switch batching.padSequences {
        case true?: parts.append("lengths padded to share a batch")
        case false?: parts.append("one length per batch")
        case nil: break
        }
        return parts.joined(separator: ", ")
    }

    /// `20: yes, no, up, …`, or `-`.
    static func classes(_ classes: ClassLabels?) -> String {
        guard let classes else { return "-" }
        let shown = classes.names.prefix(3).joined(separator: ", ")
        return "\(classes.names.count): \(shown)\(classes.names.count > 3 ? ", …" : "")"
    }
}
