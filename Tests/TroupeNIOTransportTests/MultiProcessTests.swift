import Foundation
import Testing
import Troupe
import TroupeNIOTransport
import TroupeRemote
import TroupeTestKit

/// The shape of `troupe node --echo`'s actor, under the same wire name: the wire carries that
/// name and the case names, so the two declarations interoperate.
@Actor(wireName: "troupe.node.Echo", codable: true)
struct NodeEcho {
    var handled = 0
    @Handler mutating func echo(_ text: String) -> String {
        handled += 1
        return text
    }
    @Handler func count() -> Int { handled }
    @Handler func stall(seconds: Int, context: ActorContext<NodeEcho>) async throws -> Int {
        try await context.clock.sleep(for: .seconds(seconds))
        return handled
    }
}

/// The shape of `troupe node --relay`'s actor (its handlers run only there).
@Actor(wireName: "troupe.node.Relay", codable: true)
struct NodeRelay {
    @Handler func echo(on peer: String, name: String, text: String) throws -> String { throw Self.elsewhere }
    @Handler func stall(on peer: String, name: String, seconds: Int) throws -> Int { throw Self.elsewhere }
    @Handler func watch(on peer: String, name: String) throws { throw Self.elsewhere }
    @Handler func echoWatched(on peer: String, name: String, text: String) throws -> String { throw Self.elsewhere }
    @Handler func terminated() throws -> [String] { throw Self.elsewhere }
    @Handler func incarnation(of peer: String) throws -> UInt64? { throw Self.elsewhere }
    @Handler func pendingAsks() throws -> Int { throw Self.elsewhere }

    static var elsewhere: ActorError { ActorError(.invalidState, "the relay runs in troupe node") }
}

/// A `troupe node` child process.
final class NodeProcess: Sendable {
    let process: Process
    let address: NodeAddress

    private init(process: Process, address: NodeAddress) {
        self.process = process
        self.address = address
    }

    /// The `troupe` executable built next to the test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("troupe").path
    }

    /// Starts `troupe node` and waits for its READY line.
    static func start(
        name: String, bind: String, credentials directory: String, echo: [String] = [], relay: String? = nil, peers: [NodeAddress] = []
    ) async throws -> NodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["node", "--name", name, "--bind", bind,
                             "--cert", "\(directory)/\(name).pem", "--key", "\(directory)/\(name).key", "--trust", "\(directory)/ca.pem"]
            + echo.flatMap { ["--echo", $0] } + (relay.map { ["--relay", $0] } ?? []) + peers.flatMap { ["--peer", "\($0)"] }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let handle = output.fileHandleForReading
        let ready: String? = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while true {
                    let data = handle.availableData
                    if data.isEmpty { return continuation.resume(returning: nil) }
                    text += String(decoding: data, as: UTF8.self)
                    if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                        return continuation.resume(returning: String(line.dropFirst("READY ".count)))
                    }
                }
            }
        }
        guard let ready else {
            process.terminate()
            throw TestKitError(.timedOut, "troupe node \(name) exited before it was ready")
        }
        return NodeProcess(process: process, address: try NodeAddress(parsing: ready))
    }

    /// Kills the process at once (SIGKILL: no shutdown, no goodbye on its connections).
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A temporary folder with `authority`'s root (`ca.pem`) and credentials for each of `nodes`
/// (`NAME.pem`, `NAME.key`), as `troupe node` reads them. The caller removes it.
func writeCredentials(_ authority: DevelopmentCertificateAuthority, for nodes: [String]) throws -> String {
    let directory = NSTemporaryDirectory() + "troupe-certs-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try authority.rootCertificatePEM().write(toFile: "\(directory)/ca.pem", atomically: true, encoding: .utf8)
    for name in nodes {
        let (certificate, key) = try authority.issuePEM(nodeName: name)
        try certificate.write(toFile: "\(directory)/\(name).pem", atomically: true, encoding: .utf8)
        try key.write(toFile: "\(directory)/\(name).key", atomically: true, encoding: .utf8)
    }
    return directory
}

/// A node in this process on 127.0.0.1, with mutual TLS from `authority`, its registry filled by
/// `register`.
func startNode(_ name: String, _ authority: DevelopmentCertificateAuthority, register: (RemoteRegistry) throws -> Void) async throws -> RemoteNode {
    let registry = RemoteRegistry()
    try register(registry)
    let node = RemoteNode(
        system: ActorSystem(name: name),
        transport: NIOTransport(
            address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0),
            security: .mutualTLS(try authority.issue(nodeName: name))),
        registry: registry)
    try await node.start()
    return node
}

