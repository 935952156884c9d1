import Logging
import NIOCore
import NIOSSL
import NIOTLS
import TroupeWire

/// The end of a connection another node opened: runs the responder's side of the ``Handshake``
/// (hello in, welcome out), then hands every envelope to the transport's delegate as coming from
/// that node; the transport sends to that node on it too, unless it has a connection of its own.
/// Envelopes come from the connection's ``WireFrameDecoder``; this handler sees the channel's events.
final class InboundConnectionHandler: ChannelInboundHandler, EnvelopeReceiver {
    typealias InboundIn = Never

    private let transport: NIOTransport
    private var handshake: Handshake
    private var peer: NodeIdentity?

    init(transport: NIOTransport) {
        self.transport = transport
        self.handshake = Handshake(local: transport.identity, role: .responder)
        _ = handshake.start()
    }

    func channelActive(context: ChannelHandlerContext) {
        transport.inboundOpened(context.channel)
        context.fireChannelActive()
    }

    func received(_ envelope: WireEnvelope, context: ChannelHandlerContext) {
        if let peer {
            transport.deliver(envelope, from: peer.address)
            return
        }
        let certificateName = transport.security.isTLS ? (peerCommonName(context) ?? "") : nil
        for directive in handshake.receive(envelope, peerCertificateName: certificateName) {
            switch directive {
            case .send(let frame):
                context.writeAndFlush(NIOAny(transport.framed(frame)), promise: nil)
            case .established(let identity):
                peer = identity
                transport.inboundEstablished(context.channel, identity: identity)
            case .reject(let reason):
                transport.refuse(context.channel, reason: reason)
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let peer, context.channel.isWritable { transport.writable(context.channel, to: peer.address) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport.inboundClosed(context.channel, peer: peer?.address)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transport.refuse(context.channel, reason: "\(error)")
    }
}

/// The end of a connection this node opened: with TLS it first checks that the peer's
/// certificate names the node it meant to reach; then it runs the initiator's side of the
/// ``Handshake`` (hello out, welcome in) and only then lets queued envelopes go. The peer sends on
/// it too (one connection per pair of nodes); its closing ends the association. Envelopes come
/// from the connection's ``WireFrameDecoder``; this handler sees the channel's events.
final class OutboundConnectionHandler: ChannelInboundHandler, EnvelopeReceiver {
    typealias InboundIn = Never

    private let transport: NIOTransport
    private let peer: NodeAddress
    private let verifiesPeer: Bool
    private var handshake: Handshake
    private var established = false

    init(transport: NIOTransport, peer: NodeAddress, verifiesPeer: Bool) {
        self.transport = transport
        self.peer = peer
        self.verifiesPeer = verifiesPeer
        self.handshake = Handshake(local: transport.identity, role: .initiator(expected: peer))
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        if !verifiesPeer { sayHello(context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if verifiesPeer, let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            let name = peerCommonName(context)
            if name == peer.systemName {
                sayHello(context)
            } else {
                transport.connectFailed(to: peer, TransportError(.protocolViolation, "the node at \(peer.host):\(peer.port) presented a certificate for '\(name ?? "nothing")', not '\(peer.systemName)'"))
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func sayHello(_ context: ChannelHandlerContext) {
        for case .send(let frame) in handshake.start() {
            context.writeAndFlush(NIOAny(transport.framed(frame)), promise: nil)
        }
    }

    func received(_ envelope: WireEnvelope, context: ChannelHandlerContext) {
        guard !established else {
            // The peer sends on the connection this node opened, too (replies, its own messages).
            transport.deliver(envelope, from: peer)
            return
        }
        let certificateName = verifiesPeer ? (peerCommonName(context) ?? "") : nil
        for directive in handshake.receive(envelope, peerCertificateName: certificateName) {
            switch directive {
            case .send(let frame):
                context.writeAndFlush(NIOAny(transport.framed(frame)), promise: nil)
            case .established(let identity):
                established = true
                transport.established(context.channel, to: peer, identity: identity)
            case .reject(let reason):
                transport.connectFailed(to: peer, TransportError(.protocolViolation, "the handshake with \(peer) failed: \(reason)"))
                context.close(promise: nil)
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if established, context.channel.isWritable { transport.writable(context.channel, to: peer) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if established {
            transport.outboundClosed(context.channel, peer: peer, error: nil)
        } else {
            transport.connectFailed(to: peer, TransportError(.connectionFailed, "the connection to \(peer) closed before its handshake finished"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if established {
            transport.outboundClosed(context.channel, peer: peer, error: error)
        } else {
            transport.connectFailed(to: peer, TransportError(.connectionFailed, "connecting to \(peer) failed", underlying: error))
        }
        context.close(promise: nil)
    }
}

/// The common name of the TLS peer's certificate on this channel, if any.
func peerCommonName(_ context: ChannelHandlerContext) -> String? {
    guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self),
          let certificate = handler.peerCertificate else { return nil }
    return commonName(of: certificate)
}
