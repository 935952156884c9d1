import Logging
import NIOCore
import NIOSSL
import NIOTLS
import TroupeWire

/// The receiving end of a connection another node opened: checks its hello, then hands every
/// envelope to the transport's delegate as coming from that node.
final class InboundConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WireEnvelope

    private let transport: NIOTransport
    private var peer: NodeIdentity?

    init(transport: NIOTransport) {
        self.transport = transport
    }

    func channelActive(context: ChannelHandlerContext) {
        transport.inboundOpened(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard let peer else {
            do {
                let hello = try Hello(from: envelope)
                if transport.security.isTLS {
                    let name = peerCommonName(context)
                    guard name == hello.identity.address.systemName else {
                        transport.refuse(context.channel, reason: "the hello names node '\(hello.identity.address.systemName)', its certificate names '\(name ?? "nothing")'")
                        return
                    }
                }
                self.peer = hello.identity
            } catch {
                transport.refuse(context.channel, reason: "\(error)")
            }
            return
        }
        transport.deliver(envelope, from: peer.address)
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport.inboundClosed(context.channel, peer: peer?.address)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transport.refuse(context.channel, reason: "\(error)")
    }
}

/// The sending end of a connection this node opened: with TLS, it checks that the peer's
/// certificate names the node it meant to reach before anything is sent; nothing is expected back
/// on it; its closing ends the association.
final class OutboundConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WireEnvelope

    private let transport: NIOTransport
    private let peer: NodeAddress
    private let verifiesPeer: Bool
    private var established = false

    init(transport: NIOTransport, peer: NodeAddress, verifiesPeer: Bool) {
        self.transport = transport
        self.peer = peer
        self.verifiesPeer = verifiesPeer
        self.established = !verifiesPeer
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if verifiesPeer, let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            let name = peerCommonName(context)
            if name == peer.systemName {
                established = true
                transport.established(context.channel, to: peer)
            } else {
                transport.connectFailed(to: peer, TransportError(.protocolViolation, "the node at \(peer.host):\(peer.port) presented a certificate for '\(name ?? "nothing")', not '\(peer.systemName)'"))
                context.close(promise: nil)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        transport.refuse(context.channel, reason: "a frame arrived on an outbound connection to \(peer)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        if established {
            transport.outboundClosed(context.channel, peer: peer, error: nil)
        } else {
            transport.connectFailed(to: peer, TransportError(.connectionFailed, "the connection to \(peer) closed during the TLS handshake"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if established {
            transport.outboundClosed(context.channel, peer: peer, error: error)
        } else {
            transport.connectFailed(to: peer, TransportError(.connectionFailed, "the TLS handshake with \(peer) failed", underlying: error))
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
