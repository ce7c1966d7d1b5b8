import ProtoWire

/// The plan header as a protobuf message (our own schema, written with ProtoWire):
///
/// ```
/// PlanHeader {
///   repeated Dim dims = 1;          Dim { uint32 code = 1; repeated int64 values = 2; }
///   repeated string sites = 2;
///   repeated Tensor tensors = 3;    Tensor { string name = 1; uint32 type = 2; repeated int64 shape = 3;
///                                            uint32 storage = 4 (1 input, 2 constant, 3 computed, 4 alias);
///                                            int64 index = 5; }
///   repeated Op ops = 4;            Op { uint32 code = 1; repeated int64 inputs = 2 (-1 = omitted);
///                                        repeated int64 outputs = 3; repeated int64 ints = 4;
///                                        repeated float floats = 5; string origin = 6; }
///   repeated Binding inputs = 5;    Binding { string name = 1; uint32 type = 2; repeated int64 shape = 3;
///   repeated Binding outputs = 6;             int64 tensor = 4; }
///   repeated Constant constants = 7; Constant { int64 offset = 1; int64 byte_count = 2; }
///   map<string, string> metadata = 8;
///   map<string, int64> source_operators = 9;
///   int64 parameter_count = 10; string producer = 11; int64 opset = 12;
/// }
/// ```
/// Decoding checks only the encoding; `PlanValidator` checks that the plan makes sense.
package enum PlanHeaderCodec {
    /// More entries than this in any list is not a plan we wrote; refusing bounds the work a hostile header causes.
    package static let maxEntries = 1 << 20

    package static func encode(_ plan: Plan) -> [UInt8] {
        var w = ProtoWriter()
        for instruction in plan.dims.instructions {
            let (code, values) = instruction.record
            var m = ProtoWriter()
            m.write(1, uint32: UInt32(code))
            m.writePacked(2, int64: values.map(Int64.init))
            w.writeLengthDelimited(1, m.bytes)
        }
        w.write(2, strings: plan.dims.sites)
        for tensor in plan.tensors {
            var m = ProtoWriter()
            m.write(1, string: tensor.name)
            m.write(2, uint32: UInt32(tensor.type.rawValue))
            m.writePacked(3, int64: tensor.shape.map { Int64($0.index) })
            let (storage, index): (UInt32, Int) = switch tensor.storage {
            case .input(let i): (1, i)
            case .constant(let i): (2, i)
            case .computed: (3, 0)
            case .alias(let i): (4, i)
            }
            m.write(4, uint32: storage)
            m.write(5, int64: Int64(index))
            w.writeLengthDelimited(3, m.bytes)
        }
        for op in plan.ops {
            let record = op.kind.record
            var m = ProtoWriter()
            m.write(1, uint32: UInt32(record.code))
            m.writePacked(2, int64: op.inputs.map { Int64($0 ?? -1) })
            m.writePacked(3, int64: op.outputs.map { Int64($0 ?? -1) })
            m.writePacked(4, int64: record.ints)
            m.writePacked(5, float: record.floats)
            m.write(6, string: op.origin)
            w.writeLengthDelimited(4, m.bytes)
        }
        for (field, bindings) in [(5, plan.inputs), (6, plan.outputs)] {
            for binding in bindings {
                var m = ProtoWriter()
                m.write(1, string: binding.signature.name)
                m.write(2, uint32: UInt32(DataType(binding.signature.elementType).rawValue))
                m.writePacked(3, int64: binding.signature.shape.map(Int64.init))
                m.write(4, int64: Int64(binding.tensor))
                w.writeLengthDelimited(field, m.bytes)
            }
        }
        for constant in plan.constants {
            var m = ProtoWriter()
            m.write(1, int64: Int64(constant.offset))
            m.write(2, int64: Int64(constant.byteCount))
            w.writeLengthDelimited(7, m.bytes)
        }
        w.write(8, stringMap: plan.metadata)
        for key in plan.summary.sourceOperatorCounts.keys.sorted() {
            var m = ProtoWriter()
            m.write(1, string: key)
            m.write(2, int64: Int64(plan.summary.sourceOperatorCounts[key]!))
            w.writeLengthDelimited(9, m.bytes)
        }
        w.write(10, int64: Int64(plan.summary.parameterCount))
        w.write(11, string: plan.summary.producer)
        w.write(12, int64: Int64(plan.summary.opsetVersion))
        return w.bytes
    }

    package static func decode(_ bytes: [UInt8]) throws(EngineError) -> Plan {
        do {
            return try decodeFields(bytes)
        } catch let error as ProtoDecodingError {
            throw EngineError.invalidModel("plan header is malformed: \(error)")
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.invalidModel("plan header is malformed: \(error)")
        }
    }

    private static func decodeFields(_ bytes: [UInt8]) throws -> Plan {
        var reader = ProtoReader(bytes, limits: ProtoLimits(maxDepth: 8, maxLength: bytes.count))
        var dims = DimProgram()
        var tensors: [PlanTensor] = []
        var ops: [PlanOp] = []
        var inputs: [PlanBinding] = []
        var outputs: [PlanBinding] = []
        var constants: [PlanConstant] = []
        var metadata: [String: String] = [:]
        var summary = PlanSummary()
        var entries = 0
        while let field = try reader.nextField() {
            entries += 1
            guard entries <= maxEntries else { throw EngineError.invalidModel("plan header has too many entries") }
            switch field.number {
            case 1:
                var m = try reader.readMessage(field)
                var code = 0
                var values: [Int64] = []
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: code = Int(try m.readUInt32(f))
                    case 2: try m.readRepeatedInt64(f, into: &values)
                    default: try m.skip(f)
                    }
                }
                dims.instructions.append(try DimInstruction(code: code, values: values.map { Int(truncatingIfNeeded: $0) }))
            case 2:
                dims.sites.append(try reader.readString(field))
            case 3:
                var m = try reader.readMessage(field)
                var name = "", type = 0, storage = 0, index = 0
                var shape: [Int64] = []
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: name = try m.readString(f)
                    case 2: type = Int(try m.readUInt32(f))
                    case 3: try m.readRepeatedInt64(f, into: &shape)
                    case 4: storage = Int(try m.readUInt32(f))
                    case 5: index = Int(truncatingIfNeeded: try m.readInt64(f))
                    default: try m.skip(f)
                    }
                }
                guard let dataType = DataType(rawValue: type) else {
                    throw EngineError.invalidModel("plan tensor '\(name)' has unknown type \(type)")
                }
                let kind: PlanTensor.Storage
                switch storage {
                case 1: kind = .input(index)
                case 2: kind = .constant(index)
                case 3: kind = .computed
                case 4: kind = .alias(index)
                default: throw EngineError.invalidModel("plan tensor '\(name)' has unknown storage \(storage)")
                }
                tensors.append(PlanTensor(
                    name: name, type: dataType, shape: shape.map { DimRef(Int(truncatingIfNeeded: $0)) }, storage: kind))
            case 4:
                var m = try reader.readMessage(field)
                var record = PlanOpKind.Record(code: 0)
                var opInputs: [Int64] = [], opOutputs: [Int64] = []
                var origin = ""
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: record.code = Int(try m.readUInt32(f))
                    case 2: try m.readRepeatedInt64(f, into: &opInputs)
                    case 3: try m.readRepeatedInt64(f, into: &opOutputs)
                    case 4: try m.readRepeatedInt64(f, into: &record.ints)
                    case 5: try m.readRepeatedFloat(f, into: &record.floats)
                    case 6: origin = try m.readString(f)
                    default: try m.skip(f)
                    }
                }
                func ids(_ values: [Int64]) -> [Int?] { values.map { $0 < 0 ? nil : Int(truncatingIfNeeded: $0) } }
                ops.append(PlanOp(try PlanOpKind(record), inputs: ids(opInputs), outputs: ids(opOutputs), origin: origin))
            case 5, 6:
                var m = try reader.readMessage(field)
                var name = "", type = 0, tensor = 0
                var shape: [Int64] = []
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: name = try m.readString(f)
                    case 2: type = Int(try m.readUInt32(f))
                    case 3: try m.readRepeatedInt64(f, into: &shape)
                    case 4: tensor = Int(truncatingIfNeeded: try m.readInt64(f))
                    default: try m.skip(f)
                    }
                }
                guard let elementType = DataType(rawValue: type)?.elementType else {
                    throw EngineError.invalidModel("plan binding '\(name)' has unsupported type \(type)")
                }
                let binding = PlanBinding(
                    signature: TensorSignature(
                        name: name, elementType: elementType, shape: shape.map { Int(truncatingIfNeeded: $0) }),
                    tensor: tensor)
                if field.number == 5 { inputs.append(binding) } else { outputs.append(binding) }
            case 7:
                var m = try reader.readMessage(field)
                var offset = 0, count = 0
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: offset = Int(truncatingIfNeeded: try m.readInt64(f))
                    case 2: count = Int(truncatingIfNeeded: try m.readInt64(f))
                    default: try m.skip(f)
                    }
                }
                constants.append(PlanConstant(offset: offset, byteCount: count))
            case 8:
                let entry = try reader.readStringMapEntry(field)
                metadata[entry.key] = entry.value
            case 9:
                var m = try reader.readMessage(field)
                var key = ""
                var value: Int64 = 0
                while let f = try m.nextField() {
                    switch f.number {
                    case 1: key = try m.readString(f)
                    case 2: value = try m.readInt64(f)
                    default: try m.skip(f)
                    }
                }
                summary.sourceOperatorCounts[key] = Int(truncatingIfNeeded: value)
            case 10: summary.parameterCount = Int(truncatingIfNeeded: try reader.readInt64(field))
            case 11: summary.producer = try reader.readString(field)
            case 12: summary.opsetVersion = Int(truncatingIfNeeded: try reader.readInt64(field))
            default: try reader.skip(field)
            }
        }
        return Plan(
            dims: dims, tensors: tensors, ops: ops, inputs: inputs, outputs: outputs, constants: constants,
            metadata: metadata, summary: summary)
    }
}
