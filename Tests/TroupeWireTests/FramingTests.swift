import Testing
import TroupeWire

@Suite("Framing")
struct FramingTests {
    /// Decodes `stream` fed in the chunks that `splits` (ascending offsets) cut it into.
    private func decode(_ stream: [UInt8], splittingAt splits: [Int], maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize) throws -> [WireEnvelope] {
        var decoder = FrameDecoder(maximumFrameSize: maximumFrameSize)
        var envelopes: [WireEnvelope] = []
        var start = 0
        for end in splits + [stream.count] {
            envelopes += try decoder.decode(stream[start..<end])
            start = end
        }
        #expect(decoder.bufferedByteCount == 0)
        return envelopes
    }

    @Test("a multi-frame stream decodes the same when split at every position")
    func everySingleSplit() throws {
        let envelopes = sampleEnvelopes()
        let stream = try frameStream(envelopes)
        for split in 0...stream.count {
            #expect(try decode(stream, splittingAt: [split]) == envelopes, "split at \(split)")
        }
    }

    @Test("a multi-frame stream decodes the same when split at every pair of positions")
    func everyPairOfSplits() throws {
        // Small envelopes keep this O(n²) sweep quick.
        let envelopes = [
            WireEnvelope(kind: .tell, recipient: "a", messageType: MessageTypeID(rawValue: 1), payload: [1]),
            WireEnvelope(kind: .ask, recipient: "b", sender: "c", messageType: MessageTypeID(rawValue: 2), correlationID: 9),
            WireEnvelope(kind: .reply, recipient: "", messageType: MessageTypeID(rawValue: 3), traceContext: ["k": "v"]),
        ]
        let stream = try frameStream(envelopes)
        for first in 0...stream.count {
            for second in first...stream.count {
                #expect(try decode(stream, splittingAt: [first, second]) == envelopes, "splits at \(first), \(second)")
            }
        }
    }