@Suite("Two processes", .timeLimit(.minutes(1)))
struct MultiProcessTests {
    @Test("a node killed with SIGKILL: pending asks fail fast, watchers are told, the restarted node needs fresh refs")
    func killedNode() async throws {
        let authority = try DevelopmentCertificateAuthority()
        let directory = try writeCredentials(authority, for: ["b"])
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let first = try await NodeProcess.start(name: "b", bind: "127.0.0.1:0", credentials: directory, echo: ["echo", "sync"])

        // This process is node "a".
        let a = try await startNode("a", authority) { try $0.register(NodeEcho.self) }
        let system = a.system
        let echo = try a.ref(NodeEcho.self, name: "echo", on: first.address)
        let sync = try a.ref(NodeEcho.self, name: "sync", on: first.address)
        #expect(try await echo.echo("hello") == "hello")

        async let stalled: Result<Int, any Error> = {
            do { return .success(try await echo.ask(.stall(seconds: 600), timeout: .seconds(600))) } catch { return .failure(error) }
        }()
        // Once the ask is on its way, and `sync` (reached over the same ordered connection) has
        // answered, B holds the stalled ask.
        while a.pendingAsks == 0 { await Task.yield() }
        #expect(try await sync.echo("sync") == "sync")

        first.kill()
        let outcome = await stalled
        let error = #expect(throws: ActorError.self) { try outcome.get() }
        #expect(error?.code == .nodeUnreachable)

        let watcher = try TestProbe(NodeEcho.self, in: system)
        let reason = try await watcher.expectTerminated(echo, timeout: .seconds(30))
        #expect((reason.error as? ActorError)?.code == .nodeUnreachable)

        // The node comes back on the same port: a new process, a new incarnation.
        let second = try await NodeProcess.start(
            name: "b", bind: "127.0.0.1:\(first.address.port)", credentials: directory, echo: ["echo"])
        let stale = await #expect(throws: ActorError.self) { try await echo.echo("old ref") }
        #expect(stale?.code == .actorStopped)
        let fresh = try a.ref(NodeEcho.self, name: "echo", on: second.address)
        #expect(try await fresh.echo("again") == "again")
        #expect(try await fresh.count() == 1, "a fresh actor in the new incarnation")

        second.kill()
        await a.close()
        try await system.shutdown()
    }

    @Test("two troupe node processes: when one is killed, the other's pending asks fail fast, its watchers are told, and it meets the restarted node as a new incarnation")
    func twoNodeProcesses() async throws {
        let authority = try DevelopmentCertificateAuthority()
        let directory = try writeCredentials(authority, for: ["a", "b"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let b = try await NodeProcess.start(name: "b", bind: "127.0.0.1:0", credentials: directory, echo: ["echo"])
        let a = try await NodeProcess.start(name: "a", bind: "127.0.0.1:0", credentials: directory, relay: "relay", peers: [b.address])
        defer { a.kill() }

        // This process, node "t", drives node a through its relay.
        let t = try await startNode("t", authority) { try $0.register(NodeRelay.self) }
        let system = t.system
        let relay = try t.ref(NodeRelay.self, name: "relay", on: a.address)
        let peer = "\(b.address)"

        // --peer: a associates with b at start, before any message of ours.
        var associated: UInt64? = nil
        while associated == nil { associated = try await relay.incarnation(of: peer) }
        let firstLife = try #require(associated)
        #expect(try await relay.echo(on: peer, name: "echo", text: "hello") == "hello")
        try await relay.watch(on: peer, name: "echo")
        async let stalled: Result<Int, any Error> = {
            do { return .success(try await relay.ask(.stall(on: peer, name: "echo", seconds: 600), timeout: .seconds(600))) } catch { return .failure(error) }
        }()
        while try await relay.pendingAsks() == 0 { await Task.yield() }

        b.kill()
        // Node a's ask (600 s timeout) failed at once, and a's relay passed the error on.
        let outcome = await stalled
        let error = #expect(throws: ActorError.self) { try outcome.get() }
        #expect(error?.code == .nodeUnreachable)
        var terminated: [String] = []
        while terminated.isEmpty { terminated = try await relay.terminated() }
        #expect(terminated == ["echo@\(peer): nodeUnreachable"])

        // b comes back on the same port: a new process, a new incarnation.
        let reborn = try await NodeProcess.start(name: "b", bind: "127.0.0.1:\(b.address.port)", credentials: directory, echo: ["echo"])
        defer { reborn.kill() }
        let stale = await #expect(throws: ActorError.self) { try await relay.echoWatched(on: peer, name: "echo", text: "old ref") }
        #expect(stale?.code == .actorStopped)
        #expect(try await relay.echo(on: peer, name: "echo", text: "again") == "again")
        let secondLife = try #require(try await relay.incarnation(of: peer))
        #expect(secondLife != firstLife)

        await t.close()
        try await system.shutdown()
    }
}
