/// Moves ``WireEnvelope``s between nodes: the contract that the in-memory transport (for tests,
/// in `TroupeTestKit`) and the TCP+TLS transport (in `TroupeRemote`) both implement, and that
/// `TransportConformance` checks.
///
/// Guarantees:
/// - **Order**: envelopes sent from one endpoint to one address arrive in the order `send` was
///   called (for calls not made concurrently with each other).
/// - **At most once**: an envelope is delivered once or not at all; loss is reported per
///   association through ``TransportDelegate/transport(_:lostAssociationWith:error:)``, not per
///   envelope. Reliable delivery is built on top.
/// - **Bounded frames**: an envelope larger than the transport's maximum frame size is refused by
///   `send`, never cut or sent.
///
/// - Warning: Delegate methods are called on the transport's threads (for the in-memory
///   transport, often on the thread that called `send`). They must be quick and must not block;
///   they may call `send`.
public protocol MessageTransport: AnyObject, Sendable {
    /// The address other nodes reach this endpoint at.
    var localAddress: NodeAddress { get }

    /// Starts accepting and delivering inbound envelopes and association events to `delegate`.
    /// The transport keeps `delegate` until ``close()``.
    ///
    /// Throws a ``TransportError``: ``TransportError/Code/alreadyStarted`` if called twice,
    /// ``TransportError/Code/closed`` after ``close()``, ``TransportError/Code/addressInUse`` if
    /// another endpoint listens at ``localAddress``, or a transport-specific error.
    func start(delegate: any TransportDelegate) async throws

    /// Queues `envelope` for the node at `address` and returns without waiting for delivery.
    ///
    /// Ordered per (sender, receiver) pair; at most once. Throws a ``TransportError``:
    /// ``TransportError/Code/notStarted`` before ``start(delegate:)``,
    /// ``TransportError/Code/closed`` after ``close()``, ``TransportError/Code/frameTooLarge`` for
    /// an envelope over the maximum frame size, and ``TransportError/Code/unknownAddress`` when
    /// the transport knows at once that nothing listens at `address` (a transport that finds out
    /// later reports ``TransportDelegate/transport(_:lostAssociationWith:error:)`` instead).
    func send(_ envelope: WireEnvelope, to address: NodeAddress) throws

    /// Closes every association and stops delivering; peers learn that their association with
    /// this node was lost. Envelopes still in flight may be dropped. Idempotent.
    func close() async
}

/// Receives what a ``MessageTransport`` delivers: inbound envelopes and lost associations.
///
/// - Warning: Called on the transport's threads, possibly concurrently for different peers;
///   implementations must be thread-safe, quick and non-blocking. Calls about one peer are
///   made one at a time, in order.
public protocol TransportDelegate: AnyObject, Sendable {
    /// `envelope` arrived from the node at `address` (the sender's ``MessageTransport/localAddress``).
    func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress)

    /// A handshake with the node `identity` finished: the transport knows which life of the node
    /// it talks to. A new incarnation at a known address means the node restarted. Transports
    /// without a handshake (the in-memory one) never call it; the default does nothing.
    func transport(_ transport: any MessageTransport, associatedWith identity: NodeIdentity)

    /// The association with the node at `address` was lost: it closed (`error` is `nil`), the
    /// connection failed, or the network partitioned (`error` says why). Envelopes sent to it and
    /// not yet delivered may be lost; a later `send` to it tries to associate again.
    func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?)
}

extension TransportDelegate {
    public func transport(_ transport: any MessageTransport, associatedWith identity: NodeIdentity) {}
}
