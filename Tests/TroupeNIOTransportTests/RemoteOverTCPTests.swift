import NIOCore
import NIOPosix
import Testing
import Troupe
import TroupeTestKit
import TroupeNIOTransport
import TroupeRemote

@Actor(codable: true)
struct Echo {
    var onStall: @Sendable () -> Void = {}
    var seen = 0
    @Handler mutating func echo(_ text: String) -> String {
        seen += 1
        return text
    }
    @Handler mutating func note(_ value: Int) { seen = value }
    @Handler func count() -> Int { seen }
    @Handler func stall(context: ActorContext<Echo>) async throws -> Int {
        onStall()
        try await context.clock.sleep(for: .seconds(300))
        return seen
    }
    @Handler func reject(_ reason: String) throws -> Int { throw EchoError(reason: reason) }
    /// Replies with a ref to another echo actor on this node, and tells `target` (maybe remote).
    @Handler func introduce(_ target: ActorRef<Echo>, to other: String, context: ActorContext<Echo>) throws -> ActorRef<Echo> {
        target.tell(.note(99))
        return try context.system.lookupNow(Echo.self, name: other)
    }
}


struct EchoError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "EchoError: \(reason)" }
}

/// An actor type only the asking node registers.
@Actor
struct Unlisted {
    @Handler func hello() -> String { "hello" }
}

extension Unlisted.Message: Codable {}

/// The authority that signs every test node's certificate.
let testAuthority = try! DevelopmentCertificateAuthority()

/// A system with a remote node on a loopback TCP transport with mutual TLS.
func makeTCPNode(_ name: String, registerUnlisted: Bool = false, transport: NIOTransport.Settings = .init()) async throws -> RemoteNode {
    var settings = ActorSystemSettings()
    settings.metricsInterval = nil
    let system = ActorSystem(name: name, settings: settings)
    let registry = RemoteRegistry()
    try registry.register(Echo.self)
    if registerUnlisted { try registry.register(Unlisted.self) }
    let node = RemoteNode(
        system: system,
        transport: NIOTransport(
            address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0),
            security: .mutualTLS(try testAuthority.issue(nodeName: name)), settings: transport),
        registry: registry)
    try await node.start()
    return node
}

/// Closes each node's transport, then shuts its system down.
func shutDown(_ nodes: RemoteNode...) async throws {
    for node in nodes { await node.close() }
    for node in nodes { try await node.system.shutdown() }
}

@Suite("Remote refs over TCP with mutual TLS", .timeLimit(.minutes(1)))
struct RemoteOverTCPTests {
    @Test("generated methods work across two systems over loopback TCP; tells keep their order")
    func roundTrip() async throws {
        let a = try await makeTCPNode("a")
        let b = try await makeTCPNode("b")
        let local = try b.system.spawn(Echo(), name: "echo")
        let echo = try a.ref(Echo.self, name: "echo", on: b.address)
        #expect(try await echo.echo("hello") == "hello")
        for value in 1...500 { echo.tell(.note(value)) }
        #expect(try await echo.count() == 500)
        #expect(try await local.count() == 500)
        try await shutDown(a, b)
    }

    @Test("when the peer goes away, a pending ask fails at once with nodeUnreachable, not after its timeout")
    func failFast() async throws {
        let a = try await makeTCPNode("a")
        let b = try await makeTCPNode("b")
        let (stalls, stalling) = AsyncStream<Void>.makeStream()
        try b.system.spawn(Echo(onStall: { stalling.yield() }), name: "echo")
        let echo = try a.ref(Echo.self, name: "echo", on: b.address)
        #expect(try await echo.echo("warm") == "warm")
        async let stalled: Result<Int, any Error> = {
            do { return .success(try await echo.ask(.stall, timeout: .seconds(600))) } catch { return .failure(error) }
        }()
        // Once B is handling the ask, drop B: the pending ask fails long before its 600 s timeout.
        var iterator = stalls.makeAsyncIterator()
        _ = await iterator.next()
        await b.close()
        let outcome = await stalled
        let error = #expect(throws: ActorError.self) { try outcome.get() }
        #expect(error?.code == .nodeUnreachable)
        await a.close()
        try await a.system.shutdown()
        try await b.system.shutdown()
    }

