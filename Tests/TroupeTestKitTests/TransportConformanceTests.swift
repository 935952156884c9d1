import Testing
import Troupe
import TroupeTestKit
import TroupeWire

/// `count` endpoints on a fresh in-memory network configured by `configure`.
private func inMemoryEndpoints(
    _ count: Int, maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize, configure: (InMemoryNetwork) -> Void = { _ in }
) -> [any MessageTransport] {
    let network = InMemoryNetwork(clock: ManualClock(), seed: 1, maximumFrameSize: maximumFrameSize)
    configure(network)
    return (0..<count).map { network.makeTransport(address: NodeAddress(systemName: "node\($0)", host: "memory", port: UInt16(7000 + $0))) }
}

/// A broken transport for testing the suite itself: it swallows every send error.
private final class ErrorSwallowingTransport: MessageTransport {
    let inner: any MessageTransport
    init(_ inner: any MessageTransport) { self.inner = inner }
    var localAddress: NodeAddress { inner.localAddress }
    func start(delegate: any TransportDelegate) async throws { try await inner.start(delegate: delegate) }
    func send(_ envelope: WireEnvelope, to address: NodeAddress) throws { try? inner.send(envelope, to: address) }
    func close() async { await inner.close() }
}

@Suite("Transport conformance")
struct TransportConformanceTests {
    @Test("the in-memory transport passes every conformance check", .timeLimit(.minutes(1)))
    func inMemoryConforms() async throws {
        try await TransportConformance { count in inMemoryEndpoints(count) }.runAll()
    }

    @Test("the in-memory transport conforms with a small maximum frame size", .timeLimit(.minutes(1)))
    func smallFrames() async throws {
        try await TransportConformance(maximumFrameSize: 4096) { count in inMemoryEndpoints(count, maximumFrameSize: 4096) }
            .checkLargePayloads()
    }

    @Test("the suite detects reordering", .timeLimit(.minutes(1)))
    func detectsReordering() async throws {
        let suite = TransportConformance { count in inMemoryEndpoints(count) { $0.setDefaultFaults(.reorder(1)) } }
        await #expect(throws: TransportConformanceFailure.self) { try await suite.checkOrderedDelivery() }
    }

    @Test("the suite detects a transport that does not report errors", .timeLimit(.minutes(1)))
    func detectsSwallowedErrors() async throws {
        // (Not runAll: the unknown-address check would wait for a lost association that such a
        // transport never reports, until the time limit.)
        let suite = TransportConformance { count in inMemoryEndpoints(count).map(ErrorSwallowingTransport.init) }
        let lifecycle = await #expect(throws: TransportConformanceFailure.self) { try await suite.checkLifecycle() }
        #expect(lifecycle?.message.contains("send before start did not throw") == true)
        let large = await #expect(throws: TransportConformanceFailure.self) { try await suite.checkLargePayloads() }
        #expect(large?.message.contains("one byte over the maximum frame size was accepted") == true)
        try await suite.checkOrderedDelivery()
    }
}
