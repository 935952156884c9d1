import Testing
import Troupe
import TroupeNIOTransport
import TroupeRemote
import TroupeTestKit

// snippet:begin greeter
@Actor(codable: true)   // what crosses the wire must be Codable
struct Greeter {
    @Handler func greet(_ name: String) -> String { "Hello, \(name)!" }
}
// snippet:end

// snippet:begin node
/// A node on 127.0.0.1 with credentials for `name` from `authority`.
func makeNode(_ name: String, _ authority: DevelopmentCertificateAuthority) async throws -> RemoteNode {
    let registry = RemoteRegistry()
    try registry.register(Greeter.self)
    let transport = NIOTransport(
        address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0),
        security: .mutualTLS(try authority.issue(nodeName: name)))
    let node = RemoteNode(system: ActorSystem(name: name), transport: transport, registry: registry)
    try await node.start()
    return node
}
// snippet:end

@Suite("README remote example", .timeLimit(.minutes(1)))
struct ReadmeRemoteExampleTests {
    @Test("the README's remote example runs, and the README shows it verbatim")
    func example() async throws {
        let authority = try DevelopmentCertificateAuthority()
        let a = try await makeNode("a", authority)
        let b = try await makeNode("b", authority)
        // snippet:begin remote
        try b.system.spawn(Greeter(), name: "greeter")

        let greeter = try a.ref(Greeter.self, name: "greeter", on: b.address)
        let greeting = try await greeter.greet("Ada")      // over mutual TLS
        // snippet:end
        #expect(greeting == "Hello, Ada!")
        await a.close()
        await b.close()

        let root = String(#filePath.split(separator: "/Tests/").first!)
        let source = try #require(DocumentationSnippets.readFile(atPath: root + "/Tests/TroupeNIOTransportTests/ReadmeRemoteExampleTests.swift"))
        let readme = try #require(DocumentationSnippets.readFile(atPath: root + "/README.md"))
        let found = DocumentationSnippets.regions(in: source)
        #expect(found.count == 3)
        for (name, text) in found {
            #expect(readme.contains(text), "README.md must show the '\(name)' example verbatim")
        }
    }
}
