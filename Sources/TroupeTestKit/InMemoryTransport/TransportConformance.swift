import TroupeWire

/// The checks every ``MessageTransport`` must pass: the in-memory transport here, and the TCP+TLS
/// transport of `TroupeRemote`. Each check makes fresh endpoints with `makeEndpoints`, starts them
/// with a ``TransportRecorder``, exercises them, closes them, and throws a
/// ``TransportConformanceFailure`` describing the first thing that went wrong.
///
/// Checks wait on delivery events, never on time; run them under a test time limit (Swift
/// Testing's `.timeLimit`) so that a lost envelope fails instead of hanging.
///
/// ```swift
/// @Test(.timeLimit(.minutes(1)))
/// func conformance() async throws {
///     try await TransportConformance { count in
///         let network = InMemoryNetwork(clock: ManualClock(), seed: 1)
///         return (0..<count).map { network.makeTransport(address: NodeAddress(systemName: "n\($0)", host: "memory", port: 1)) }
///     }.runAll()
/// }
/// ```
public struct TransportConformance: Sendable {
    /// Makes `count` unstarted endpoints with distinct addresses that can reach each other.
    public typealias MakeEndpoints = @Sendable (_ count: Int) async throws -> [any MessageTransport]

    /// Makes the endpoints of each check.
    public let makeEndpoints: MakeEndpoints
    /// The transport's maximum frame size: the largest-payload check sends an envelope of exactly
    /// this many serialized bytes, and expects one byte more to be refused.
    public var maximumFrameSize: Int
    /// An address where nothing listens, for ``checkSendToUnknownAddress()``.
    public var unknownAddress: NodeAddress
    /// How many envelopes ``checkOrderedDelivery()`` sends.
    public var orderedEnvelopeCount = 1000
    /// How many endpoints ``checkManyPeers()`` makes.
    public var peerCount = 6

    /// Creates the suite.
    public init(
        maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize,
        unknownAddress: NodeAddress = NodeAddress(systemName: "nobody", host: "127.0.0.1", port: 1),
        makeEndpoints: @escaping MakeEndpoints
    ) {
        self.maximumFrameSize = maximumFrameSize
        self.unknownAddress = unknownAddress
        self.makeEndpoints = makeEndpoints
    }

    /// The name and function of every check, in the order ``runAll()`` runs them.
    public var checks: [(name: String, run: @Sendable () async throws -> Void)] {
        [
            ("lifecycle", checkLifecycle),
            ("ordered delivery", checkOrderedDelivery),
            ("both directions", checkBothDirections),
            ("large payloads", checkLargePayloads),
            ("many peers", checkManyPeers),
            ("close notifies peers", checkCloseNotifiesPeers),
            ("send to unknown address", checkSendToUnknownAddress),
        ]
    }

    /// Runs every check and throws one ``TransportConformanceFailure`` listing all that failed.
    public func runAll() async throws {
        var failures: [String] = []
        for check in checks {
            do {
                try await check.run()
            } catch {
                failures.append("\(check.name): \(error)")
            }
        }
        guard failures.isEmpty else {
            throw TransportConformanceFailure(check: "runAll", message: failures.joined(separator: "\n"))
        }
    }

    // MARK: Checks

    /// Sending before `start` fails, starting twice fails, sending and starting after `close`
    /// fail, and `close` is idempotent — each with a ``TransportError``.
    public func checkLifecycle() async throws {
        let check = "lifecycle"
        let endpoints = try await make(2, check)
        let (endpoint, peer) = (endpoints[0], endpoints[1])
        try await peer.start(delegate: TransportRecorder())
        try expectTransportError(check, "send before start") { try endpoint.send(envelope(1), to: peer.localAddress) }
        try await endpoint.start(delegate: TransportRecorder())
        try await expectTransportError(check, "second start") { try await endpoint.start(delegate: TransportRecorder()) }
        try endpoint.send(envelope(1), to: peer.localAddress)
        await endpoint.close()
        await endpoint.close()
        try expectTransportError(check, "send after close") { try endpoint.send(envelope(2), to: peer.localAddress) }
        try await expectTransportError(check, "start after close") { try await endpoint.start(delegate: TransportRecorder()) }
        await peer.close()
    }

    /// ``orderedEnvelopeCount`` envelopes from one endpoint to another arrive complete, unchanged
    /// and in the order sent.
    public func checkOrderedDelivery() async throws {
        let check = "ordered delivery"
        try await withStartedEndpoints(2, check) { endpoints, recorders in
            let sent = (1...orderedEnvelopeCount).map { envelope(UInt64($0)) }
            for envelope in sent { try endpoints[0].send(envelope, to: endpoints[1].localAddress) }
            let received = try await recorders[1].waitForEnvelopes(count: sent.count, from: endpoints[0].localAddress)
            try expectSame(check, received, sent)
        }
    }

