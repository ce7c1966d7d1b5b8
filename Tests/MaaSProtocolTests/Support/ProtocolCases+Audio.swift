import MaaSProtocol

/// The audio cases of `cases()` in Fixtures/make_golden.py (issue 4), case for case, in the same order.
extension ProtocolCases {
    /// The 16 kHz profile with every field away from its proto3 default.
    static var audio16k: AudioFrontEnd {
        var a = AudioFrontEnd()
        a.sampleRate = 16000
        a.peakNormalize = true
        a.nFFT = 512
        a.hopLength = 160
        a.winLength = 400
        a.center = true
        a.power = 1.0
        a.nMels = 40
        a.fMin = 20.0
        a.fMax = 7600.0
        a.melScale = .htk
        a.melNormalization = .unnormalized
        a.amin = 1e-5
        a.ref = 2.5
        a.topDB = -1.0
        a.nMFCC = 13
        a.lifter = 22.0
        a.layout = .batchMajor
        a.input = "mfcc \u{2713}"
        return a
    }

    /// librosa's defaults: the enums, winLength, fMin, fMax and lifter stay zero and are not written.
    static var audioLibrosa: AudioFrontEnd {
        var a = AudioFrontEnd()
        a.sampleRate = 22050
        a.peakNormalize = true
        a.nFFT = 2048
        a.hopLength = 512
        a.center = true
        a.power = 2.0
        a.nMels = 128
        a.amin = 1e-10
        a.ref = 1.0
        a.topDB = 80.0
        a.nMFCC = 20
        return a
    }

    static var audioNegativeValues: AudioFrontEnd {
        var a = AudioFrontEnd()
        a.sampleRate = -1
        a.fMin = -0.0
        a.topDB = -80.0
        a.layout = .frames
        return a
    }

    /// ctc_blank 0 must still be written: in the oneof, presence is the information.
    static let ctcLabels = ClassLabels(
        names: ["_", "a", "b", ""], output: "logits", clipDecision: .lastFrame, topK: 3, ctcBlank: 0)

    static let keywordLabels = ClassLabels(names: ["yes", "no", "up", "d\u{f6}wn"])

    static var audioModelVersion: ModelVersion {
        var v = modelVersion(4)
        v.audio = audioLibrosa
        v.audio?.layout = .timeMajor
        v.classes = ctcLabels
        return v
    }

    static let audio: [ProtocolCase] = [
        ProtocolCase("audio_front_end_full", audio16k),
        ProtocolCase("audio_front_end_librosa_defaults", audioLibrosa),
        ProtocolCase("audio_front_end_empty", AudioFrontEnd()),
        ProtocolCase("audio_front_end_negative_values", audioNegativeValues),
        ProtocolCase("class_labels_ctc_blank_zero", ctcLabels),
        ProtocolCase("class_labels_without_ctc", keywordLabels),
        ProtocolCase("class_labels_only_negative_ctc_blank", ClassLabels(names: [], ctcBlank: -1)),
        ProtocolCase("class_labels_empty", ClassLabels()),
        ProtocolCase("raw_audio_stereo", RawAudio(
            sampleRate: 44100, channels: 2, samples: float32Bytes([0.5, -0.5, 1.0, -1.0, 0.0, -0.0]))),
        ProtocolCase("raw_audio_empty", RawAudio()),
        ProtocolCase("class_score", ClassScore(index: 7, label: "d\u{f6}wn", probability: 0.875)),
        ProtocolCase("class_score_index_zero", ClassScore(index: 0, label: "_", probability: 1.0)),
        ProtocolCase("model_header_audio", ModelHeader(
            name: "speech", format: .onnx, labels: ["lang": "en"], sizeBytes: 123_456, sha256: sha,
            audio: audio16k, classes: ctcLabels)),
        ProtocolCase("model_header_empty_audio_and_classes", ModelHeader(
            name: "m", audio: AudioFrontEnd(), classes: ClassLabels())),
        ProtocolCase("batching_full", BatchingConfig(maxBatchSize: 16, maxQueueDelayMicroseconds: 2000)),
        ProtocolCase("batching_zero_delay", BatchingConfig(maxQueueDelayMicroseconds: 0)),
        ProtocolCase("batching_empty", BatchingConfig()),
        ProtocolCase("batching_no_padding", BatchingConfig(padSequences: false)),
        ProtocolCase("batching_padding", BatchingConfig(maxBatchSize: 4, padSequences: true)),
        ProtocolCase("model_header_batching", ModelHeader(name: "kws", batching: BatchingConfig(maxBatchSize: 1))),
        ProtocolCase("model_version_batching", {
            var version = ModelVersion()
            version.name = "kws"
            version.version = 2
            version.batching = BatchingConfig(maxBatchSize: 8, maxQueueDelayMicroseconds: 500)
            return version
        }()),
        ProtocolCase("register_header_audio", RegisterModelRequest(.header(ModelHeader(
            name: "kws", audio: audioLibrosa, classes: keywordLabels)))),
        ProtocolCase("model_version_audio", audioModelVersion),
        ProtocolCase("list_versions_response_audio", ListVersionsResponse(versions: [audioModelVersion, modelVersion(3)])),
        ProtocolCase("predict_request_audio_file", PredictRequest(
            name: "speech", audio: .file(Array("RIFF\u{24}\0\0\0WAVEfmt ".utf8) + Array(200...255)), topK: 3)),
        ProtocolCase("predict_request_audio_file_empty", PredictRequest(name: "speech", audio: .file([]))),
        ProtocolCase("predict_request_audio_pcm", PredictRequest(
            name: "speech", version: 2,
            audio: .pcm(RawAudio(sampleRate: 16000, channels: 1, samples: float32Bytes([0.25, -0.125, 0.0]))),
            includeFeatures: true)),
        ProtocolCase("predict_request_audio_pcm_empty", PredictRequest(name: "speech", audio: .pcm(RawAudio()))),
        ProtocolCase("predict_request_features_top_k", PredictRequest(
            name: "kws", inputs: [NamedTensor(name: "mfcc", tensor: Tensor(shape: [1, 1, 2], floats: [1.0, 2.0]))],
            includeFeatures: true, topK: -1)),
        ProtocolCase("predict_response_audio", PredictResponse(
            name: "speech", version: 4,
            outputs: [NamedTensor(name: "logits", tensor: Tensor(shape: [2, 1, 3], floats: [0.1, 0.2, 0.7, 0.6, 0.3, 0.1]))],
            topClasses: [
                ClassScore(index: 2, label: "b", probability: 0.75),
                ClassScore(index: 0, label: "_", probability: 0.125),
                ClassScore(index: 1, label: "a", probability: 0.0),
            ],
            transcript: "h\u{e9}llo w\u{f6}rld",
            features: Tensor(shape: [2, 3], floats: [-650.0, 12.5, 0.0, 250.0, -1.5, 3.0]))),
        ProtocolCase("predict_response_empty_features", PredictResponse(
            name: "speech", version: 1, outputs: [], features: Tensor())),
    ]

    /// Little-endian float32 bytes, as RawAudio.samples carries them.
    static func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }
}
