/// A value that writes itself to bytes for the wire and reads itself back, instead of going
/// through `Codable` and the ``BinaryEncoder``: protobuf messages (with `TroupeProtobuf`), or any
/// type with a format of its own that other languages read too.
///
/// An actor whose `Message` is a `WirePayload` can be registered for remote use like one whose
/// `Message` is `Codable`; a reply that is a `WirePayload` travels as its own bytes (unless it is
/// also `Codable`: then, on both ends, as `Codable`).
public protocol WirePayload: Sendable {
    /// The value's bytes on the wire.
    func wirePayload() throws -> [UInt8]
    /// Reads a value from bytes made by ``wirePayload()`` (on this node or another). Throws if they
    /// are not a valid value; must never trap, whatever the bytes.
    init(wirePayload bytes: [UInt8]) throws
}
