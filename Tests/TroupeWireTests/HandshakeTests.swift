import Testing
import TroupeWire

private let alice = NodeIdentity(address: NodeAddress(systemName: "alice", host: "10.0.0.1", port: 7001), incarnation: 11)
private let bob = NodeIdentity(address: NodeAddress(systemName: "bob", host: "10.0.0.2", port: 7002), incarnation: 22)

/// The frame a directive list sends, if any.
private func sent(_ directives: [Handshake.Directive]) -> WireEnvelope? {
    for case .send(let envelope) in directives { return envelope }
    return nil
}

@Suite("Handshake")
struct HandshakeTests {
    @Test("hello and welcome: each side learns the other's identity and incarnation")
    func roundTrip() throws {
        var initiator = Handshake(local: alice, role: .initiator(expected: bob.address))
        var responder = Handshake(local: bob, role: .responder)
        #expect(responder.start().isEmpty)
        let hello = try #require(sent(initiator.start()))
        let answer = responder.receive(hello, peerCertificateName: "alice")
        #expect(answer.contains(.established(alice)))
        let welcome = try #require(sent(answer))
        #expect(initiator.receive(welcome, peerCertificateName: "bob") == [.established(bob)])
        #expect(initiator.state == .established(bob))
        #expect(responder.state == .established(alice))
    }

    @Test("another protocol version is refused")
    func version() {
        var responder = Handshake(local: bob, role: .responder)
        _ = responder.start()
        let hello = Handshake.frame(Handshake.helloType, from: alice, version: Handshake.protocolVersion + 1)
        let directives = responder.receive(hello, peerCertificateName: nil)
        guard case .reject(let reason) = directives.first else {
            Issue.record("expected a rejection, got \(directives)")
            return
        }
        #expect(reason.contains("protocol version"))
    }

    @Test("anything but a handshake frame first is refused")
    func notAHello() {
        var responder = Handshake(local: bob, role: .responder)
        _ = responder.start()
        let tell = WireEnvelope(kind: .tell, recipient: "x", messageType: MessageTypeID(name: "Ping"))
        #expect(responder.receive(tell, peerCertificateName: nil).count == 1)
        if case .rejected = responder.state {} else { Issue.record("not rejected: \(responder.state)") }
        #expect(responder.receive(Handshake.frame(Handshake.helloType, from: alice), peerCertificateName: nil).isEmpty, "rejected stays rejected")
    }

    @Test("a certificate naming another node than the hello claims is refused")
    func certificateMismatch() {
        var responder = Handshake(local: bob, role: .responder)
        _ = responder.start()
        let directives = responder.receive(Handshake.frame(Handshake.helloType, from: alice), peerCertificateName: "mallory")
        #expect(directives.count == 1)
        guard case .reject(let reason) = directives.first else { Issue.record("expected a rejection"); return }
        #expect(reason.contains("mallory"))
    }

    @Test("a welcome from another node than the one dialled is refused")
    func wrongPeer() {
        var initiator = Handshake(local: alice, role: .initiator(expected: bob.address))
        _ = initiator.start()
        let carol = NodeIdentity(address: NodeAddress(systemName: "carol", host: "10.0.0.2", port: 7002), incarnation: 3)
        let directives = initiator.receive(Handshake.frame(Handshake.welcomeType, from: carol), peerCertificateName: nil)
        guard case .reject(let reason) = directives.first else { Issue.record("expected a rejection"); return }
        #expect(reason.contains("carol"))
    }

    @Test("a hello where a welcome is due, or a second handshake frame, is refused")
    func outOfOrder() throws {
        var initiator = Handshake(local: alice, role: .initiator(expected: bob.address))
        _ = initiator.start()
        let wrongKind = initiator.receive(Handshake.frame(Handshake.helloType, from: bob), peerCertificateName: nil)
        #expect(wrongKind.count == 1)

        var responder = Handshake(local: bob, role: .responder)
        _ = responder.start()
        _ = responder.receive(Handshake.frame(Handshake.helloType, from: alice), peerCertificateName: nil)
        let again = responder.receive(Handshake.frame(Handshake.helloType, from: alice), peerCertificateName: nil)
        guard case .reject = again.first else { Issue.record("expected a rejection"); return }
    }
}
