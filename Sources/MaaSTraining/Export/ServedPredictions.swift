import Dispatch
import Glibc
import MaaSEngine
import MaaSProtocol

/// Classifies clips the way a server does with a trained model: the compiled plan runs on each clip's raw
/// MFCCs as a [T, 1, F] batch of one, and the clip decision is applied to its `probabilities` output. Used to
/// measure held-out accuracy on exactly what will be served, not on the training code's own forward pass.
public enum ServedPredictions {
    public static func predict(_ model: LoadedModel, clips: [FeatureClip], features: Int, decision: ClipDecision)
        throws(TrainingError) -> [Int] {
        let slots = ResultSlots<Result<Int, EngineError>>(count: clips.count)
        DispatchQueue.concurrentPerform(iterations: clips.count) { i in
            let clip = clips[i]
            slots[i] = Result { () throws(EngineError) in
                let outputs = try model.run([OnnxExport.inputName: HostTensor(shape: [clip.frames, 1, features], floats: clip.values)])
                guard let probabilities = outputs[OnnxExport.outputName]?.floats else {
                    throw EngineError(.internalError, "the model has no float output '\(OnnxExport.outputName)'")
                }
                return decide(probabilities, frames: clip.frames, decision: decision)
            }
        }
        var predictions: [Int] = []
        for i in clips.indices {
            do {
                predictions.append(try slots[i]!.get())
            } catch {
                throw TrainingError(.export, "the compiled model failed on clip \(i): \(error)")
            }
        }
        return predictions
    }

    /// The most probable class of one clip from its per-frame probabilities [frames, C].
    static func decide(_ probabilities: [Float], frames: Int, decision: ClipDecision) -> Int {
        let classes = probabilities.count / frames
        var scores = [Double](repeating: 0, count: classes)
        switch decision {
        case .lastFrame:
            for k in 0..<classes { scores[k] = Double(probabilities[(frames - 1) * classes + k]) }
        case .meanLogProb:
            // Softmax of the mean keeps the argmax of the mean; a probability that underflowed to 0 counts as
            // the smallest normal float rather than −∞.
            for t in 0..<frames {
                for k in 0..<classes { scores[k] += log(max(Double(probabilities[t * classes + k]), Double(Float.leastNormalMagnitude))) }
            }
        }
        return ClipLoss.argmax(scores)
    }
}