    @Test("a multi-frame stream decodes the same when fed byte by byte")
    func byteByByte() throws {
        let envelopes = sampleEnvelopes()
        let stream = try frameStream(envelopes)
        var decoder = FrameDecoder()
        var decoded: [WireEnvelope] = []
        for byte in stream {
            decoder.append([byte])
            while let envelope = try decoder.next() { decoded.append(envelope) }
        }
        #expect(decoded == envelopes)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test("a long stream decodes the same in random chunkings")
    func randomChunkings() throws {
        var random = SplitMix64(seed: 7)
        let envelopes = (0..<200).map { index in
            WireEnvelope(
                kind: .tell,
                recipient: "actor/\(index)",
                messageType: MessageTypeID(rawValue: UInt64(index)),
                correlationID: UInt64(index),
                payload: random.bytes(count: random.next(below: 200))
            )
        }
        let stream = try frameStream(envelopes)
        for _ in 0..<50 {
            var splits: [Int] = []
            var position = 0
            while true {
                position += 1 + random.next(below: 600)
                guard position < stream.count else { break }
                splits.append(position)
            }
            #expect(try decode(stream, splittingAt: splits) == envelopes)
        }
    }

    @Test("a frame exactly at the maximum size passes; one byte more is frameTooLarge on both sides")
    func maximumFrameSize() throws {
        let base = WireEnvelope(kind: .tell, recipient: "r", messageType: MessageTypeID(rawValue: 1))
        let overhead = base.serializedBytes().count
        let maximum = 1000
        var envelope = base
        // The payload length varint takes 2 bytes from 128 on.
        envelope.payload = Array(repeating: 7, count: maximum - overhead - 1)
        #expect(envelope.serializedBytes().count == maximum)
        let encoder = FrameEncoder(maximumFrameSize: maximum)
        let frame = try encoder.encode(envelope)
        #expect(try decode(frame, splittingAt: [], maximumFrameSize: maximum) == [envelope])

        envelope.payload.append(7)
        var buffer: [UInt8] = [9, 9]
        expectWireError(.frameTooLarge) { try encoder.encode(envelope, into: &buffer) }
        #expect(buffer == [9, 9], "a refused frame leaves the buffer as it was")

        let tooLarge = try FrameEncoder(maximumFrameSize: maximum + 1).encode(envelope)
        var decoder = FrameDecoder(maximumFrameSize: maximum)
        expectWireError(.frameTooLarge) { _ = try decoder.decode(tooLarge) }
    }

    @Test("an announced length over the maximum fails as soon as the prefix arrives")
    func lengthOverMaximum() throws {
        var decoder = FrameDecoder(maximumFrameSize: 100)
        decoder.append([0x00, 0x00])
        #expect(try decoder.next() == nil)
        decoder.append([0x00, 0x65])  // 101
        let error = expectWireError(.frameTooLarge) { _ = try decoder.next() }
        #expect(error?.offset == 0)
        #expect(decoder.hasFailed)
        #expect(decoder.bufferedByteCount == 0, "nothing of the bogus frame is kept")
    }

    @Test("a length of 2^32-1 is frameTooLarge and nothing is allocated for it")
    func maximumLength() {
        var decoder = FrameDecoder()
        expectWireError(.frameTooLarge) { _ = try decoder.decode([0xFF, 0xFF, 0xFF, 0xFF, 0x01]) }
    }

    @Test("a frame with another protocol version is unsupportedVersion")
    func wrongVersionInFrame() throws {
        var stream = try frameStream([sampleEnvelopes()[0]])
        stream[4] = 2
        var decoder = FrameDecoder()
        expectWireError(.unsupportedVersion) { _ = try decoder.decode(stream) }
    }

    @Test("an empty frame is truncated")
    func emptyFrame() {
        var decoder = FrameDecoder()
        expectWireError(.truncated) { _ = try decoder.decode([0, 0, 0, 0]) }
    }

    @Test("a frame with garbage inside is malformed or truncated, and its offset counts from the stream start")
    func garbageFrame() throws {
        let good = try frameStream([sampleEnvelopes()[0]])
        var decoder = FrameDecoder()
        // A frame whose body has a valid header but a recipient length past the frame's end.
        let bad: [UInt8] = [0, 0, 0, 13, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x05]
        decoder.append(good + bad)
        #expect(try decoder.next() == sampleEnvelopes()[0], "the good frame before the bad one is delivered")
        let error = expectWireError(.truncated) { _ = try decoder.next() }
        #expect(error.flatMap(\.offset).map { $0 >= good.count } == true)

        var malformed = FrameDecoder()
        expectWireError(.malformed) { _ = try malformed.decode([0, 0, 0, 3, 0x01, 0x09, 0x00]) }
    }

    @Test("errors are final: later calls throw the same error and input is ignored")
    func errorsAreSticky() throws {
        var decoder = FrameDecoder(maximumFrameSize: 10)
        expectWireError(.frameTooLarge) { _ = try decoder.decode([0, 0, 1, 0]) }
        decoder.append(try frameStream([sampleEnvelopes()[2]]))
        #expect(decoder.bufferedByteCount == 0)
        expectWireError(.frameTooLarge) { _ = try decoder.next() }
    }

    @Test("random garbage streams in random chunks throw WireError or decode, never crash")
    func garbageNeverCrashes() {
        var random = SplitMix64(seed: 0x5EED)
        var outcomes = (decoded: 0, failed: 0)
        for iteration in 0..<3000 {
            var stream: [UInt8]
            switch iteration % 3 {
            case 0:
                stream = random.bytes(count: random.next(below: 64))
            case 1:
                // A plausible prefix (small length, version 1) followed by random bytes.
                let body = [0x01, UInt8(random.next(below: 7)), UInt8(random.next(below: 4))] + random.bytes(count: random.next(below: 40))
                stream = [0, 0, 0, UInt8(body.count)] + body
            default:
                // A valid stream with a few bytes flipped.
                stream = (try? frameStream(sampleEnvelopes())) ?? []
                for _ in 0..<(1 + random.next(below: 4)) {
                    stream[random.next(below: stream.count)] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            var decoder = FrameDecoder(maximumFrameSize: 1 << 16)
            var start = 0
            do {
                while start < stream.count {
                    let end = min(stream.count, start + 1 + random.next(below: 50))
                    _ = try decoder.decode(stream[start..<end])
                    start = end
                }
                outcomes.decoded += 1
            } catch {
                outcomes.failed += 1
            }
        }
        #expect(outcomes.decoded + outcomes.failed == 3000)
        #expect(outcomes.failed > 1000, "most garbage is rejected")
    }
}
