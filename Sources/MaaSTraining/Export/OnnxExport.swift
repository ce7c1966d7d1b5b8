/// The trained network as an ONNX model (opset 17) that ONNX Runtime and the maas engine both run:
///
///     mfcc [T, B, F] ─ LSTM ─ Squeeze(axis 1) ─ MatMul ─ Add ─ Relu ─ MatMul ─ Add ─ Softmax(-1) ─ probabilities [T, B, C]
///
/// The feature standardisation is folded into the LSTM's input weights and bias, so the model takes the raw
/// MFCCs the serving front-end computes.
public enum OnnxExport {
    public static let opset = 17
    /// The IR version that goes with opset 17.
    public static let irVersion = 8
    public static let inputName = "mfcc"
    public static let outputName = "probabilities"

    public static func model(
        network: SpeechNetwork, parameters: [Float], standardization: FeatureStandardization, metadata: [String: String]
    ) -> [UInt8] {
        let layout = network.layout, shape = network.shape
        precondition(parameters.count == layout.count, "expected \(layout.count) parameters")
        precondition(standardization.mean.count == shape.features, "standardisation does not fit the features")
        let (w, r, b) = onnxLSTMWeights(parameters, layout: layout, standardization: standardization)
        let h = shape.hidden
        let initializers = [
            OnnxWriter.tensor("lstm.W", dims: [1, 4 * h, shape.features], floats: w),
            OnnxWriter.tensor("lstm.R", dims: [1, 4 * h, h], floats: r),
            OnnxWriter.tensor("lstm.B", dims: [1, 8 * h], floats: b),
            OnnxWriter.tensor("squeeze.axes", dims: [1], int64s: [1]),
            OnnxWriter.tensor("dense.W", dims: [h, shape.dense], floats: Array(parameters[layout.denseWeights])),
            OnnxWriter.tensor("dense.b", dims: [shape.dense], floats: Array(parameters[layout.denseBias])),
            OnnxWriter.tensor("output.W", dims: [shape.dense, shape.classes], floats: Array(parameters[layout.outputWeights])),
            OnnxWriter.tensor("output.b", dims: [shape.classes], floats: Array(parameters[layout.outputBias])),
        ]
        let nodes = [
            OnnxWriter.node("LSTM", name: "lstm", inputs: [inputName, "lstm.W", "lstm.R", "lstm.B"], outputs: ["lstm.Y"],
                            attributes: [.int("hidden_size", h)]),
            OnnxWriter.node("Squeeze", name: "lstm.squeeze", inputs: ["lstm.Y", "squeeze.axes"], outputs: ["lstm.h"]),
            OnnxWriter.node("MatMul", name: "dense.matmul", inputs: ["lstm.h", "dense.W"], outputs: ["dense.product"]),
            OnnxWriter.node("Add", name: "dense.add", inputs: ["dense.product", "dense.b"], outputs: ["dense.linear"]),
            OnnxWriter.node("Relu", name: "dense.relu", inputs: ["dense.linear"], outputs: ["dense.out"]),
            OnnxWriter.node("MatMul", name: "output.matmul", inputs: ["dense.out", "output.W"], outputs: ["output.product"]),
            OnnxWriter.node("Add", name: "output.add", inputs: ["output.product", "output.b"], outputs: ["logits"]),
            OnnxWriter.node("Softmax", name: "softmax", inputs: ["logits"], outputs: [outputName], attributes: [.int("axis", -1)]),
        ]
        let graph = OnnxWriter.graph(
            name: "maas-speech", nodes: nodes, initializers: initializers,
            inputs: [OnnxWriter.valueInfo(inputName, elementType: OnnxWriter.float,
                                          shape: [.param("T"), .param("B"), .value(shape.features)])],
            outputs: [OnnxWriter.valueInfo(outputName, elementType: OnnxWriter.float,
                                           shape: [.param("T"), .param("B"), .value(shape.classes)])])
        return OnnxWriter.model(graph: graph, opset: opset, irVersion: irVersion, producer: "maas train", metadata: metadata)
    }

    /// ONNX LSTM W [1, 4H, F], R [1, 4H, H], B [1, 8H] (Wb then Rb), gates i, o, f, c in both layouts, from the
    /// training layout (W [F, 4H], R [H, 4H]: transposes), with x ↦ (x − mean)·scale folded into W and Wb.
    static func onnxLSTMWeights(_ p: [Float], layout: ParameterLayout, standardization s: FeatureStandardization)
        -> (w: [Float], r: [Float], b: [Float]) {
        let f = layout.shape.features, h = layout.shape.hidden, g = 4 * h
        let w0 = layout.lstmInput.lowerBound, r0 = layout.lstmRecurrent.lowerBound, b0 = layout.lstmBias.lowerBound
        var w = [Float](repeating: 0, count: g * f), r = [Float](repeating: 0, count: g * h)
        var b = [Float](repeating: 0, count: 2 * g)
        for gate in 0..<g {
            var shift = Double(p[b0 + gate])
            for k in 0..<f {
                let weight = Double(p[w0 + k * g + gate]) * Double(s.scale[k])
                w[gate * f + k] = Float(weight)
                shift -= weight * Double(s.mean[k])
            }
            b[gate] = Float(shift)
            for j in 0..<h { r[gate * h + j] = p[r0 + j * g + gate] }
        }
        return (w, r, b)
    }
}
