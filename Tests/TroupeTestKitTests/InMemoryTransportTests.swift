import Testing
import Troupe
import TroupeTestKit
import TroupeWire

/// Two started endpoints, `a` and `b`, on a fresh network over a manual clock.
private struct TwoNodes {
    let clock = ManualClock()
    let network: InMemoryNetwork
    let a: InMemoryTransport
    let b: InMemoryTransport
    let recorderA = TransportRecorder()
    let recorderB = TransportRecorder()

    static let addressA = NodeAddress(systemName: "a", host: "memory", port: 1)
    static let addressB = NodeAddress(systemName: "b", host: "memory", port: 2)

    init(seed: UInt64 = 1, maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize) async throws {
        network = InMemoryNetwork(clock: clock, seed: seed, maximumFrameSize: maximumFrameSize)
        a = network.makeTransport(address: TwoNodes.addressA)
        b = network.makeTransport(address: TwoNodes.addressB)
        try await a.start(delegate: recorderA)
        try await b.start(delegate: recorderB)
    }

    /// Sends envelopes `ids` from `a` to `b`.
    func sendAToB(_ ids: some Sequence<Int>) throws {
        for id in ids { try a.send(envelope(id), to: TwoNodes.addressB) }
    }

    /// The ids `b` has received from `a`, in order.
    var receivedByB: [Int] {
        recorderB.events.envelopes(from: TwoNodes.addressA).map { Int($0.correlationID) }
    }

    var statsAToB: LinkStats { network.stats(from: TwoNodes.addressA, to: TwoNodes.addressB) }
}

private func envelope(_ id: Int) -> WireEnvelope {
    WireEnvelope(kind: .tell, recipient: "receiver", messageType: MessageTypeID(name: "test.Numbered"), correlationID: UInt64(id))
}

