import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import TroupeCore
@testable import TroupeNIOTransport
import TroupeTestKit

/// A started TLS transport named `name` with credentials from `authority` (or `identity`).
func startTLS(_ name: String, identity: TLSIdentity) async throws -> (NIOTransport, TransportRecorder) {
    let transport = NIOTransport(address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0), security: .mutualTLS(identity))
    let recorder = TransportRecorder()
    try await transport.start(delegate: recorder)
    return (transport, recorder)
}

/// An envelope to send.
func ping(_ sequence: UInt64) -> WireEnvelope {
    WireEnvelope(kind: .tell, recipient: "x", messageType: MessageTypeID(name: "Ping"), correlationID: sequence)
}

/// Sends from `sender` to `receiver` and expects the association to be refused (lost), with
/// nothing delivered to `receiver`. Returns the loss the sender saw.
@discardableResult
func expectRefused(from sender: (NIOTransport, TransportRecorder), to receiver: (NIOTransport, TransportRecorder)) async throws -> TransportRecorder.LostAssociation {
    try sender.0.send(ping(1), to: receiver.0.localAddress)
    let lost = try await sender.1.waitForLostAssociation(with: receiver.0.localAddress)
    #expect(receiver.1.events.received.isEmpty)
    return lost
}

@Suite("NIO transport: mutual TLS refuses what it must", .timeLimit(.minutes(1)))
struct TLSTests {
    let authority: DevelopmentCertificateAuthority

    init() throws {
        authority = try DevelopmentCertificateAuthority()
    }

    /// A good peer of `target` still gets through afterwards.
    func expectStillServing(_ target: (NIOTransport, TransportRecorder)) async throws {
        let good = try await startTLS("good", identity: try authority.issue(nodeName: "good"))
        try good.0.send(ping(99), to: target.0.localAddress)
        let received = try await target.1.waitForEnvelopes(count: 1, from: good.0.localAddress)
        #expect(received.first?.correlationID == 99)
        await good.0.close()
    }

    @Test("a certificate from another authority is refused, both ways")
    func foreignAuthority() async throws {
        let target = try await startTLS("target", identity: try authority.issue(nodeName: "target"))
        let stranger = try await startTLS("stranger", identity: try DevelopmentCertificateAuthority().issue(nodeName: "stranger"))
        try await expectRefused(from: stranger, to: target)
        try await expectRefused(from: target, to: stranger)
        try await expectStillServing(target)
        await stranger.0.close()
        await target.0.close()
    }

    @Test("an expired certificate is refused")
    func expired() async throws {
        let target = try await startTLS("target", identity: try authority.issue(nodeName: "target"))
        let past = Date().addingTimeInterval(-86_400)
        let old = try await startTLS("old", identity: try authority.issue(nodeName: "old", notValidBefore: past.addingTimeInterval(-86_400), notValidAfter: past))
        try await expectRefused(from: old, to: target)
        try await expectStillServing(target)
        await old.0.close()
        await target.0.close()
    }

    @Test("a peer whose certificate names another node is refused: inbound and outbound")
    func identityMismatch() async throws {
        let target = try await startTLS("target", identity: try authority.issue(nodeName: "target"))
        // Claims to be "impostor" in its hello, but its certificate says "someone-else".
        let impostor = try await startTLS("impostor", identity: try authority.issue(nodeName: "someone-else"))
        try await expectRefused(from: impostor, to: target)
        // And a node reaching the impostor finds a certificate that is not for the node it dialled:
        // it sends nothing (not even its hello) and reports why.
        let lost = try await expectRefused(from: target, to: impostor)
        #expect((lost.error as? TransportError)?.code == .protocolViolation)
        try await expectStillServing(target)
        await impostor.0.close()
        await target.0.close()
    }

    @Test("a TLS client with no certificate is refused")
    func noClientCertificate() async throws {
        let target = try await startTLS("target", identity: try authority.issue(nodeName: "target"))
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try authority.rootCertificate()])
        configuration.certificateVerification = .noHostnameVerification
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                }
            }
            .connect(host: "127.0.0.1", port: Int(target.0.localAddress.port)).get()
        try? await channel.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 1, 0]))
        try await channel.closeFuture.get()
        #expect(target.1.events.received.isEmpty)
        try await expectStillServing(target)
        await target.0.close()
    }

    @Test("plaintext to a TLS port is refused")
    func plaintextToTLS() async throws {
        let target = try await startTLS("target", identity: try authority.issue(nodeName: "target"))
        let plain = NIOTransport(address: NodeAddress(systemName: "plain", host: "127.0.0.1", port: 0), security: .plaintext)
        let recorder = TransportRecorder()
        try await plain.start(delegate: recorder)
        try plain.send(ping(1), to: target.0.localAddress)
        try await recorder.waitForLostAssociation(with: target.0.localAddress)
        #expect(target.1.events.received.isEmpty)
        try await expectStillServing(target)
        await plain.close()
        await target.0.close()
    }
}

