import ProtoWire

/// Bytes fields (payloads, tensor data, audio) are views: decoded messages point into the frame they came
/// in, and values built in memory wrap an array without copying it. The alias lets users of MaaSProtocol
/// name the type without importing ProtoWire.
public typealias BytesView = ProtoReader.BytesView
