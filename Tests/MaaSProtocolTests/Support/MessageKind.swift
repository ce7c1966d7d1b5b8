import MaaSProtocol
import ProtoWire
import Testing

/// One maas.v1 message type, type-erased, with the checks the hostile-input tests run on it.
struct MessageKind: Sendable, CustomTestStringConvertible {
    /// `maas.v1.<Message>`.
    let name: String
    /// The field numbers the type decodes, for building keys it will not just skip.
    let fieldNumbers: [Int]
    /// Decodes `bytes` as this type and records an issue unless the outcome is sound (see `check`).
    let checkHostile: @Sendable ([UInt8], ProtoLimits) -> Void
    /// Decodes `bytes` from an array and from a view of them inside a frame and records an issue unless both
    /// give the same error or values with the same encoding.
    let checkViewMatchesArray: @Sendable ([UInt8]) -> Void

    init<M: ProtoMessage>(_ type: M.Type) {
        name = "maas.v1.\(M.protoMessageName)"
        fieldNumbers = M.protoFieldNames.keys.sorted()
        checkHostile = { bytes, limits in Self.check(M.self, bytes, limits: limits) }
        checkViewMatchesArray = { bytes in Self.compareViewAndArray(M.self, bytes) }
    }

    var testDescription: String { name }

    /// Either the bytes fail with an error located inside them and rooted at the message's name, or they
    /// decode to a value whose encoding decodes again and re-encodes to the same bytes. (Values are compared
    /// through their bytes: a mutated double may be NaN, which is never equal to itself.)
    static func check<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8], limits: ProtoLimits) {
        let message: M
        do {
            message = try M(serializedBytes: bytes, limits: limits)
        } catch {
            #expect((0...bytes.count).contains(error.offset), "offset \(error.offset) outside \(hex(bytes))")
            #expect(error.path.first == M.protoMessageName, "\(error) for \(hex(bytes))")
            return
        }
        let encoded = message.serializedBytes()
        if let sized = message as? any ProtoSizedMessage {
            #expect(sized.serializedSize == encoded.count, "serializedSize is wrong for \(hex(bytes))")
        }
        do {
            let again = try M(serializedBytes: encoded)
            #expect(again.serializedBytes() == encoded, "encoding is not stable for \(hex(bytes))")
        } catch {
            Issue.record("its own encoding of \(hex(bytes)) does not decode: \(error)")
        }
    }

    static func compareViewAndArray<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) {
        let fromArray = Result { () throws(ProtoDecodingError) in try M(serializedBytes: bytes).serializedBytes() }
        let payload = inFrame(bytes)
        let fromView = Result { () throws(ProtoDecodingError) in try M(serializedBytes: payload).serializedBytes() }
        #expect(fromView == fromArray, "view and array differ for \(hex(bytes))")
    }
}

/// `payload` as the payload of an envelope with fields before and after it, decoded from one array the way
/// a frame is: the result's payload is a view at a non-zero offset of that array.
func inFrame(_ payload: [UInt8]) -> BytesView {
    let envelope = Envelope(
        callID: 300, method: Method.predict.rawValue, metadata: ["timeout-ms": "250"], payload: payload,
        status: .ok, endStream: true)
    return try! Envelope(serializedBytes: BytesView(envelope.serializedBytes())).payload
}
