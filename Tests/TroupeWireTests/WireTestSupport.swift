import Testing
import TroupeWire

/// A tiny seeded SplitMix64, written here (not borrowed from the code under test) so that the
/// random inputs of the robustness tests are the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (bound > 0).
    mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// Runs `body` and checks that it throws a `WireError` with `code`; returns the error.
@discardableResult
func expectWireError(
    _ code: WireError.Code,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> WireError? {
    do {
        try body()
        Issue.record("expected WireError(\(code)), but nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as WireError {
        #expect(error.code == code, "expected \(code), got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected WireError(\(code)), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A few envelopes that cover every optional field, empty and non-empty.
func sampleEnvelopes() -> [WireEnvelope] {
    [
        WireEnvelope(kind: .tell, recipient: "counter/main", messageType: MessageTypeID(name: "test.Increment"), payload: [1, 2, 3]),
        WireEnvelope(
            kind: .ask,
            recipient: "orders",
            sender: "client/7",
            messageType: MessageTypeID(name: "test.PlaceOrder"),
            correlationID: 42,
            traceContext: TraceContext(traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            payload: Array(repeating: 0xAB, count: 300)
        ),
        WireEnvelope(kind: .reply, recipient: "client/7", messageType: MessageTypeID(rawValue: .max), correlationID: .max),
        WireEnvelope(
            kind: .failure,
            recipient: "ünïcødé/🎭",
            sender: "",
            messageType: MessageTypeID(rawValue: 0),
            correlationID: 1,
            traceContext: ["traceparent": "00-aa-bb-01", "tracestate": "vendor=1", "traceparent": "dup"],
            payload: []
        ),
        WireEnvelope(kind: .system, recipient: "", messageType: MessageTypeID(name: "system.Heartbeat"), payload: Array(0...255)),
    ]
}

/// The frames of `envelopes`, one after another.
func frameStream(_ envelopes: [WireEnvelope], encoder: FrameEncoder = FrameEncoder()) throws -> [UInt8] {
    var stream: [UInt8] = []
    for envelope in envelopes {
        try encoder.encode(envelope, into: &stream)
    }
    return stream
}
