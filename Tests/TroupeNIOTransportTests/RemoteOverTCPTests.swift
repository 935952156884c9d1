import Testing
import Troupe
import TroupeNIOTransport
import TroupeRemote

@Actor
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
}

extension Echo.Message: Codable {}

/// The authority that signs every test node's certificate.
let testAuthority = try! DevelopmentCertificateAuthority()

/// A system with a remote node on a loopback TCP transport with mutual TLS.
func makeTCPNode(_ name: String) async throws -> RemoteNode {
    var settings = ActorSystemSettings()
    settings.metricsInterval = nil
    let system = ActorSystem(name: name, settings: settings)
    let registry = RemoteRegistry()
    try registry.register(Echo.self)
    let node = RemoteNode(
        system: system,
        transport: NIOTransport(
            address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0),
            security: .mutualTLS(try testAuthority.issue(nodeName: name))),
        registry: registry)
    try await node.start()
    return node
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
        await a.close()
        await b.close()
        try await a.system.shutdown()
        try await b.system.shutdown()
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
}
