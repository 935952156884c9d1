import Logging
import NIOCore
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

/// The sending end of a connection this node opened: nothing is expected back on it; its closing
/// ends the association.
final class OutboundConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = WireEnvelope

    private let transport: NIOTransport
    private let peer: NodeAddress

    init(transport: NIOTransport, peer: NodeAddress) {
        self.transport = transport
        self.peer = peer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        transport.refuse(context.channel, reason: "a frame arrived on an outbound connection to \(peer)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        transport.outboundClosed(context.channel, peer: peer, error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        transport.outboundClosed(context.channel, peer: peer, error: error)
        context.close(promise: nil)
    }
}
