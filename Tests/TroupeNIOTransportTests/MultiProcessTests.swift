import Foundation
import Testing
import Troupe
import TroupeNIOTransport
import TroupeRemote
import TroupeTestKit

/// The shape of `troupe node --echo`'s actor, registered under the same name: the wire carries the
/// registered name and the case names, so the two declarations interoperate.
@Actor
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

extension NodeEcho.Message: Codable {}

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
    static func start(name: String, bind: String, credentials directory: String, echo: [String]) async throws -> NodeProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["node", "--name", name, "--bind", bind,
                             "--cert", "\(directory)/\(name).pem", "--key", "\(directory)/\(name).key", "--trust", "\(directory)/ca.pem"]
            + echo.flatMap { ["--echo", $0] }
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

@Suite("Two processes", .timeLimit(.minutes(1)))
struct MultiProcessTests {
    @Test("a node killed with SIGKILL: pending asks fail fast, watchers are told, the restarted node needs fresh refs")
    func killedNode() async throws {
        let directory = NSTemporaryDirectory() + "troupe-certs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let authority = try DevelopmentCertificateAuthority()
        try authority.rootCertificatePEM().write(toFile: "\(directory)/ca.pem", atomically: true, encoding: .utf8)
        let (certificate, key) = try authority.issuePEM(nodeName: "b")
        try certificate.write(toFile: "\(directory)/b.pem", atomically: true, encoding: .utf8)
        try key.write(toFile: "\(directory)/b.key", atomically: true, encoding: .utf8)

        let first = try await NodeProcess.start(name: "b", bind: "127.0.0.1:0", credentials: directory, echo: ["echo", "sync"])

        // This process is node "a".
        let system = ActorSystem(name: "a")
        let registry = RemoteRegistry()
        try registry.register(NodeEcho.self, as: "troupe.node.Echo")
        let a = RemoteNode(
            system: system,
            transport: NIOTransport(
                address: NodeAddress(systemName: "a", host: "127.0.0.1", port: 0),
                security: .mutualTLS(try authority.issue(nodeName: "a"))),
            registry: registry)
        try await a.start()
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
}
