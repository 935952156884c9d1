import ArgumentParser
import Foundation
import Troupe
import TroupeNIOTransport
import TroupeRemote

/// `troupe node`: starts an actor system with a remote node and runs until killed.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Start a node: an actor system reachable over TCP (mutual TLS unless --plaintext).")

    @Option(help: "The node's system name (its certificate's common name with TLS).")
    var name: String

    @Option(help: "Where to listen, host:port (port 0: any free port).")
    var bind: String = "127.0.0.1:0"

    @Option(help: "PEM file with the node's certificate chain.")
    var cert: String?

    @Option(help: "PEM file with the node's private key.")
    var key: String?

    @Option(help: "PEM file with the trusted root certificates.")
    var trust: String?

    @Flag(help: "Use plaintext TCP instead of mutual TLS (trusted networks and benchmarks only).")
    var plaintext = false

    @Option(help: "A node to associate with at start, name@host:port; may be repeated.")
    var peer: [String] = []

    @Option(help: "Host an echo actor under this name (for tests); may be repeated.")
    var echo: [String] = []

    @Option(help: "Host a relay actor under this name (for tests: it reaches echo actors on other nodes from this one).")
    var relay: String?

    func validate() throws {
        if !plaintext && (cert == nil || key == nil || trust == nil) {
            throw ValidationError("mutual TLS needs --cert, --key and --trust (or pass --plaintext)")
        }
        for peer in peer {
            do {
                _ = try NodeAddress(parsing: peer)
            } catch {
                throw ValidationError("--peer \(peer): \(error)")
            }
        }
    }

    func run() async throws {
        let address = try NodeAddress(parsing: "\(name)@\(bind)")
        let security: TransportSecurity = plaintext
            ? .plaintext
            : .mutualTLS(try TLSIdentity(certificateChainFile: cert!, privateKeyFile: key!, trustRootsFile: trust!))
        let system = ActorSystem(name: name)
        let registry = RemoteRegistry()
        try registry.register(NodeEcho.self)
        try registry.register(NodeRelay.self)
        let node = RemoteNode(system: system, transport: NIOTransport(address: address, security: security), registry: registry)
        try await node.start()
        for echoName in echo {
            try system.spawn(NodeEcho(), name: echoName)
        }
        if let relay {
            try system.spawn(NodeRelay(node: node), name: relay)
        }
        for peer in peer {
            try node.associate(with: try NodeAddress(parsing: peer))
        }
        print("READY \(node.address)")
        fflush(nil)
        // Serve until the system shuts down (or the process is killed).
        await system.terminated
    }
}

/// `troupe certs`: writes a development authority and node credentials as PEM files.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Write a development certificate authority and certificates for the named nodes.")

    @Option(help: "The folder to write ca.pem, NODE.pem and NODE.key into.")
    var out: String

    @Argument(help: "The nodes' system names.")
    var nodes: [String]

    func run() throws {
        let authority = try DevelopmentCertificateAuthority()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try authority.rootCertificatePEM().write(toFile: "\(out)/ca.pem", atomically: true, encoding: .utf8)
        for node in nodes {
            let (certificate, key) = try authority.issuePEM(nodeName: node)
            try certificate.write(toFile: "\(out)/\(node).pem", atomically: true, encoding: .utf8)
            try key.write(toFile: "\(out)/\(node).key", atomically: true, encoding: .utf8)
        }
        print("wrote \(out)/ca.pem and credentials for \(nodes.joined(separator: ", "))")
    }
}
