/// The decoding paths a fuzzer drives with arbitrary bytes: frames fed in chunks, an envelope
/// read directly (and handed to both ends of a handshake), and the binary codec decoding a nested
/// `Codable` type. Every path must throw on
/// bad input, never trap or allocate from a length it read. The libFuzzer target
/// `troupe-fuzz-wire` calls this for each input; the tests replay saved crash inputs through it.
@_spi(Fuzzing)
public enum WireFuzzing {
    /// Decodes `bytes` every way the wire can; returns how many values decoded (ignored by fuzzers).
    @discardableResult
    public static func decodeEverything(_ bytes: [UInt8]) -> Int {
        var decoded = 0
        // Frames, split where the first byte says, so that chunk boundaries are fuzzed too.
        var frames = FrameDecoder(maximumFrameSize: 1 << 16)
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        frames.append(bytes[..<split])
        while let _ = try? frames.next() { decoded += 1 }
        frames.append(bytes[split...])
        while let _ = try? frames.next() { decoded += 1 }
        if let envelope = try? WireEnvelope(serializedBytes: bytes) {
            decoded += 1
            // A decoded frame is also a handshake frame candidate, on either end of a connection.
            let local = NodeIdentity(address: NodeAddress(systemName: "fuzz", host: "127.0.0.1", port: 1), incarnation: 1)
            var responder = Handshake(local: local, role: .responder)
            _ = responder.start()
            if responder.receive(envelope, peerCertificateName: nil).contains(where: { if case .established = $0 { true } else { false } }) { decoded += 1 }
            var initiator = Handshake(local: local, role: .initiator(expected: local.address))
            _ = initiator.start()
            _ = initiator.receive(envelope, peerCertificateName: "fuzz")
        }
        if (try? BinaryDecoder().decode(FuzzedValue.self, from: bytes)) != nil { decoded += 1 }
        if (try? BinaryDecoder().decode([String: [Int?]].self, from: bytes)) != nil { decoded += 1 }
        return decoded
    }
}

/// A value with every shape the codec supports, for the fuzzer to decode into.
struct FuzzedValue: Codable {
    enum Shape: Codable {
        case empty
        case point(x: Double, y: Float)
        case named(String, tags: [String])
        indirect case nested(FuzzedValue)
    }

    var flag: Bool
    var small: Int8
    var large: UInt64
    var signed: Int
    var text: String
    var optional: String?
    var list: [Int32]
    var map: [Int: String]
    var shape: Shape
}
