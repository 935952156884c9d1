#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import TroupeWire

/// A `MessageTransport` over TCP on swift-nio, with mutual TLS 1.3 or (explicitly) plaintext.
///
/// With TLS, both sides present certificates that must chain to the other's trust roots, and a
/// certificate's common name must be the node's system name: an inbound hello claiming another
/// name, or an outbound peer whose certificate names another node, is refused (nothing is sent to
/// a peer before its certificate has been checked).
///
/// Each node listens on its address and opens a connection to a peer it sends to, lazily on the
/// first `send`, unless the peer already opened one to it: a connection carries both directions,
/// so a pair of nodes usually shares one. Each connection begins with a `Handshake` (the caller's
/// hello, the callee's welcome: identities, incarnations, protocol version); envelopes go only
/// once it is done. Envelopes to one peer go down one connection in the order `send` was called.
/// Envelopes wait in a bounded outbox per peer (a full one makes `send` throw) until the event loop
/// writes them, all that have gathered at once with one flush: one system call per batch, not per
/// envelope. A failed or closed connection is reported to the delegate as a lost association; the
/// next `send` connects again.
///
/// Bad input on an inbound connection (garbage, a frame over the maximum size, a missing or
/// wrong-version hello) closes that connection with a logged reason; other connections go on.
public final class NIOTransport: MessageTransport, Sendable {
    /// Settings of a transport. Every field has a documented default.
    public struct Settings: Sendable {
        /// The largest envelope, serialized, that may be sent or received. Default: 1 MiB.
        public var maximumFrameSize = FrameEncoder.defaultMaximumFrameSize
        /// How many envelopes may wait for a connection to one peer. Default: 10,000.
        public var outboundQueueLimit = 10_000
        /// How long a connection attempt may take. Default: 5 seconds.
        public var connectTimeout: TimeAmount = .seconds(5)
        /// After a failed connection attempt, sends to that peer fail at once (with
        /// `TransportError` code `unreachable`) for this long, doubling with each further failure
        /// up to ``maximumReconnectBackoff``; a connection that succeeds resets it. Default: 100 ms.
        public var initialReconnectBackoff: TimeAmount = .milliseconds(100)
        /// The longest wait between connection attempts to one peer. Default: 5 seconds.
        public var maximumReconnectBackoff: TimeAmount = .seconds(5)
        /// The clock the reconnect backoff reads. Default: NIO's monotonic clock; tests may pass
        /// one they move themselves.
        public var now: @Sendable () -> NIODeadline = { .now() }
        /// This life of the node: a restarted node has a new incarnation. Default: random.
        public var incarnation = UInt64.random(in: 1 ... .max)
        /// Where the transport logs (at debug, and refusals at warning). Default: label `troupe.transport`.
        public var logger = Logger(label: "troupe.transport")

        /// Creates the default settings.
        public init() {}
    }

    private enum Phase {
        case idle
        case starting
        case started(server: any Channel, delegate: any TransportDelegate, tls: TLSContexts?)
        case closed
    }

    /// The way to one peer: frames wait in `outbox`, one buffer written back to back, for the
    /// connection (while `channel` is `nil`) or for the event loop, which writes the whole buffer
    /// with one write and one flush per batch.
    ///
    /// `@unchecked Sendable`: every field is read and written only with the transport's lock held
    /// (`state.withLockedValue`); no reference escapes the lock.
    private final class PeerLink: @unchecked Sendable {
        var channel: (any Channel)?
        /// The life of the peer the connection reached (known once its handshake is done).
        var incarnation: UInt64?
        var outbox: ByteBuffer
        /// How many frames `outbox` holds.
        var queued = 0
        var drainScheduled = false

        init(allocator: ByteBufferAllocator) {
            outbox = allocator.buffer(capacity: 4096)
        }

        /// A link over a connection the peer opened (adopted once its handshake is done).
        init(adopting channel: any Channel, incarnation: UInt64, allocator: ByteBufferAllocator) {
            self.channel = channel
            self.incarnation = incarnation
            outbox = allocator.buffer(capacity: 4096)
        }

        func append(_ bytes: [UInt8]) {
            outbox.writeFrame(bytes)
            queued += 1
        }
    }

    /// Failed connection attempts to one peer, and when the next may be made.
    private struct Backoff {
        var failures: Int
        var retryAt: NIODeadline
    }

    private struct State {
        var phase = Phase.idle
        var address: NodeAddress
        var outbound: [NodeAddress: PeerLink] = [:]
        var inbound: [ObjectIdentifier: any Channel] = [:]
        var backoff: [NodeAddress: Backoff] = [:]
    }

    /// The TLS contexts, made once at start.
    struct TLSContexts: Sendable {
        let server: NIOSSLContext
        let client: NIOSSLContext
    }

