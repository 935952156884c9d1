import Testing
import TroupeNIOTransport
import TroupeTestKit

/// `count` unstarted transports on 127.0.0.1, each on a free port (known once started).
func loopbackEndpoints(_ count: Int, configure: (inout NIOTransport.Settings) -> Void = { _ in }) -> [any MessageTransport] {
    var settings = NIOTransport.Settings()
    configure(&settings)
    return (0..<count).map { NIOTransport(address: NodeAddress(systemName: "node\($0)", host: "127.0.0.1", port: 0), settings: settings) }
}

@Suite("NIO transport conformance")
struct NIOTransportConformanceTests {
    @Test("the TCP transport passes every conformance check over loopback", .timeLimit(.minutes(1)))
    func conforms() async throws {
        try await TransportConformance { count in loopbackEndpoints(count) }.runAll()
    }

    @Test("and with a small maximum frame size", .timeLimit(.minutes(1)))
    func smallFrames() async throws {
        try await TransportConformance(maximumFrameSize: 4096) { count in
            loopbackEndpoints(count) { $0.maximumFrameSize = 4096 }
        }.checkLargePayloads()
    }
}