    /// Two endpoints send to each other at the same time, from two tasks; each side receives the
    /// other's envelopes in order.
    public func checkBothDirections() async throws {
        let check = "both directions"
        try await withStartedEndpoints(2, check) { endpoints, recorders in
            let count = 500
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (from, to) in [(0, 1), (1, 0)] {
                    group.addTask {
                        for sequence in 1...count {
                            try endpoints[from].send(envelope(UInt64(sequence), sender: "side-\(from)"), to: endpoints[to].localAddress)
                        }
                    }
                }
                try await group.waitForAll()
            }
            for (from, to) in [(0, 1), (1, 0)] {
                let received = try await recorders[to].waitForEnvelopes(count: count, from: endpoints[from].localAddress)
                try expectSame(check, received, (1...count).map { envelope(UInt64($0), sender: "side-\(from)") })
            }
        }
    }

    /// Payloads from empty up to exactly the maximum frame size arrive intact in both directions,
    /// and an envelope one byte over the maximum is refused with
    /// ``TransportError/Code/frameTooLarge``.
    public func checkLargePayloads() async throws {
        let check = "large payloads"
        try await withStartedEndpoints(2, check) { endpoints, recorders in
            let largest = largestPayloadSize()
            var sizes = [0, 1, 127, 128, 16_383, 16_384, 65_536, largest - 1, largest].filter { $0 >= 0 && $0 <= largest }
            sizes = Array(Set(sizes)).sorted()
            for (from, to) in [(0, 1), (1, 0)] {
                let sent = sizes.enumerated().map { index, size in
                    envelope(UInt64(index + 1), payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
                }
                for envelope in sent { try endpoints[from].send(envelope, to: endpoints[to].localAddress) }
                let received = try await recorders[to].waitForEnvelopes(count: sent.count, from: endpoints[from].localAddress)
                try expectSame(check, received, sent)
            }
            let tooLarge = envelope(0, payload: Array(repeating: 0xEE, count: largest + 1))
            do {
                try endpoints[0].send(tooLarge, to: endpoints[1].localAddress)
                throw TransportConformanceFailure(check: check, message: "an envelope one byte over the maximum frame size was accepted")
            } catch let error as TransportError where error.code == .frameTooLarge {
                // expected
            } catch let error as TransportConformanceFailure {
                throw error
            } catch {
                throw TransportConformanceFailure(check: check, message: "an oversized envelope threw \(error), not TransportError(frameTooLarge)")
            }
        }
    }

    /// ``peerCount`` endpoints all send to all others at once, each from its own task; every
    /// receiver gets every sender's envelopes in that sender's order.
    public func checkManyPeers() async throws {
        let check = "many peers"
        let count = peerCount
        try await withStartedEndpoints(count, check) { endpoints, recorders in
            let perPeer = 25
            try await withThrowingTaskGroup(of: Void.self) { group in
                for from in 0..<count {
                    group.addTask {
                        for sequence in 1...perPeer {
                            for to in 0..<count where to != from {
                                try endpoints[from].send(envelope(UInt64(sequence), sender: "peer-\(from)"), to: endpoints[to].localAddress)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            for to in 0..<count {
                for from in 0..<count where from != to {
                    let received = try await recorders[to].waitForEnvelopes(count: perPeer, from: endpoints[from].localAddress)
                    try expectSame(check, received, (1...perPeer).map { envelope(UInt64($0), sender: "peer-\(from)") })
                }
            }
        }
    }

    /// After two endpoints have exchanged envelopes, closing one makes the other's delegate learn
    /// that the association was lost, and the closed one refuses to send.
    public func checkCloseNotifiesPeers() async throws {
        let check = "close notifies peers"
        try await withStartedEndpoints(2, check) { endpoints, recorders in
            let (closing, peer) = (endpoints[0], endpoints[1])
            try closing.send(envelope(1), to: peer.localAddress)
            try peer.send(envelope(2), to: closing.localAddress)
            _ = try await recorders[1].waitForEnvelopes(count: 1, from: closing.localAddress)
            _ = try await recorders[0].waitForEnvelopes(count: 1, from: peer.localAddress)
            await closing.close()
            try await recorders[1].waitForLostAssociation(with: closing.localAddress)
            try expectTransportError(check, "send after close") { try closing.send(envelope(3), to: peer.localAddress) }
        }
    }

    /// Sending to an address where nothing listens either throws a ``TransportError`` at once or
    /// reports a lost association with that address to the sender's delegate.
    public func checkSendToUnknownAddress() async throws {
        let check = "send to unknown address"
        try await withStartedEndpoints(1, check) { endpoints, recorders in
            do {
                try endpoints[0].send(envelope(1), to: unknownAddress)
            } catch is TransportError {
                return
            } catch {
                throw TransportConformanceFailure(check: check, message: "send to \(unknownAddress) threw \(error), not a TransportError")
            }
            try await recorders[0].waitForLostAssociation(with: unknownAddress)
        }
    }

    // MARK: Helpers

    /// The recipient, sender and type every check's envelopes use.
    private func envelope(_ sequence: UInt64, sender: String = "conformance/sender", payload: [UInt8]? = nil) -> WireEnvelope {
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: sequence >> (56 - 8 * $0)) }
        return WireEnvelope(
            kind: .tell,
            recipient: "conformance/receiver",
            sender: sender,
            messageType: MessageTypeID(name: "troupe.conformance.Sequence"),
            correlationID: sequence,
            traceContext: TraceContext(traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            payload: payload ?? bytes
        )
    }

    /// The largest payload whose envelope serializes to at most ``maximumFrameSize`` bytes.
    private func largestPayloadSize() -> Int {
        let overhead = envelope(0, payload: []).serializedBytes().count - 1  // minus the 1-byte empty length
        var size = maximumFrameSize - overhead - 1
        while size > 0 && overhead + varintSize(size) + size > maximumFrameSize { size -= 1 }
        return max(0, size)
    }

    private func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    private func make(_ count: Int, _ check: String) async throws -> [any MessageTransport] {
        let endpoints = try await makeEndpoints(count)
        guard endpoints.count == count else {
            throw TransportConformanceFailure(check: check, message: "makeEndpoints(\(count)) returned \(endpoints.count) endpoints")
        }
        guard Set(endpoints.map(\.localAddress)).count == count else {
            throw TransportConformanceFailure(check: check, message: "makeEndpoints(\(count)) returned duplicate addresses")
        }
        return endpoints
    }

    /// Makes and starts `count` endpoints, runs `body`, and closes them all, even if `body` throws.
    private func withStartedEndpoints(
        _ count: Int,
        _ check: String,
        _ body: ([any MessageTransport], [TransportRecorder]) async throws -> Void
    ) async throws {
        let endpoints = try await make(count, check)
        let recorders = endpoints.map { _ in TransportRecorder() }
        var result: Result<Void, any Error> = .success(())
        do {
            for (endpoint, recorder) in zip(endpoints, recorders) { try await endpoint.start(delegate: recorder) }
            try await body(endpoints, recorders)
        } catch {
            result = .failure(error)
        }
        for endpoint in endpoints { await endpoint.close() }
        try result.get()
    }

    private func expectSame(_ check: String, _ received: [WireEnvelope], _ sent: [WireEnvelope]) throws {
        guard received.count == sent.count else {
            throw TransportConformanceFailure(check: check, message: "received \(received.count) envelopes, sent \(sent.count)")
        }
        for (index, (got, expected)) in zip(received, sent).enumerated() where got != expected || got.sender != expected.sender
            || got.traceContext != expected.traceContext {
            throw TransportConformanceFailure(
                check: check,
                message: "envelope \(index) differs: got correlation id \(got.correlationID) with \(got.payload.count) payload bytes, "
                    + "expected \(expected.correlationID) with \(expected.payload.count) (lost, reordered or altered)"
            )
        }
    }

    private func expectTransportError(_ check: String, _ what: String, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch is TransportError {
            return
        } catch {
            throw TransportConformanceFailure(check: check, message: "\(what) threw \(error), not a TransportError")
        }
        throw TransportConformanceFailure(check: check, message: "\(what) did not throw")
    }

    private func expectTransportError(_ check: String, _ what: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch is TransportError {
            return
        } catch {
            throw TransportConformanceFailure(check: check, message: "\(what) threw \(error), not a TransportError")
        }
        throw TransportConformanceFailure(check: check, message: "\(what) did not throw")
    }
}

/// A failed ``TransportConformance`` check: which check, and what went wrong.
public struct TransportConformanceFailure: Error, CustomStringConvertible, Sendable {
    /// The check that failed.
    public let check: String
    /// What went wrong.
    public let message: String

    /// Creates a failure.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    public var description: String { "TransportConformanceFailure(\(check)): \(message)" }
}