    private let state: NIOLockedValueBox<State>
    /// How connections are protected.
    public let security: TransportSecurity
    /// The one event loop all of this transport's connections run on: a reply to an envelope read
    /// on the loop is written on the same thread, with no hand-off.
    private let eventLoop: any EventLoop
    private let allocator = ByteBufferAllocator()
    /// The settings the transport was created with.
    public let settings: Settings

    /// A transport that will listen at `address` (port 0: any free port, known after ``start(delegate:)``),
    /// on one of `group`'s event loops (taken at creation): every connection of the transport runs on
    /// that loop, so what it reads and what it writes in response never change threads.
    public init(
        address: NodeAddress, security: TransportSecurity, settings: Settings = .init(),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.state = NIOLockedValueBox(State(address: address))
        self.security = security
        self.settings = settings
        self.eventLoop = group.next()
    }

    /// The address peers reach this node at (with the real port once started).
    public var localAddress: NodeAddress {
        state.withLockedValue { $0.address }
    }

    /// This node's identity: its address and incarnation.
    public var identity: NodeIdentity {
        NodeIdentity(address: localAddress, incarnation: settings.incarnation)
    }

    // MARK: Lifecycle

    public func start(delegate: any TransportDelegate) async throws {
        let address: NodeAddress = try state.withLockedValue { (state: inout State) throws(TransportError) -> NodeAddress in
            switch state.phase {
            case .idle: state.phase = .starting
            case .starting, .started: throw TransportError(.alreadyStarted, "the transport at \(state.address) was already started")
            case .closed: throw TransportError(.closed, "the transport at \(state.address) was closed")
            }
            return state.address
        }
        let maximumFrameSize = settings.maximumFrameSize
        let tls: TLSContexts?
        do {
            if case .mutualTLS(let identity) = security.mode {
                tls = TLSContexts(
                    server: try NIOSSLContext(configuration: identity.serverConfiguration()),
                    client: try NIOSSLContext(configuration: identity.clientConfiguration()))
            } else {
                tls = nil
            }
        } catch {
            state.withLockedValue { $0.phase = .idle }
            throw TransportError(.connectionFailed, "the TLS credentials are unusable", underlying: error)
        }
        let server: any Channel
        do {
            server = try await ServerBootstrap(group: eventLoop)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.server)) }
                        let connection = InboundConnectionHandler(transport: self)
                        try channel.pipeline.syncOperations.addHandlers([
                            ByteToMessageHandler(WireFrameDecoder(maximumFrameSize: maximumFrameSize, receiver: connection)),
                            connection,
                        ])
                    }
                }
                .bind(host: address.host, port: Int(address.port))
                .get()
        } catch {
            state.withLockedValue { $0.phase = .idle }
            if let error = error as? IOError, error.errnoCode == EADDRINUSE {
                throw TransportError(.addressInUse, "another process listens at \(address)", underlying: error)
            }
            throw TransportError(.connectionFailed, "cannot listen at \(address)", underlying: error)
        }
        state.withLockedValue { state in
            if let port = server.localAddress?.port {
                state.address = NodeAddress(systemName: address.systemName, host: address.host, port: UInt16(port))
            }
            state.phase = .started(server: server, delegate: delegate, tls: tls)
        }
        settings.logger.debug("transport listening", metadata: ["remote.node": "\(localAddress)"])
    }

    public func close() async {
        let (server, channels): ((any Channel)?, [any Channel]) = state.withLockedValue { state in
            guard case .started(let server, _, _) = state.phase else {
                state.phase = .closed
                return (nil, [])
            }
            state.phase = .closed
            var channels = Array(state.inbound.values)
            channels.append(contentsOf: state.outbound.values.compactMap(\.channel))
            state.outbound = [:]
            state.inbound = [:]
            return (server, channels)
        }
        for channel in channels { try? await channel.close() }
        try? await server?.close()
    }

    // MARK: Sending

    public func send(_ envelope: WireEnvelope, to address: NodeAddress) throws {
        let bytes = envelope.serializedBytes()
        guard bytes.count <= settings.maximumFrameSize else {
            throw TransportError(.frameTooLarge, "an envelope of \(bytes.count) bytes is over the maximum frame size of \(settings.maximumFrameSize)")
        }
        let limit = settings.outboundQueueLimit
        enum Next { case nothing, connect, drain(any Channel), drainNow(any Channel) }
        let next: Next = try state.withLockedValue { (state: inout State) throws(TransportError) -> Next in
            switch state.phase {
            case .idle, .starting: throw TransportError(.notStarted, "the transport at \(state.address) has not been started")
            case .closed: throw TransportError(.closed, "the transport at \(state.address) is closed")
            case .started: break
            }
            guard let link = state.outbound[address] else {
                if let backoff = state.backoff[address], case let now = settings.now(), now < backoff.retryAt {
                    throw TransportError(.unreachable, "\(address) refused \(backoff.failures) connection attempt(s); the next is allowed in \((backoff.retryAt - now).nanoseconds / 1_000_000) ms")
                }
                let link = PeerLink(allocator: allocator)
                link.append(bytes)
                state.outbound[address] = link
                return .connect
            }
            guard link.queued < limit else {
                let waitingFor = link.channel == nil ? "the connection to" : "room on the connection to"
                throw TransportError(.unreachable, "\(limit) envelopes already wait for \(waitingFor) \(address)")
            }
            link.append(bytes)
            guard let channel = link.channel else { return .nothing }
            if link.queued >= Self.inLoopBatch, channel.eventLoop.inEventLoop {
                // A sender on the loop itself (a reply, a turn run by the loop) that keeps sending
                // would never let a scheduled drain run: write now.
                return .drainNow(channel)
            }
            if link.drainScheduled { return .nothing }
            link.drainScheduled = true
            return .drain(channel)
        }
        switch next {
        case .nothing: break
        case .connect: connect(to: address)
        case .drain(let channel): channel.eventLoop.execute { [self] in drainOutbox(of: channel, to: address) }
        case .drainNow(let channel): drainOutbox(of: channel, to: address)
        }
    }

    /// How many frames a sender on the event loop gathers before writing them itself.
    private static let inLoopBatch = 256

    /// On the channel's event loop: writes every frame gathered for `address`, as one buffer with
    /// one flush, if the connection can take writes now; otherwise they stay in the outbox (still
    /// bounded by ``Settings/outboundQueueLimit``) until the channel is writable again.
    private func drainOutbox(of channel: any Channel, to address: NodeAddress) {
        let batch: ByteBuffer? = state.withLockedValue { state in
            guard let link = state.outbound[address], link.channel === channel else { return nil }
            link.drainScheduled = false
            guard channel.isWritable, link.queued > 0 else { return nil }
            let batch = link.outbox
            link.outbox = allocator.buffer(capacity: max(4096, min(batch.readableBytes, 1 << 20)))
            link.queued = 0
            return batch
        }
        if let batch { channel.writeAndFlush(batch, promise: nil) }
    }

    /// The connection to `address` can take writes again: go on with its outbox.
    func writable(_ channel: any Channel, to address: NodeAddress) {
        drainOutbox(of: channel, to: address)
    }

    private func connect(to address: NodeAddress) {
        let maximumFrameSize = settings.maximumFrameSize
        let tls: TLSContexts? = state.withLockedValue { state in
            if case .started(_, _, let tls) = state.phase { return tls }
            return nil
        }
        ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: 64 * 1024, high: 256 * 1024))
            .connectTimeout(settings.connectTimeout)
            .channelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls.client, serverHostname: nil))
                    }
                    let connection = OutboundConnectionHandler(transport: self, peer: address, verifiesPeer: tls != nil)
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(WireFrameDecoder(maximumFrameSize: maximumFrameSize, receiver: connection)),
                        connection,
                    ])
                }
            }
            .connect(host: address.host, port: Int(address.port))
            .whenComplete { [self] result in
                switch result {
                case .success:
                    // The connection's handler runs the handshake and calls `established`.
                    break
                case .failure(let error):
                    connectFailed(to: address, TransportError(.connectionFailed, "cannot connect to \(address)", underlying: error))
                }
            }
    }

    /// The connection to `address` finished its handshake (and, with TLS, its peer was verified):
    /// on the channel's event loop, send everything queued, then take sends directly.
    func established(_ channel: any Channel, to address: NodeAddress, identity peer: NodeIdentity) {
        // Reported before anything queued goes out, so the delegate hears of the incarnation first.
        associated(with: peer)
        let stale: Bool = state.withLockedValue { state in
            guard case .started = state.phase, let link = state.outbound[address], link.channel == nil else { return true }
            link.channel = channel
            link.incarnation = peer.incarnation
            state.backoff[address] = nil
            return false
        }
        if stale {
            channel.close(promise: nil)
            return
        }
        drainOutbox(of: channel, to: address)
        settings.logger.debug("association established", metadata: ["remote.peer": "\(peer)"])
    }

    /// Tells the delegate which incarnation of a node a handshake reached. A connection of ours to
    /// an earlier incarnation of that node leads to a process that is gone (a half-open connection
    /// the kernel has not noticed yet): it is dropped and closed without reporting a loss, since
    /// the delegate hears of the new incarnation instead; the next send connects afresh.
    func associated(with identity: NodeIdentity) {
        let stale: (any Channel)? = state.withLockedValue { state in
            guard let link = state.outbound[identity.address], let incarnation = link.incarnation,
                  incarnation != identity.incarnation else { return nil }
            state.outbound[identity.address] = nil
            return link.channel
        }
        if let stale {
            settings.logger.debug("peer restarted: closing the connection to its previous incarnation", metadata: ["remote.peer": "\(identity)"])
            stale.close(promise: nil)
        }
        currentDelegate?.transport(self, associatedWith: identity)
    }

    /// A handshake frame, framed for the wire.
    func framed(_ envelope: WireEnvelope) -> ByteBuffer {
        frame(envelope.serializedBytes(), allocator: allocator)
    }

    /// Connecting to `address` failed (or its peer was refused): drop what waited, report the loss.
    func connectFailed(to address: NodeAddress, _ error: TransportError) {
        let initial = settings.initialReconnectBackoff.nanoseconds
        let maximum = settings.maximumReconnectBackoff.nanoseconds
        let delegate: (any TransportDelegate)? = state.withLockedValue { state in
            guard case .started(_, let delegate, _) = state.phase, let link = state.outbound[address], link.channel == nil else { return nil }
            state.outbound[address] = nil
            let failures = (state.backoff[address]?.failures ?? 0) + 1
            // Doubling per failure, saturating at the maximum (never shifted past it).
            let shift = min(failures - 1, 62)
            let delay = initial > (maximum >> shift) ? maximum : min(maximum, initial << shift)
            state.backoff[address] = Backoff(failures: failures, retryAt: settings.now() + .nanoseconds(delay))
            return delegate
        }
        settings.logger.debug("connection failed", metadata: ["remote.peer": "\(address)", "error": "\(error)"])
        delegate?.transport(self, lostAssociationWith: address, error: error)
    }

    // MARK: Events from the connections

    func inboundOpened(_ channel: any Channel) {
        let refused: Bool = state.withLockedValue { state in
            guard case .started = state.phase else { return true }
            state.inbound[ObjectIdentifier(channel)] = channel
            return false
        }
        if refused { channel.close(promise: nil) }
    }

    /// An inbound connection finished its handshake with `identity`. If this node has no way of
    /// its own to that peer yet, it sends on this connection too: one connection per pair of
    /// nodes, so a reply travels back where its request came in (and carries that connection's
    /// acknowledgement), instead of on a second connection.
    func inboundEstablished(_ channel: any Channel, identity: NodeIdentity) {
        associated(with: identity)
        state.withLockedValue { state in
            guard case .started = state.phase, state.outbound[identity.address] == nil else { return }
            state.outbound[identity.address] = PeerLink(adopting: channel, incarnation: identity.incarnation, allocator: allocator)
            state.backoff[identity.address] = nil
        }
    }

    func deliver(_ envelope: WireEnvelope, from address: NodeAddress) {
        guard let delegate = currentDelegate else { return }
        delegate.transport(self, received: envelope, from: address)
    }

    func inboundClosed(_ channel: any Channel, peer: NodeAddress?) {
        let delegate: (any TransportDelegate)? = state.withLockedValue { state in
            state.inbound[ObjectIdentifier(channel)] = nil
            guard case .started(_, let delegate, _) = state.phase, let peer else { return nil }
            // The connection this node also sent on: the association ends with it.
            if let link = state.outbound[peer], link.channel === channel {
                state.outbound[peer] = nil
                return delegate
            }
            // With another connection to the peer (made, or being made: perhaps to the peer's
            // next incarnation), that one reports the loss; a late close of an old inbound
            // connection must not end the new association.
            if state.outbound[peer] != nil { return nil }
            return delegate
        }
        if let delegate, let peer { delegate.transport(self, lostAssociationWith: peer, error: nil) }
    }

    func outboundClosed(_ channel: any Channel, peer: NodeAddress, error: (any Error)?) {
        let delegate: (any TransportDelegate)? = state.withLockedValue { state in
            guard let link = state.outbound[peer], link.channel === channel else { return nil }
            state.outbound[peer] = nil
            guard case .started(_, let delegate, _) = state.phase else { return nil }
            return delegate
        }
        delegate?.transport(self, lostAssociationWith: peer, error: error)
    }

    /// How many connections other nodes opened to this one are open (for tests).
    var inboundConnectionCount: Int {
        state.withLockedValue { $0.inbound.count }
    }

    /// Closes an inbound connection that sent something this node does not accept.
    func refuse(_ channel: any Channel, reason: String) {
        settings.logger.warning("closing connection", metadata: ["remote.node": "\(localAddress)", "remote.reason": "\(reason)"])
        channel.close(promise: nil)
    }

    private var currentDelegate: (any TransportDelegate)? {
        state.withLockedValue { state in
            guard case .started(_, let delegate, _) = state.phase else { return nil }
            return delegate
        }
    }
}
