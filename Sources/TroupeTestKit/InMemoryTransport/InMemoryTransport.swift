import TroupeWire

/// One endpoint of an ``InMemoryNetwork``: a ``MessageTransport`` for tests, with the network's
/// faults applied to what it sends. Make one with ``InMemoryNetwork/makeTransport(address:)``.
///
/// It needs no clock advance and no waiting on links without delay: `send` delivers before it
/// returns. See ``InMemoryNetwork`` for delivery, faults and association semantics.
public final class InMemoryTransport: MessageTransport, CustomStringConvertible {
    /// The network this endpoint belongs to.
    public let network: InMemoryNetwork
    /// The address this endpoint listens at once started.
    public let localAddress: NodeAddress
    /// Tells this endpoint apart from an earlier or later one at the same address.
    let serial: UInt64

    init(network: InMemoryNetwork, address: NodeAddress, serial: UInt64) {
        self.network = network
        self.localAddress = address
        self.serial = serial
    }

    /// Starts listening at ``localAddress`` and delivering to `delegate`.
    ///
    /// Throws ``TransportError`` `alreadyStarted`, `closed`, or `addressInUse` (another started
    /// endpoint has the address).
    public func start(delegate: any TransportDelegate) async throws {
        try network.start(self, delegate: delegate)
    }

    /// Sends `envelope` to the endpoint at `address`, applying the link's partition and faults;
    /// on a link without delay it is delivered before this returns.
    ///
    /// Throws ``TransportError`` `notStarted`, `closed`, `frameTooLarge`, or `unknownAddress` (no
    /// started endpoint listens at `address`). Envelopes lost to faults or partitions do not
    /// throw; they are counted in ``InMemoryNetwork/stats(from:to:)``.
    public func send(_ envelope: WireEnvelope, to address: NodeAddress) throws {
        try network.send(envelope, from: self, to: address)
    }

    /// Stops listening, drops the envelopes in flight to and from this endpoint (counted as
    /// dropped), and tells every associated peer that the association was lost (`error` `nil`).
    /// The address can then be used by a new endpoint. Idempotent.
    public func close() async {
        network.close(self)
    }

    public var description: String {
        "InMemoryTransport(\(localAddress))"
    }
}