@Suite("NIO transport: reconnecting", .timeLimit(.minutes(1)))
struct ReconnectTests {
    @Test("after a refused connection, sends fail at once while the backoff lasts")
    func backoff() async throws {
        var settings = NIOTransport.Settings()
        // Far longer than this test can take, even on a loaded machine (the maximum caps it too).
        settings.initialReconnectBackoff = .hours(1)
        settings.maximumReconnectBackoff = .hours(1)
        let transport = NIOTransport(address: NodeAddress(systemName: "a", host: "127.0.0.1", port: 0), security: .plaintext, settings: settings)
        let recorder = TransportRecorder()
        try await transport.start(delegate: recorder)
        let nowhere = NodeAddress(systemName: "nobody", host: "127.0.0.1", port: 1)
        try transport.send(ping(1), to: nowhere)
        let lost = try await recorder.waitForLostAssociation(with: nowhere)
        #expect((lost.error as? TransportError)?.code == .connectionFailed)
        let refused = #expect(throws: TransportError.self) { try transport.send(ping(2), to: nowhere) }
        #expect(refused?.code == .unreachable)
        #expect(recorder.events.lostAssociations.count == 1, "no second connection attempt was made")
        await transport.close()
    }
}

@Suite("NIO transport: reconnect backoff on an injected clock", .timeLimit(.minutes(1)))
struct BackoffClockTests {
    @Test("once the backoff has passed on the transport's clock, a send tries again; each failure doubles the wait")
    func backoffElapses() async throws {
        let offset = Locked(Int64(0))
        let start = NIODeadline.now()
        var settings = NIOTransport.Settings()
        settings.initialReconnectBackoff = .seconds(10)
        settings.maximumReconnectBackoff = .seconds(25)
        settings.now = { start + .nanoseconds(offset.withLock { $0 }) }
        let transport = NIOTransport(address: NodeAddress(systemName: "a", host: "127.0.0.1", port: 0), security: .plaintext, settings: settings)
        let recorder = TransportRecorder()
        try await transport.start(delegate: recorder)
        let nowhere = NodeAddress(systemName: "nobody", host: "127.0.0.1", port: 1)
        /// Waits until `count` attempts have failed; returns how many have.
        func failedAttempts(reaching count: Int) async throws -> Int {
            try await recorder.wait { $0.lostAssociations.count >= count }.lostAssociations.count
        }

        try transport.send(ping(1), to: nowhere)
        #expect(try await failedAttempts(reaching: 1) == 1)
        offset.withLock { $0 += 9_000_000_000 }  // 9 s: within the first backoff (10 s)
        #expect(throws: TransportError.self) { try transport.send(ping(2), to: nowhere) }
        offset.withLock { $0 += 2_000_000_000 }  // 11 s: past it
        try transport.send(ping(3), to: nowhere)
        #expect(try await failedAttempts(reaching: 2) == 2)
        offset.withLock { $0 += 19_000_000_000 }  // 19 s after the second failure: within 20 s
        let refused = #expect(throws: TransportError.self) { try transport.send(ping(4), to: nowhere) }
        #expect(refused?.message.contains("2 connection attempt(s)") == true)
        offset.withLock { $0 += 2_000_000_000 }
        try transport.send(ping(5), to: nowhere)
        #expect(try await failedAttempts(reaching: 3) == 3)
        offset.withLock { $0 += 26_000_000_000 }  // the third wait saturates at the maximum (25 s)
        try transport.send(ping(6), to: nowhere)
        #expect(try await failedAttempts(reaching: 4) == 4)
        await transport.close()
    }
}

/// Records the identities handshakes reported, and forwards everything to a recorder.
final class IdentityRecorder: TransportDelegate {
    let inner = TransportRecorder()
    private let identities = Locked<[NodeIdentity]>([])

    var associated: [NodeIdentity] { identities.withLock { $0 } }

    func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress) {
        inner.transport(transport, received: envelope, from: address)
    }

    func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?) {
        inner.transport(transport, lostAssociationWith: address, error: error)
    }

    func transport(_ transport: any MessageTransport, associatedWith identity: NodeIdentity) {
        identities.withLock { $0.append(identity) }
    }
}

