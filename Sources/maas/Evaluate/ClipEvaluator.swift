import MaaSClient
import MaaSProtocol
import MaaSTraining

/// Sends every clip through Predict on one connection, at most `concurrency` calls in flight, and tallies
/// the answers. A clip's failure is recorded and the run goes on; only a lost connection (UNAVAILABLE, which
/// every remaining call would meet too) stops it.
struct ClipEvaluator {
    var client: MaaSClient
    var model: String
    /// A concrete version, so a version registered during the run does not change the model mid-way.
    var version: Int64
    var classes: ModelClasses
    var concurrency: Int
    var timeout: Duration?
    /// The server's address, for messages.
    var target: String
    /// Files larger than this are not read: the request could not fit in a frame.
    var maxFileSize = UInt64(Framing.defaultMaxFrameSize)

    private enum Outcome: Sendable {
        case answered(clip: Int, score: ClassScore)
        case failed(clip: Int, kind: String, message: String, code: StatusCode?)
    }

    func run(_ clips: [ClipDataset.Clip], progress: ClipProgress?) async throws(CLIError) -> EvaluationResult {
        let start = ContinuousClock.now
        var result = EvaluationResult(confusion: ConfusionMatrix(labels: classes.names))
        var failures: [(Int, EvaluationResult.Failure)] = []
        var misses: [(Int, EvaluationResult.Miss)] = []
        let lost: RPCError? = await withTaskGroup(of: Outcome.self) { group in
            var next = 0
            func startNext() {
                guard next < clips.count else { return }
                let index = next
                let path = clips[index].path
                group.addTask { await predict(clip: index, path: path) }
                next += 1
            }
            for _ in 0..<min(concurrency, clips.count) { startNext() }
            var done = 0
            while let outcome = await group.next() {
                done += 1
                switch outcome {
                case .answered(let clip, let score):
                    let truth = classes.index(of: clips[clip].label)!
                    guard let predicted = classes.index(answered: score) else {
                        let message = "the server answered class index \(score.index), but the version has \(classes.names.count) labels"
                        failures.append((clip, failure(clips[clip], "RESPONSE", message)))
                        break
                    }
                    // Both indices come from `classes`, so they are in range.
                    try! result.confusion.record(truth: truth, predicted: predicted)
                    if predicted != truth {
                        misses.append((clip, EvaluationResult.Miss(
                            path: clips[clip].path, label: clips[clip].label, predicted: classes.names[predicted],
                            probability: score.probability)))
                    }
                case .failed(let clip, let kind, let message, let code):
                    if code == .unavailable {
                        group.cancelAll()
                        return RPCError(.unavailable, message)
                    }
                    failures.append((clip, failure(clips[clip], kind, message)))
                }
                progress?.update(done: done, failed: failures.count)
                startNext()
            }
            progress?.finish(done: done, failed: failures.count)
            return nil
        }
        if let lost {
            progress?.finish(done: result.answered + failures.count, failed: failures.count)
            throw CLIError(lost, hint: "the connection was lost after \(result.answered) answers; is the server still running?", target: target)
        }
        result.failures = failures.sorted { $0.0 < $1.0 }.map(\.1)
        result.misses = misses.sorted { $0.0 < $1.0 }.map(\.1)
        result.elapsed = ContinuousClock.now - start
        return result
    }

    private func predict(clip: Int, path: String) async -> Outcome {
        let bytes: [UInt8]
        do {
            bytes = try LocalFile.openForReading(path).readAll(limit: maxFileSize)
        } catch {
            return .failed(clip: clip, kind: "FILE", message: error.description, code: nil)
        }
        // One label is all that is compared; asking for more only makes the answer longer.
        let request = PredictRequest(name: model, version: version, audio: .file(bytes), topK: 1)
        do throws(RPCError) {
            let response = try await client.predict(request, timeout: timeout)
            guard let top = response.topClasses.first else {
                return .failed(clip: clip, kind: "RESPONSE", message: "the answer has no top class", code: nil)
            }
            return .answered(clip: clip, score: top)
        } catch {
            return .failed(clip: clip, kind: error.code.name, message: error.message, code: error.code)
        }
    }

    private func failure(_ clip: ClipDataset.Clip, _ kind: String, _ message: String) -> EvaluationResult.Failure {
        EvaluationResult.Failure(path: clip.path, label: clip.label, kind: kind, message: message)
    }
}