    @Test("a handler's error comes back as a code; a type the peer did not register is refused")
    func errorsAndRefusals() async throws {
        let a = try await makeTCPNode("a", registerUnlisted: true)
        let b = try await makeTCPNode("b")
        try b.system.spawn(Echo(), name: "echo")
        try b.system.spawn(Unlisted(), name: "unlisted")
        let echo = try a.ref(Echo.self, name: "echo", on: b.address)
        let thrown = await #expect(throws: ActorError.self) { try await echo.reject("closed") }
        #expect(thrown?.code == .remoteFailure)
        #expect(thrown?.message == "EchoError: closed")
        let unlisted = try a.ref(Unlisted.self, name: "unlisted", on: b.address)
        let refused = await #expect(throws: ActorError.self) { try await unlisted.hello() }
        #expect(refused?.code == .notSerializable)
        #expect(try await echo.echo("still serving") == "still serving")
        try await shutDown(a, b)
    }

    @Test("a watcher of a remote ref learns when the actor stops, with its reason; the ref then fails fast")
    func remoteDeathWatch() async throws {
        let a = try await makeTCPNode("a")
        let b = try await makeTCPNode("b")
        let local = try b.system.spawn(Echo(), name: "mortal")
        let mortal = try a.ref(Echo.self, name: "mortal", on: b.address)
        #expect(try await mortal.echo("alive") == "alive")
        let watcher = try TestProbe(Echo.self, in: a.system)
        local.stop()
        let reason = try await watcher.expectTerminated(mortal, timeout: .seconds(30))
        #expect(reason.kind == .stopped)
        let stale = await #expect(throws: ActorError.self) { try await mortal.echo("gone") }
        #expect(stale?.code == .actorStopped)
        try await shutDown(a, b)
    }

    @Test("refs travel inside messages and replies: b tells a's actor through the ref it got, and replies with a ref to its own")
    func refsInMessages() async throws {
        let a = try await makeTCPNode("a")
        let b = try await makeTCPNode("b")
        let other = try b.system.spawn(Echo(), name: "other")
        try b.system.spawn(Echo(), name: "echo")
        let mine = try a.system.spawn(Echo(), name: "mine")
        let echo = try a.ref(Echo.self, name: "echo", on: b.address)
        // b tells a's actor through the ref it received, and replies with a ref to its own actor.
        let introduced = try await echo.introduce(mine, to: "other")
        #expect(try await introduced.echo("via a ref in a reply") == "via a ref in a reply")
        #expect(try await other.count() == 1)
        while try await mine.count() != 99 { await Task.yield() }
        try await shutDown(a, b)
    }

    @Test("a full outbound queue is visible to the sender: a dead letter for tell, an error for send and ask")
    func fullOutboundQueue() async throws {
        // A peer that accepts connections and never answers the handshake: frames wait.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        var settings = NIOTransport.Settings()
        settings.outboundQueueLimit = 3
        let a = try await makeTCPNode("a", transport: settings)
        let peer = NodeAddress(systemName: "silent", host: "127.0.0.1", port: UInt16(silent.localAddress!.port!))
        var deadLetters = a.system.eventStream.subscribe(to: DeadLetter.self).makeAsyncIterator()
        let echo = try a.ref(Echo.self, name: "echo", on: peer)  // queues a watch request: 1 of 3
        echo.tell(.note(1))
        try await echo.send(.note(2))  // 3 of 3
        echo.tell(.note(3))
        let dead = await deadLetters.next()
        #expect(dead?.reason.contains("3 envelopes already wait") == true, "\(String(describing: dead))")
        let sent = await #expect(throws: ActorError.self) { try await echo.send(.note(4)) }
        #expect(sent?.code == .nodeUnreachable)
        #expect(sent?.message.contains("3 envelopes already wait") == true)
        let asked = await #expect(throws: ActorError.self) { try await echo.count() }
        #expect(asked?.code == .nodeUnreachable)
        try await shutDown(a)
        try await silent.close()
    }
}
