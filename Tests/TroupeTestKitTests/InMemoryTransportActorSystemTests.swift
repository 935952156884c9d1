import Testing
import Troupe
import TroupeTestKit
import TroupeWire

// Two actor systems in one process, talking through an in-memory network: a hand-written version
// of what remoting will do (encode a message into an envelope, send it, decode it on arrival and
// tell the local actor the envelope names).

private struct Ping: Codable, Sendable, Equatable {
    static let typeID = MessageTypeID(name: "troupe.tests.Ping")
    var text: String
    var sequence: Int
}

private struct Pong: Codable, Sendable, Equatable {
    static let typeID = MessageTypeID(name: "troupe.tests.Pong")
    var text: String
    var sequence: Int
}

/// On node B: answers each ping with a pong, sent back over the transport.
private struct EchoActor: ActorBehavior {
    enum Message: Sendable {
        case ping(Ping, replyTo: String, node: NodeAddress)
    }

    let transport: any MessageTransport

    func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<EchoActor>) throws -> Bool {
        switch message {
        case .ping(let ping, let replyTo, let node):
            let pong = Pong(text: ping.text.uppercased(), sequence: ping.sequence)
            let envelope = WireEnvelope(
                kind: .tell, recipient: replyTo, sender: context.name, messageType: Pong.typeID, payload: try BinaryEncoder().encode(pong)
            )
            try transport.send(envelope, to: node)
        }
        return true
    }

    func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<EchoActor>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

/// On node A: sends pings to a remote echo and keeps the pongs that come back.
private struct PingClient: ActorBehavior {
    enum Message: Sendable {
        case send(String, sequence: Int, to: NodeAddress)
        case pong(Pong)
        case pongs
    }

    let transport: any MessageTransport
    var pongs: [Pong] = []

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<PingClient>) throws -> Bool {
        switch message {
        case .send(let text, let sequence, let node):
            let envelope = WireEnvelope(
                kind: .tell,
                recipient: "echo",
                sender: context.name,
                messageType: Ping.typeID,
                payload: try BinaryEncoder().encode(Ping(text: text, sequence: sequence))
            )
            try transport.send(envelope, to: node)
            reply.succeed(())
        case .pong(let pong):
            pongs.append(pong)
            reply.succeed(())
        case .pongs:
            reply.succeed(pongs)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<PingClient>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

/// A node's transport delegate: hands inbound envelopes and lost associations to async code.
private final class NodeInbox: TransportDelegate {
    let envelopes: AsyncStream<(WireEnvelope, NodeAddress)>
    let lostAssociations: AsyncStream<NodeAddress>
    /// Each pong, once the router has told it to the local actor.
    let routedPongs: AsyncStream<Pong>
    private let envelopeInput: AsyncStream<(WireEnvelope, NodeAddress)>.Continuation
    private let lostInput: AsyncStream<NodeAddress>.Continuation
    private let pongInput: AsyncStream<Pong>.Continuation

    init() {
        (envelopes, envelopeInput) = AsyncStream.makeStream()
        (lostAssociations, lostInput) = AsyncStream.makeStream()
        (routedPongs, pongInput) = AsyncStream.makeStream()
    }

    func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress) {
        envelopeInput.yield((envelope, address))
    }

    func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?) {
        lostInput.yield(address)
    }

    /// Decodes each inbound envelope by its message type and tells the local actor named by its
    /// recipient, until the task is cancelled.
    func route(into system: ActorSystem) async throws {
        for await (envelope, from) in envelopes {
            switch envelope.messageType {
            case Ping.typeID:
                let ping = try BinaryDecoder().decode(Ping.self, from: envelope.payload)
                let echo = try await system.lookup(EchoActor.self, name: envelope.recipient)
                echo.tell(.ping(ping, replyTo: envelope.sender ?? "", node: from))
            case Pong.typeID:
                let pong = try BinaryDecoder().decode(Pong.self, from: envelope.payload)
                let client = try await system.lookup(PingClient.self, name: envelope.recipient)
                client.tell(.pong(pong))
                pongInput.yield(pong)
            default:
                Issue.record("unexpected message type \(envelope.messageType)")
            }
        }
    }
}

private func makeSystem(_ name: String, clock: ManualClock) -> ActorSystem {
    var settings = ActorSystemSettings()
    settings.clock = clock
    settings.randomSeed = 42
    settings.metricsInterval = nil
    return ActorSystem(name: name, settings: settings)
}

@Suite("In-memory transport between actor systems")
struct InMemoryTransportActorSystemTests {
    @Test("actors on two systems exchange encoded messages; a partition drops them and healing restores", .timeLimit(.minutes(1)))
    func pingPongAcrossSystems() async throws {
        let clock = ManualClock()
        let network = InMemoryNetwork(clock: clock, seed: 7)
        let addressA = NodeAddress(systemName: "node-a", host: "memory", port: 7001)
        let addressB = NodeAddress(systemName: "node-b", host: "memory", port: 7002)
        let systemA = makeSystem("node-a", clock: clock)
        let systemB = makeSystem("node-b", clock: clock)
        let transportA = network.makeTransport(address: addressA)
        let transportB = network.makeTransport(address: addressB)
        let inboxA = NodeInbox()
        let inboxB = NodeInbox()
        try await transportA.start(delegate: inboxA)
        try await transportB.start(delegate: inboxB)
        let client = try systemA.spawn(PingClient(transport: transportA), name: "client")
        try systemB.spawn(EchoActor(transport: transportB), name: "echo")

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await inboxA.route(into: systemA) }
            group.addTask { try await inboxB.route(into: systemB) }
            var pongs = inboxA.routedPongs.makeAsyncIterator()
            var lostByA = inboxA.lostAssociations.makeAsyncIterator()

            // A round trip.
            try await client.ask(.send("hello", sequence: 1, to: addressB), returning: Void.self)
            #expect(await pongs.next() == Pong(text: "HELLO", sequence: 1))
            #expect(try await client.ask(.pongs, returning: [Pong].self) == [Pong(text: "HELLO", sequence: 1)])
            #expect(network.stats(from: addressA, to: addressB) == LinkStats(sent: 1, delivered: 1))
            #expect(network.stats(from: addressB, to: addressA) == LinkStats(sent: 1, delivered: 1))

            // A partition: both sides learn the association is lost, and the ping is dropped.
            network.partition(addressA, addressB)
            #expect(await lostByA.next() == addressB)
            try await client.ask(.send("lost", sequence: 2, to: addressB), returning: Void.self)
            #expect(network.stats(from: addressA, to: addressB) == LinkStats(sent: 2, delivered: 1, dropped: 1))

            // Healed: the next round trip works; the dropped ping never produced a pong.
            network.heal(addressA, addressB)
            try await client.ask(.send("again", sequence: 3, to: addressB), returning: Void.self)
            #expect(await pongs.next() == Pong(text: "AGAIN", sequence: 3))
            #expect(
                try await client.ask(.pongs, returning: [Pong].self)
                    == [Pong(text: "HELLO", sequence: 1), Pong(text: "AGAIN", sequence: 3)]
            )
            // A→B: pings 1, 2 (dropped) and 3; B→A: pongs 1 and 3.
            #expect(network.totalStats == LinkStats(sent: 5, delivered: 4, dropped: 1))
            group.cancelAll()
        }

        await transportA.close()
        await transportB.close()
        try await systemA.shutdown()
        try await systemB.shutdown()
    }
}
