import Testing
import TroupeNIOTransport
import TroupeTestKit

/// `count` unstarted transports on 127.0.0.1, each on a free port (known once started); with TLS,
/// each has a certificate for its name from one development authority.
func loopbackEndpoints(_ count: Int, tls: Bool = false, configure: (inout NIOTransport.Settings) -> Void = { _ in }) throws -> [any MessageTransport] {
    var settings = NIOTransport.Settings()
    configure(&settings)
    let authority = tls ? try DevelopmentCertificateAuthority() : nil
    return try (0..<count).map { index in
        let name = "node\(index)"
        let security: TransportSecurity = try authority.map { .mutualTLS(try $0.issue(nodeName: name)) } ?? .plaintext
        return NIOTransport(address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0), security: security, settings: settings)
    }
}

@Suite("NIO transport conformance")
struct NIOTransportConformanceTests {
    @Test("the TCP transport passes every conformance check over loopback, plaintext and mutual TLS", .timeLimit(.minutes(1)), arguments: [false, true])
    func conforms(tls: Bool) async throws {
        try await TransportConformance { count in try loopbackEndpoints(count, tls: tls) }.runAll()
    }

    @Test("and with a small maximum frame size", .timeLimit(.minutes(1)))
    func smallFrames() async throws {
        try await TransportConformance(maximumFrameSize: 4096) { count in
            try loopbackEndpoints(count, tls: true) { $0.maximumFrameSize = 4096 }
        }.checkLargePayloads()
    }
}