@Suite("NIO transport: handshake", .timeLimit(.minutes(1)))
struct HandshakeOverTCPTests {
    @Test("both ends learn the other's identity and incarnation")
    func incarnations() async throws {
        let authority = try DevelopmentCertificateAuthority()
        func make(_ name: String, incarnation: UInt64) throws -> NIOTransport {
            var settings = NIOTransport.Settings()
            settings.incarnation = incarnation
            return NIOTransport(
                address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0),
                security: .mutualTLS(try authority.issue(nodeName: name)), settings: settings)
        }
        let a = try make("a", incarnation: 11)
        let b = try make("b", incarnation: 22)
        let aEvents = IdentityRecorder()
        let bEvents = IdentityRecorder()
        try await a.start(delegate: aEvents)
        try await b.start(delegate: bEvents)
        try a.send(ping(1), to: b.localAddress)
        _ = try await bEvents.inner.waitForEnvelopes(count: 1, from: a.localAddress)
        #expect(aEvents.associated == [NodeIdentity(address: b.localAddress, incarnation: 22)])
        #expect(bEvents.associated == [NodeIdentity(address: a.localAddress, incarnation: 11)])
        await a.close()
        await b.close()
    }

    @Test("a hello from a new incarnation of a node drops the connection to its old one and carries a's sends; then a reconnects")
    func newIncarnationDropsStaleConnection() async throws {
        func make(_ name: String, incarnation: UInt64) -> NIOTransport {
            var settings = NIOTransport.Settings()
            settings.incarnation = incarnation
            return NIOTransport(address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0), security: .plaintext, settings: settings)
        }
        let a = make("a", incarnation: 11)
        let b = make("b", incarnation: 22)
        let aEvents = IdentityRecorder()
        let bEvents = IdentityRecorder()
        try await a.start(delegate: aEvents)
        try await b.start(delegate: bEvents)
        try a.send(ping(1), to: b.localAddress)
        _ = try await bEvents.inner.waitForEnvelopes(count: 1, from: a.localAddress)

        // Someone at b's address says hello as another life of b: as if b had restarted and the
        // connection a holds were half-open.
        let impostor = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: Int(a.localAddress.port)).get()
        let reborn = NodeIdentity(address: b.localAddress, incarnation: 23)
        try await impostor.writeAndFlush(ByteBuffer(bytes: framed(Handshake.frame(Handshake.helloType, from: reborn).serializedBytes())))
        // a closes its connection to the old life: b sees it go.
        _ = try await bEvents.inner.waitForLostAssociation(with: a.localAddress)
        #expect(aEvents.associated.contains(reborn))
        #expect(aEvents.inner.events.lostAssociations.isEmpty, "a heard of the new life instead of a loss")
        // a now sends to b on the connection the new life opened; when it closes, a loses b.
        try await impostor.close()
        _ = try await aEvents.inner.waitForLostAssociation(with: b.localAddress)

        try a.send(ping(2), to: b.localAddress)
        let received = try await bEvents.inner.waitForEnvelopes(count: 2, from: a.localAddress)
        #expect(received.map(\.correlationID) == [1, 2])
        #expect(aEvents.associated.last == NodeIdentity(address: b.localAddress, incarnation: 22), "a new connection, a new handshake")
        await a.close()
        await b.close()
    }

    @Test("two nodes share one connection: the one that did not connect answers on the other's", arguments: [false, true])
    func oneConnectionPerPair(tls: Bool) async throws {
        let endpoints = try loopbackEndpoints(2, tls: tls)
        let a = try #require(endpoints[0] as? NIOTransport)
        let b = try #require(endpoints[1] as? NIOTransport)
        let aEvents = TransportRecorder()
        let bEvents = TransportRecorder()
        try await a.start(delegate: aEvents)
        try await b.start(delegate: bEvents)
        try a.send(ping(1), to: b.localAddress)
        _ = try await bEvents.waitForEnvelopes(count: 1, from: a.localAddress)
        for sequence in 2...4 { try b.send(ping(UInt64(sequence)), to: a.localAddress) }
        let received = try await aEvents.waitForEnvelopes(count: 3, from: b.localAddress)
        #expect(received.map(\.correlationID) == [2, 3, 4])
        #expect(b.inboundConnectionCount == 1)
        #expect(a.inboundConnectionCount == 0, "b answered on the connection a opened")
        await a.close()
        await b.close()
    }
}
