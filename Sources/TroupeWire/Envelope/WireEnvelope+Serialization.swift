/// The byte layout of a serialized envelope (version 1). All lengths are checked against the
/// remaining input before anything is read or allocated.
///
/// ```
/// version         u8      = WireEnvelope.currentVersion (1)
/// kind            u8      1 tell, 2 ask, 3 reply, 4 failure, 5 system
/// flags           u8      bit 0: sender present, bit 1: trace context present; others must be 0
/// message type    u64     big-endian
/// correlation id  varint  unsigned LEB128
/// recipient       varint byte count + UTF-8
/// sender          varint byte count + UTF-8                  (only if flags bit 0)
/// trace context   varint entry count, then per entry:        (only if flags bit 1)
///                   key: varint byte count + UTF-8, value: varint byte count + UTF-8
/// payload         varint byte count + bytes
/// ```
/// The envelope must end exactly where its input ends (trailing bytes are ``WireError/Code/malformed``).
extension WireEnvelope {
    private static let senderFlag: UInt8 = 0x01
    private static let traceContextFlag: UInt8 = 0x02

    /// Appends this envelope's bytes (the layout above, without any frame length) to `buffer`.
    public func serialize(into buffer: inout [UInt8]) {
        buffer.append(WireEnvelope.currentVersion)
        buffer.append(kind.wireValue)
        var flags: UInt8 = 0
        if sender != nil { flags |= WireEnvelope.senderFlag }
        if !traceContext.isEmpty { flags |= WireEnvelope.traceContextFlag }
        buffer.append(flags)
        buffer.appendBigEndian(messageType.rawValue)
        buffer.appendVarint(correlationID)
        buffer.appendLengthPrefixed(recipient)
        if let sender { buffer.appendLengthPrefixed(sender) }
        if !traceContext.isEmpty {
            buffer.appendVarint(UInt64(traceContext.entries.count))
            for entry in traceContext.entries {
                buffer.appendLengthPrefixed(entry.key)
                buffer.appendLengthPrefixed(entry.value)
            }
        }
        buffer.appendLengthPrefixed(payload)
    }

    /// This envelope's bytes (the layout above, without any frame length).
    public func serializedBytes() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(32 + recipient.utf8.count + (sender?.utf8.count ?? 0) + payload.count)
        serialize(into: &buffer)
        return buffer
    }

    /// Decodes an envelope that fills all of `bytes`.
    ///
    /// Throws ``WireError/Code/unsupportedVersion`` if the first byte is not
    /// ``currentVersion``, ``WireError/Code/truncated`` if the input ends inside a field, and
    /// ``WireError/Code/malformed`` for an unknown kind or flag, invalid UTF-8, an overflowing
    /// varint or trailing bytes.
    public init(serializedBytes bytes: [UInt8]) throws(WireError) {
        var reader = ByteReader(bytes)
        try self.init(reading: &reader)
    }

    /// Decodes an envelope that fills the rest of `reader`'s region.
    init(reading reader: inout ByteReader) throws(WireError) {
        let versionOffset = reader.position
        let version = try reader.readByte("envelope version")
        guard version == WireEnvelope.currentVersion else {
            throw WireError(
                .unsupportedVersion,
                "envelope version \(version); this build reads only version \(WireEnvelope.currentVersion)",
                offset: versionOffset
            )
        }
        let kindOffset = reader.position
        let kindByte = try reader.readByte("envelope kind")
        guard let kind = Kind(wireValue: kindByte) else {
            throw WireError(.malformed, "unknown envelope kind \(kindByte)", offset: kindOffset)
        }
        let flagsOffset = reader.position
        let flags = try reader.readByte("envelope flags")
        guard flags & ~(WireEnvelope.senderFlag | WireEnvelope.traceContextFlag) == 0 else {
            throw WireError(.malformed, "unknown envelope flags \(flags)", offset: flagsOffset)
        }
        let messageType = MessageTypeID(rawValue: try reader.readBigEndian(UInt64.self, "message type id"))
        let correlationID = try reader.readVarint("correlation id")
        let recipient = try reader.readString("recipient")
        let sender = flags & WireEnvelope.senderFlag != 0 ? try reader.readString("sender") : nil
        var traceContext = TraceContext()
        if flags & WireEnvelope.traceContextFlag != 0 {
            let countOffset = reader.position
            let count = try reader.readVarint("trace context entry count")
            // Each entry takes at least two bytes (two empty strings): cap before reserving.
            guard count <= UInt64(reader.remaining / 2) else {
                throw WireError(.truncated, "\(count) trace context entries cannot fit in \(reader.remaining) byte(s)", offset: countOffset)
            }
            traceContext.entries.reserveCapacity(Int(count))
            for _ in 0..<count {
                let key = try reader.readString("trace context key")
                let value = try reader.readString("trace context value")
                traceContext.entries.append(TraceContext.Entry(key: key, value: value))
            }
        }
        let payload = try reader.readLengthPrefixedBytes("payload")
        guard reader.isAtEnd else {
            throw WireError(.malformed, "\(reader.remaining) trailing byte(s) after the payload", offset: reader.position)
        }
        self.init(
            kind: kind,
            recipient: recipient,
            sender: sender,
            messageType: messageType,
            correlationID: correlationID,
            traceContext: traceContext,
            payload: payload
        )
    }
}
