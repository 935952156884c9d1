/// Reads length-prefixed frames (see ``FrameEncoder``) from a byte stream that arrives in chunks
/// of any size, and decodes each into a ``WireEnvelope``.
///
/// Feed chunks with ``append(_:)`` and take envelopes with ``next()`` until it returns `nil`
/// (or use ``decode(_:)`` for both at once). A frame whose announced length is over
/// ``maximumFrameSize`` is rejected as soon as its 4-byte prefix has arrived, before any of its
/// body is buffered; nothing is ever allocated from a length read off the wire.
///
/// Errors are final: after ``next()`` throws, the stream cannot be resynchronised (the frame
/// boundaries are lost), so every later call throws the same error. The caller should close the
/// connection.
public struct FrameDecoder: Sendable {
    /// The largest envelope, in serialized bytes, that this decoder accepts.
    public let maximumFrameSize: Int

    private var buffer: [UInt8] = []
    /// Offset in `buffer` of the first byte not yet consumed.
    private var readIndex = 0
    /// The error that stopped the decoder, if any.
    private var failure: WireError?
    /// How many stream bytes were consumed before `buffer[0]`, for error offsets.
    private var consumedBefore = 0

    /// Creates a decoder; `maximumFrameSize` must be in `1...UInt32.max` (a programming error
    /// otherwise).
    public init(maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize) {
        precondition(
            maximumFrameSize >= 1 && UInt64(maximumFrameSize) <= UInt64(UInt32.max),
            "maximumFrameSize must be in 1...\(UInt32.max), not \(maximumFrameSize)"
        )
        self.maximumFrameSize = maximumFrameSize
    }

    /// How many bytes have been fed but not yet consumed as complete frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Whether the decoder has failed (every later ``next()`` throws).
    public var hasFailed: Bool { failure != nil }

    /// Feeds the next chunk of the stream. Ignored once the decoder has failed.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete envelope, or `nil` if more bytes are needed.
    ///
    /// Throws ``WireError/Code/frameTooLarge`` for an announced length over
    /// ``maximumFrameSize`` (including `0xFFFF_FFFF`), and whatever
    /// ``WireEnvelope/init(serializedBytes:)`` throws for a bad frame body
    /// (``WireError/Code/unsupportedVersion``, ``WireError/Code/truncated``,
    /// ``WireError/Code/malformed``). Error offsets count from the start of the stream.
    public mutating func next() throws(WireError) -> WireEnvelope? {
        if let failure { throw failure }
        let available = buffer.count - readIndex
        guard available >= FrameEncoder.lengthPrefixSize else {
            compact()
            return nil
        }
        var length = 0
        for index in readIndex..<(readIndex + FrameEncoder.lengthPrefixSize) {
            length = (length << 8) | Int(buffer[index])
        }
        guard length <= maximumFrameSize else {
            try fail(WireError(
                .frameTooLarge,
                "frame announces \(length) bytes; the maximum frame size is \(maximumFrameSize)",
                offset: consumedBefore + readIndex
            ))
        }
        let bodyStart = readIndex + FrameEncoder.lengthPrefixSize
        guard buffer.count - bodyStart >= length else {
            compact()
            return nil
        }
        var reader = ByteReader(buffer, range: bodyStart..<(bodyStart + length))
        let envelope: WireEnvelope
        do {
            envelope = try WireEnvelope(reading: &reader)
        } catch {
            let offset = error.offset.map { consumedBefore + $0 }
            try fail(WireError(error.code, "in the frame at stream byte \(consumedBefore + readIndex): \(error.message)", offset: offset))
        }
        readIndex = bodyStart + length
        return envelope
    }

    /// Feeds `chunk` and returns every envelope that is now complete, in stream order.
    ///
    /// Throws as ``next()`` does. Envelopes completed earlier in the same chunk are not returned
    /// when a later frame is bad; use ``append(_:)`` and ``next()`` to get them first.
    public mutating func decode(_ chunk: some Sequence<UInt8>) throws(WireError) -> [WireEnvelope] {
        append(chunk)
        var envelopes: [WireEnvelope] = []
        while let envelope = try next() {
            envelopes.append(envelope)
        }
        return envelopes
    }

    private mutating func fail(_ error: WireError) throws(WireError) -> Never {
        failure = error
        buffer = []
        readIndex = 0
        throw error
    }

    /// Drops consumed bytes once they are at least half of the buffer, so that the buffer holds at
    /// most about one frame plus one chunk and compaction costs amortised O(1) per byte.
    private mutating func compact() {
        if readIndex == buffer.count {
            consumedBefore += readIndex
            buffer.removeAll(keepingCapacity: buffer.capacity <= 2 * maximumFrameSize)
            readIndex = 0
        } else if readIndex > 0 && readIndex >= buffer.count / 2 {
            consumedBefore += readIndex
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
    }
}
