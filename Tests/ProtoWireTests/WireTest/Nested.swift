import ProtoWire

/// `wiretest.Nested`, hand-coded the way MaaSProtocol codes its messages.
struct Nested: ProtoMessage, Equatable {
    var value: Int32 = 0
    var note: String = ""
    var marks: [Int32] = []
    /// A struct cannot contain itself; an array of at most one element breaks the cycle.
    private var childStorage: [Nested] = []

    var child: Nested? {
        get { childStorage.first }
        set { childStorage = newValue.map { [$0] } ?? [] }
    }

    init() {}

    init(value: Int32 = 0, note: String = "", child: Nested? = nil, marks: [Int32] = []) {
        self.value = value
        self.note = note
        self.marks = marks
        self.child = child
    }

    /// `depth` levels of `child` below a top message whose innermost `value` is `leaf`.
    static func chain(depth: Int, leaf: Int32) -> Nested {
        var message = Nested(value: leaf)
        for _ in 0..<depth { message = Nested(child: message) }
        return message
    }

    static let protoMessageName = "Nested"
    static let protoFieldNames = [1: "value", 2: "note", 3: "child", 4: "marks"]

    mutating func decodeField(_ field: FieldTag, from reader: inout ProtoReader) throws(ProtoDecodingError) -> Bool {
        switch field.number {
        case 1: value = try reader.readInt32(field)
        case 2: note = try reader.readString(field)
        case 3: child = try Nested.decodeEmbedded(field, from: &reader, merging: child)
        case 4: try reader.readRepeatedSInt32(field, into: &marks)
        default: return false
        }
        return true
    }

    func encode(to writer: inout ProtoWriter) {
        writer.write(1, int32: value)
        writer.write(2, string: note)
        if let child { writer.writeMessage(3, child) }
        writer.writePacked(4, sint32: marks)
    }
}