/// Expects `body` to throw a `TransportError` with `code`.
private func expectTransportError(_ code: TransportError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected TransportError(\(code)), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as TransportError {
        #expect(error.code == code, "expected \(code), got \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected TransportError(\(code)), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("In-memory transport")
struct InMemoryTransportTests {
    @Test("without faults, envelopes are delivered synchronously, in order, and decoded from the wire")
    func synchronousDelivery() async throws {
        let nodes = try await TwoNodes()
        try nodes.sendAToB(1...10)
        #expect(nodes.receivedByB == Array(1...10))
        let first = try #require(nodes.recorderB.events.received.first)
        #expect(first.from == TwoNodes.addressA)
        #expect(first.envelope.messageType == MessageTypeID(name: "test.Numbered"))
        #expect(first.envelope.messageType.name == nil, "the name does not travel; only the id does")
        #expect(nodes.statsAToB == LinkStats(sent: 10, delivered: 10))
    }

    @Test("dropping with probability 1 loses everything and counts it; probability 0 loses nothing")
    func dropAllOrNothing() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.drop(1), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB(1...50)
        #expect(nodes.receivedByB.isEmpty)
        #expect(nodes.statsAToB == LinkStats(sent: 50, dropped: 50))

        nodes.network.setFaults(.drop(0), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB(51...100)
        #expect(nodes.receivedByB == Array(51...100))
        #expect(nodes.statsAToB == LinkStats(sent: 100, delivered: 50, dropped: 50))
    }

    /// The ids that survive a 30% drop on a network seeded with `seed`.
    private func survivorsOfDrop(seed: UInt64) async throws -> [Int] {
        let nodes = try await TwoNodes(seed: seed)
        nodes.network.setDefaultFaults(.drop(0.3))
        try nodes.sendAToB(1...200)
        let stats = nodes.statsAToB
        #expect(stats.delivered + stats.dropped == 200)
        #expect(stats.delivered == nodes.receivedByB.count)
        return nodes.receivedByB
    }

    @Test("a seeded 30% drop delivers the same set for the same seed and another set for another seed")
    func seededDrop() async throws {
        let first = try await survivorsOfDrop(seed: 42)
        let again = try await survivorsOfDrop(seed: 42)
        let other = try await survivorsOfDrop(seed: 43)
        #expect(first == again)
        #expect(first != other)
        #expect((100...180).contains(first.count), "about 70% of 200 survive, got \(first.count)")
        #expect(first == first.sorted(), "survivors keep their order")
    }

    @Test("a delayed envelope arrives only when the clock is advanced past its delay")
    func delay() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.delay(.milliseconds(10)), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB(1...3)
        #expect(nodes.receivedByB.isEmpty)
        #expect(nodes.statsAToB.inFlight == 3)
        nodes.clock.advance(by: .milliseconds(9))
        #expect(nodes.receivedByB.isEmpty)
        nodes.clock.advance(by: .milliseconds(1))
        #expect(nodes.receivedByB == [1, 2, 3])
        #expect(nodes.statsAToB == LinkStats(sent: 3, delivered: 3))
    }

    @Test("an envelope sent without delay after a delayed one waits for it")
    func noOvertaking() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.delay(.seconds(1)), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB([1])
        nodes.network.clearFaults(from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB([2])
        #expect(nodes.receivedByB.isEmpty, "2 is queued behind the delayed 1")
        nodes.clock.advance(by: .seconds(1))
        #expect(nodes.receivedByB == [1, 2])
        try nodes.sendAToB([3])
        #expect(nodes.receivedByB == [1, 2, 3], "without delay, delivery is synchronous again")
    }

    @Test("jitter varies latency but never reorders")
    func jitterKeepsOrder() async throws {
        let nodes = try await TwoNodes(seed: 9)
        nodes.network.setDefaultFaults(.delay(.milliseconds(1), jitter: .milliseconds(20)))
        try nodes.sendAToB(1...100)
        nodes.clock.advance(by: .milliseconds(10))
        let partial = nodes.receivedByB
        #expect(partial == (0..<partial.count).map { $0 + 1 }, "what has arrived is a prefix")
        #expect(partial.count < 100)
        nodes.clock.advance(by: .milliseconds(11))
        #expect(nodes.receivedByB == Array(1...100))
    }

    @Test("duplicating with probability 1 delivers each envelope twice, one copy right after the other")
    func duplicate() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.duplicate(1), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB(1...3)
        #expect(nodes.receivedByB == [1, 1, 2, 2, 3, 3])
        #expect(nodes.statsAToB == LinkStats(sent: 3, delivered: 6, duplicated: 3))
    }

    @Test("reordering with probability 1 swaps consecutive envelopes; a held envelope is released on demand")
    func reorder() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.reorder(1), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB(1...5)
        #expect(nodes.receivedByB == [2, 1, 4, 3])
        #expect(nodes.statsAToB.inFlight == 1, "5 is held, waiting for a successor")
        nodes.network.releaseHeldEnvelopes()
        #expect(nodes.receivedByB == [2, 1, 4, 3, 5])
        #expect(nodes.statsAToB == LinkStats(sent: 5, delivered: 5))
    }

    @Test("clearing a link's faults releases its held envelope")
    func clearingReleasesHeld() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setFaults(.reorder(1), from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB([1])
        #expect(nodes.receivedByB.isEmpty)
        nodes.network.clearFaults(from: TwoNodes.addressA, to: TwoNodes.addressB)
        #expect(nodes.receivedByB == [1])
    }

    @Test("a one-way partition blocks only its direction and ends the association on both sides")
    func oneWayPartition() async throws {
        let nodes = try await TwoNodes()
        try nodes.sendAToB([1])
        nodes.network.partition(from: TwoNodes.addressA, to: TwoNodes.addressB)
        #expect(nodes.network.isPartitioned(from: TwoNodes.addressA, to: TwoNodes.addressB))
        #expect(!nodes.network.isPartitioned(from: TwoNodes.addressB, to: TwoNodes.addressA))

        let lostByA = try #require(nodes.recorderA.events.lostAssociations.first)
        #expect(lostByA.address == TwoNodes.addressB)
        #expect((lostByA.error as? TransportError)?.code == .partitioned)
        #expect(nodes.recorderB.events.lostAssociations.map(\.address) == [TwoNodes.addressA])

        try nodes.sendAToB([2])
        #expect(nodes.receivedByB == [1])
        #expect(nodes.statsAToB.dropped == 1)

        try nodes.b.send(envelope(3), to: TwoNodes.addressA)
        #expect(nodes.recorderA.events.envelopes(from: TwoNodes.addressB).map(\.correlationID) == [3])
    }

    @Test("a two-way partition blocks both directions; heal restores delivery")
    func twoWayPartitionAndHeal() async throws {
        let nodes = try await TwoNodes()
        nodes.network.partition(TwoNodes.addressA, TwoNodes.addressB)
        try nodes.sendAToB([1])
        try nodes.b.send(envelope(2), to: TwoNodes.addressA)
        #expect(nodes.receivedByB.isEmpty)
        #expect(nodes.recorderA.events.received.isEmpty)
        #expect(nodes.recorderA.events.lostAssociations.isEmpty, "they were never associated")

        nodes.network.heal(TwoNodes.addressA, TwoNodes.addressB)
        try nodes.sendAToB([3])
        try nodes.b.send(envelope(4), to: TwoNodes.addressA)
        #expect(nodes.receivedByB == [3])
        #expect(nodes.recorderA.events.envelopes(from: TwoNodes.addressB).map(\.correlationID) == [4])
    }

    @Test("healing one direction heals only that direction; healAll heals everything")
    func partialHeal() async throws {
        let nodes = try await TwoNodes()
        nodes.network.partition(TwoNodes.addressA, TwoNodes.addressB)
        nodes.network.heal(from: TwoNodes.addressB, to: TwoNodes.addressA)
        try nodes.sendAToB([1])
        try nodes.b.send(envelope(2), to: TwoNodes.addressA)
        #expect(nodes.receivedByB.isEmpty)
        #expect(nodes.recorderA.events.received.count == 1)
        nodes.network.healAll()
        try nodes.sendAToB([3])
        #expect(nodes.receivedByB == [3])
    }

    @Test("envelopes in flight on a link that becomes partitioned are dropped on arrival")
    func partitionDropsInFlight() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setDefaultFaults(.delay(.milliseconds(5)))
        try nodes.sendAToB(1...4)
        nodes.network.partition(from: TwoNodes.addressA, to: TwoNodes.addressB)
        nodes.clock.advance(by: .milliseconds(5))
        #expect(nodes.receivedByB.isEmpty)
        #expect(nodes.statsAToB == LinkStats(sent: 4, dropped: 4))
    }

    @Test("a split brain partitions every pair across the two sides")
    func splitBrain() async throws {
        let network = InMemoryNetwork(clock: ManualClock(), seed: 1)
        let addresses = (1...4).map { NodeAddress(systemName: "n\($0)", host: "memory", port: UInt16($0)) }
        for address in addresses { try await network.makeTransport(address: address).start(delegate: TransportRecorder()) }
        network.partition(Array(addresses[..<2]), Array(addresses[2...]))
        #expect(network.isPartitioned(from: addresses[0], to: addresses[3]))
        #expect(network.isPartitioned(from: addresses[3], to: addresses[1]))
        #expect(!network.isPartitioned(from: addresses[0], to: addresses[1]))
        #expect(!network.isPartitioned(from: addresses[2], to: addresses[3]))
    }

    @Test("default faults apply to links without their own")
    func defaultFaults() async throws {
        let nodes = try await TwoNodes()
        nodes.network.setDefaultFaults(.drop(1))
        nodes.network.setFaults(.none, from: TwoNodes.addressA, to: TwoNodes.addressB)
        try nodes.sendAToB([1])
        try nodes.b.send(envelope(2), to: TwoNodes.addressA)
        #expect(nodes.receivedByB == [1])
        #expect(nodes.recorderA.events.received.isEmpty)
        #expect(nodes.network.faults(from: TwoNodes.addressB, to: TwoNodes.addressA) == .drop(1))
        nodes.network.clearAllFaults()
        try nodes.b.send(envelope(3), to: TwoNodes.addressA)
        #expect(nodes.recorderA.events.received.count == 1)
    }

    @Test("closing tells associated peers, drops envelopes in flight, and frees the address")
    func close() async throws {
        let nodes = try await TwoNodes()
        try nodes.sendAToB([1])
        nodes.network.setDefaultFaults(.delay(.seconds(1)))
        try nodes.sendAToB([2, 3])
        await nodes.b.close()

        let lost = try #require(nodes.recorderA.events.lostAssociations.first)
        #expect(lost.address == TwoNodes.addressB)
        #expect(lost.error == nil, "an orderly close carries no error")
        #expect(nodes.recorderB.events.lostAssociations.isEmpty, "the closing side is not told")
        #expect(nodes.statsAToB == LinkStats(sent: 3, delivered: 1, dropped: 2))
        await expectTransportError(.unknownAddress) { try nodes.a.send(envelope(4), to: TwoNodes.addressB) }
        await expectTransportError(.closed) { try nodes.b.send(envelope(5), to: TwoNodes.addressA) }

        // A new endpoint at the same address does not get its predecessor's mail.
        nodes.network.clearAllFaults()
        let reborn = nodes.network.makeTransport(address: TwoNodes.addressB)
        let rebornRecorder = TransportRecorder()
        try await reborn.start(delegate: rebornRecorder)
        try nodes.sendAToB([6])
        #expect(rebornRecorder.events.received.map(\.envelope.correlationID) == [6])
        nodes.clock.advance(by: .seconds(2))
        #expect(rebornRecorder.events.received.count == 1)
    }

    @Test("misuse throws the matching TransportError")
    func errors() async throws {
        let nodes = try await TwoNodes(maximumFrameSize: 100)
        let unstarted = nodes.network.makeTransport(address: NodeAddress(systemName: "c", host: "memory", port: 3))
        await expectTransportError(.notStarted) { try unstarted.send(envelope(1), to: TwoNodes.addressB) }
        await expectTransportError(.alreadyStarted) { try await nodes.a.start(delegate: TransportRecorder()) }
        let twin = nodes.network.makeTransport(address: TwoNodes.addressA)
        await expectTransportError(.addressInUse) { try await twin.start(delegate: TransportRecorder()) }
        await expectTransportError(.unknownAddress) {
            try nodes.a.send(envelope(1), to: NodeAddress(systemName: "nobody", host: "memory", port: 9))
        }
        var large = envelope(1)
        large.payload = Array(repeating: 0, count: 100)
        await expectTransportError(.frameTooLarge) { try nodes.a.send(large, to: TwoNodes.addressB) }
        #expect(nodes.statsAToB.sent == 0, "refused sends are not counted as sent")
        await unstarted.close()
        await expectTransportError(.closed) { try await unstarted.start(delegate: TransportRecorder()) }
    }

    @Test("stats account for every envelope under mixed faults, and the run repeats for its seed")
    func statsUnderMixedFaults() async throws {
        func run(seed: UInt64) async throws -> [Int] {
            let nodes = try await TwoNodes(seed: seed)
            nodes.network.setDefaultFaults(
                LinkFaults(dropProbability: 0.2, delay: .milliseconds(1), jitter: .milliseconds(3), duplicateProbability: 0.2, reorderProbability: 0.2)
            )
            for id in 1...300 {
                try nodes.sendAToB([id])
                if id % 50 == 0 { nodes.clock.advance(by: .milliseconds(2)) }
                let stats = nodes.statsAToB
                #expect(stats.sent + stats.duplicated == stats.delivered + stats.dropped + stats.inFlight)
                #expect(stats.delivered == nodes.receivedByB.count)
            }
            nodes.clock.advance(by: .milliseconds(10))
            nodes.network.releaseHeldEnvelopes()
            let stats = nodes.statsAToB
            #expect(stats.inFlight == 0)
            #expect(stats.sent == 300)
            #expect(stats.dropped > 0 && stats.duplicated > 0)
            #expect(stats.delivered == 300 + stats.duplicated - stats.dropped)
            #expect(nodes.network.totalStats == stats)
            return nodes.receivedByB
        }
        let first = try await run(seed: 5)
        #expect(try await run(seed: 5) == first)
        #expect(first != first.sorted(), "reordering happened")
    }

    @Test("concurrent senders and a clock advancing on another task keep each link in order", .timeLimit(.minutes(1)))
    func concurrentSendsAndTimers() async throws {
        let clock = ManualClock()
        let network = InMemoryNetwork(clock: clock, seed: 11)
        network.setDefaultFaults(.delay(.milliseconds(1), jitter: .milliseconds(2)))
        let receiverAddress = NodeAddress(systemName: "receiver", host: "memory", port: 1)
        let receiver = network.makeTransport(address: receiverAddress)
        let recorder = TransportRecorder()
        try await receiver.start(delegate: recorder)
        let senders = (1...3).map { network.makeTransport(address: NodeAddress(systemName: "sender\($0)", host: "memory", port: UInt16($0 + 1))) }
        for sender in senders { try await sender.start(delegate: TransportRecorder()) }
        let perSender = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in senders {
                group.addTask {
                    for id in 1...perSender { try sender.send(envelope(id), to: receiverAddress) }
                }
            }
            group.addTask {
                for _ in 0..<200 {
                    clock.advance(by: .microseconds(100))
                    await Task.yield()
                }
            }
            try await group.waitForAll()
        }
        clock.advance(by: .seconds(1))
        for sender in senders {
            #expect(recorder.events.envelopes(from: sender.localAddress).map(\.correlationID) == (1...perSender).map(UInt64.init))
        }
        #expect(network.totalStats == LinkStats(sent: 3 * perSender, delivered: 3 * perSender))
    }

    @Test("a delegate may send from inside a delivery, even back on the same links")
    func reentrantSends() async throws {
        let network = InMemoryNetwork(clock: ManualClock(), seed: 1)
        let a = network.makeTransport(address: TwoNodes.addressA)
        let b = network.makeTransport(address: TwoNodes.addressB)
        let recorderA = TransportRecorder()
        try await a.start(delegate: recorderA)
        try await b.start(delegate: Echo(transport: b, alsoForwardTo: TwoNodes.addressB))
        for id in 1...100 { try a.send(envelope(id), to: TwoNodes.addressB) }
        #expect(recorderA.events.envelopes(from: TwoNodes.addressB).map(\.correlationID) == (1...100).map(UInt64.init))
        #expect(network.stats(from: TwoNodes.addressB, to: TwoNodes.addressB).delivered == 100)
    }
}

/// Answers every envelope to its sender, and once more to `alsoForwardTo` with kind `system`
/// (which it does not echo again).
private final class Echo: TransportDelegate {
    let transport: InMemoryTransport
    let alsoForwardTo: NodeAddress

    init(transport: InMemoryTransport, alsoForwardTo: NodeAddress) {
        self.transport = transport
        self.alsoForwardTo = alsoForwardTo
    }

    func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress) {
        guard envelope.kind != .system else { return }
        var forwarded = envelope
        forwarded.kind = .system
        try? self.transport.send(forwarded, to: alsoForwardTo)
        try? self.transport.send(envelope, to: address)
    }

    func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?) {}
}
