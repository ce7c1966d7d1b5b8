import ProtoWire

/// `onnx.TensorProto`: an initializer or constant value, as decoded (no conversion yet).
///
/// `raw_data` stays a view of the model's bytes (usually a file mapping) so that large weights are not copied
/// while decoding; float weights are not copied at all until the plan file is written.
package struct OnnxTensor: ProtoMessage, Equatable {
    package var name = ""
    package var dims: [Int64] = []
    package var dataType: Int32 = 0
    package var rawBytes: ProtoReader.BytesView? = nil
    package var floatData: [Float] = []
    package var int32Data: [Int32] = []
    package var int64Data: [Int64] = []
    package var doubleData: [Double] = []
    package var uint64Data: [UInt64] = []
    package var stringCount = 0
    /// `data_location` (DEFAULT 0, EXTERNAL 1).
    package var dataLocation: Int32 = 0
    /// Number of `external_data` entries (location, offset, length…): any entry means the bytes live elsewhere.
    package var externalDataEntries = 0
    package var hasSegment = false

    package init() {}

    package static let protoMessageName = "TensorProto"
    package static let protoFieldNames: [Int: String] = [
        1: "dims", 2: "data_type", 3: "segment", 4: "float_data", 5: "int32_data", 6: "string_data",
        7: "int64_data", 8: "name", 9: "raw_data", 10: "double_data", 11: "uint64_data", 13: "external_data",
        14: "data_location",
    ]

    package mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: try reader.readRepeatedInt64(field, into: &dims)
        case 2: dataType = try reader.readInt32(field)
        case 3: try reader.skip(field); hasSegment = true
        case 4: try reader.readRepeatedFloat(field, into: &floatData)
        case 5: try reader.readRepeatedInt32(field, into: &int32Data)
        case 6: _ = try reader.readBytesSlice(field); stringCount += 1
        case 7: try reader.readRepeatedInt64(field, into: &int64Data)
        case 8: name = try reader.readString(field)
        case 9: rawBytes = try reader.readBytesView(field)
        case 10: try reader.readRepeatedDouble(field, into: &doubleData)
        case 11: try reader.readRepeatedUInt64(field, into: &uint64Data)
        case 13: _ = try reader.readStringMapEntry(field); externalDataEntries += 1
        case 14: dataLocation = try reader.readEnum(field)
        default: return false
        }
        return true
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.writePacked(1, int64: dims)
        writer.write(2, int32: dataType)
        writer.writePacked(4, float: floatData)
        writer.writePacked(5, int32: int32Data)
        writer.writePacked(7, int64: int64Data)
        writer.write(8, string: name)
        if let rawBytes { writer.writeLengthDelimited(9, rawBytes) }
        writer.writePacked(10, double: doubleData)
        writer.writePacked(11, uint64: uint64Data)
        writer.write(14, enum: dataLocation)
    }
}

extension OnnxTensor {
    /// `raw_data` as an array slice: a copy, for building tensors in tests. The decoder fills `rawBytes`.
    package var rawData: ArraySlice<UInt8>? {
        get { rawBytes.map { ArraySlice($0) } }
        set { rawBytes = newValue.map { ProtoReader.BytesView(Array($0)) } }
    }
}
