/// Writes envelopes as length-prefixed frames: a 4-byte big-endian length, then that many bytes of
/// serialized ``WireEnvelope``.
///
/// The length counts only the envelope bytes, not the 4-byte prefix, and may be at most
/// ``maximumFrameSize``. ``FrameDecoder`` reads what this writes.
public struct FrameEncoder: Sendable {
    /// The default maximum frame size: 1 MiB of envelope bytes.
    public static let defaultMaximumFrameSize = 1 << 20
    /// The size of the length prefix.
    public static let lengthPrefixSize = 4

    /// The largest envelope, in serialized bytes, that this encoder writes.
    public let maximumFrameSize: Int

    /// Creates an encoder; `maximumFrameSize` must be in `1...UInt32.max` (a programming error
    /// otherwise).
    public init(maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize) {
        precondition(
            maximumFrameSize >= 1 && UInt64(maximumFrameSize) <= UInt64(UInt32.max),
            "maximumFrameSize must be in 1...\(UInt32.max), not \(maximumFrameSize)"
        )
        self.maximumFrameSize = maximumFrameSize
    }

    /// Appends `envelope` as one frame to `buffer`.
    ///
    /// Throws ``WireError/Code/frameTooLarge`` if the serialized envelope is longer than
    /// ``maximumFrameSize``; `buffer` is then left as it was.
    public func encode(_ envelope: WireEnvelope, into buffer: inout [UInt8]) throws(WireError) {
        let start = buffer.count
        buffer.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        envelope.serialize(into: &buffer)
        let length = buffer.count - start - FrameEncoder.lengthPrefixSize
        guard length <= maximumFrameSize else {
            buffer.removeSubrange(start...)
            throw WireError(
                .frameTooLarge,
                "envelope for '\(envelope.recipient)' (\(envelope.messageType)) is \(length) bytes; the maximum frame size is \(maximumFrameSize)"
            )
        }
        buffer.setBigEndian(UInt32(length), at: start)
    }

    /// `envelope` as one frame. Throws ``WireError/Code/frameTooLarge`` as
    /// ``encode(_:into:)`` does.
    public func encode(_ envelope: WireEnvelope) throws(WireError) -> [UInt8] {
        var buffer: [UInt8] = []
        try encode(envelope, into: &buffer)
        return buffer
    }
}
