#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Troupe
import TroupeNIOTransport
import TroupeRemote

// snippet:begin greeter
@Actor
struct Greeter {
    @Handler func greet(_ name: String) -> String { "Hello, \(name)!" }
}

extension Greeter.Message: Codable {}   // what crosses the wire must be Codable
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
        let source = try #require(readFile(root + "/Tests/TroupeNIOTransportTests/ReadmeRemoteExampleTests.swift"))
        let readme = try #require(readFile(root + "/README.md"))
        let found = snippetRegions(in: source)
        #expect(found.count == 3)
        for (name, text) in found {
            #expect(readme.contains(text), "README.md must show the '\(name)' example verbatim")
        }
    }
}

/// The contents of the file at `path`.
private func readFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The regions between `// snippet:begin NAME` and `// snippet:end`, de-indented.
private func snippetRegions(in source: String) -> [(String, String)] {
    var found: [(String, String)] = []
    var current: (name: String, lines: [Substring])?
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("// snippet:begin ") {
            current = (String(trimmed.dropFirst("// snippet:begin ".count)), [])
        } else if trimmed.hasPrefix("// snippet:end"), let open = current {
            let indent = open.lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
            found.append((open.name, open.lines.map { $0.isEmpty ? "" : String($0.dropFirst(indent)) }.joined(separator: "\n")))
            current = nil
        } else if current != nil {
            current!.lines.append(line)
        }
    }
    return found
}
