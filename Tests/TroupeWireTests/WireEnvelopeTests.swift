import Testing
import TroupeWire

@Suite("WireEnvelope serialization")
struct WireEnvelopeTests {
    @Test("every sample envelope round-trips")
    func roundTrips() throws {
        for envelope in sampleEnvelopes() {
            let decoded = try WireEnvelope(serializedBytes: envelope.serializedBytes())
            #expect(decoded == envelope)
            #expect(decoded.traceContext.entries == envelope.traceContext.entries)
            #expect(decoded.sender == envelope.sender)
        }
    }

    @Test("golden: the byte layout of one small envelope")
    func golden() throws {
        let envelope = WireEnvelope(
            kind: .tell,
            recipient: "echo",
            sender: "a",
            messageType: MessageTypeID(name: "foobar"),
            correlationID: 300,
            traceContext: ["k": "v"],
            payload: [1, 2, 3]
        )
        let expected: [UInt8] = [
            0x00, 0x00, 0x00, 0x1D,  // frame length: 29
            0x01,  // version
            0x01,  // kind: tell
            0x03,  // flags: sender, trace context
            0x85, 0x94, 0x41, 0x71, 0xF7, 0x39, 0x67, 0xE8,  // FNV-1a 64 of "foobar", big-endian
            0xAC, 0x02,  // correlation id 300 as a varint
            0x04, 0x65, 0x63, 0x68, 0x6F,  // "echo"
            0x01, 0x61,  // "a"
            0x01, 0x01, 0x6B, 0x01, 0x76,  // one trace entry: "k" = "v"
            0x03, 0x01, 0x02, 0x03,  // payload
        ]
        #expect(try FrameEncoder().encode(envelope) == expected)
        var decoder = FrameDecoder()
        #expect(try decoder.decode(expected) == [envelope])
    }

    @Test("golden: no sender and no trace context leave their fields out")
    func goldenMinimal() {
        let envelope = WireEnvelope(kind: .system, recipient: "", messageType: MessageTypeID(rawValue: 1))
        #expect(envelope.serializedBytes() == [0x01, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0x00])
    }

    @Test("a different version is unsupportedVersion")
    func wrongVersion() {
        var bytes = sampleEnvelopes()[0].serializedBytes()
        for version: UInt8 in [0, 2, 0xFF] {
            bytes[0] = version
            let error = expectWireError(.unsupportedVersion) { _ = try WireEnvelope(serializedBytes: bytes) }
            #expect(error?.offset == 0)
        }
    }

    @Test("every strict prefix of an envelope is truncated")
    func everyPrefixIsTruncated() {
        for envelope in sampleEnvelopes() {
            let bytes = envelope.serializedBytes()
            for length in 0..<bytes.count {
                expectWireError(.truncated) { _ = try WireEnvelope(serializedBytes: Array(bytes[..<length])) }
            }
        }
    }

    @Test("trailing bytes are malformed")
    func trailingBytes() {
        let error = expectWireError(.malformed) { _ = try WireEnvelope(serializedBytes: sampleEnvelopes()[0].serializedBytes() + [0]) }
        #expect(error?.message.contains("trailing") == true)
    }

    @Test("an unknown kind or flag is malformed")
    func unknownKindAndFlags() {
        let bytes = sampleEnvelopes()[0].serializedBytes()
        for kind: UInt8 in [0, 6, 0xFF] {
            var bad = bytes
            bad[1] = kind
            expectWireError(.malformed) { _ = try WireEnvelope(serializedBytes: bad) }
        }
        var badFlags = bytes
        badFlags[2] = 0x04
        expectWireError(.malformed) { _ = try WireEnvelope(serializedBytes: badFlags) }
    }

    @Test("invalid UTF-8 in the recipient is malformed")
    func invalidUTF8() {
        let envelope = WireEnvelope(kind: .tell, recipient: "ab", messageType: MessageTypeID(rawValue: 1))
        var bytes = envelope.serializedBytes()
        // version, kind, flags, 8-byte type id, correlation id (1 byte), length (1 byte), "ab"
        #expect(bytes[12] == 2)
        bytes[13] = 0xFF
        expectWireError(.malformed) { _ = try WireEnvelope(serializedBytes: bytes) }
    }

    @Test("a varint longer than 64 bits is malformed")
    func varintOverflow() {
        var bytes: [UInt8] = [0x01, 0x01, 0x00] + Array(repeating: 0, count: 8)
        bytes += Array(repeating: 0xFF, count: 10) + [0x01]
        expectWireError(.malformed) { _ = try WireEnvelope(serializedBytes: bytes) }
    }

    @Test("a huge announced length is truncated, not allocated")
    func hugeLengths() {
        // recipient length 2^63 - 1
        var bytes: [UInt8] = [0x01, 0x01, 0x00] + Array(repeating: 0, count: 8) + [0x00]
        bytes += [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]
        expectWireError(.truncated) { _ = try WireEnvelope(serializedBytes: bytes) }
        // a trace context of 2^62 entries
        var trace: [UInt8] = [0x01, 0x01, 0x02] + Array(repeating: 0, count: 8) + [0x00, 0x00]
        trace += [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]
        expectWireError(.truncated) { _ = try WireEnvelope(serializedBytes: trace) }
    }

    @Test("trace context keeps its order and finds traceparent")
    func traceContext() {
        let context: TraceContext = ["b": "1", "a": "2", "traceparent": "tp"]
        #expect(context.entries.map(\.key) == ["b", "a", "traceparent"])
        #expect(context.traceparent == "tp")
        #expect(context["missing"] == nil)
        #expect(TraceContext().isEmpty)
    }
}
