import TroupeCore
import TroupeWire

/// A directed link: envelopes from `from` to `to`.
struct LinkKey: Hashable {
    let from: NodeAddress
    let to: NodeAddress
}

/// An unordered pair of addresses that have an association (one has sent to the other).
struct Association: Hashable {
    let first: NodeAddress
    let second: NodeAddress

    init(_ a: NodeAddress, _ b: NodeAddress) {
        (first, second) = a < b ? (a, b) : (b, a)
    }

    func contains(_ address: NodeAddress) -> Bool { first == address || second == address }
    func peer(of address: NodeAddress) -> NodeAddress { first == address ? second : first }
}

/// An envelope on its way, tied to the sender and receiver endpoints it was sent between (so that
/// a restarted endpoint at the same address never receives its predecessor's mail).
struct InFlightEnvelope {
    let envelope: WireEnvelope
    /// When it may be delivered; `nil` at once.
    let deliverAt: ActorInstant?
    let senderSerial: UInt64
    let receiverSerial: UInt64

    func isReady(now: ActorInstant) -> Bool {
        deliverAt.map { $0 <= now } ?? true
    }
}

/// The state of one directed link: its faults, its FIFO queue, and its stats.
struct LinkState {
    /// This link's own faults; `nil` uses the network's default.
    var faults: LinkFaults?
    /// Envelopes in sending order; `queue[head...]` are pending.
    private var queue: [InFlightEnvelope] = []
    private var head = 0
    /// The envelope held back by the reorder fault, if any.
    var held: InFlightEnvelope?
    /// Whether some thread is delivering this link's queue (only one does, to keep order).
    var isDraining = false
    var stats = LinkStats()

    var first: InFlightEnvelope? { head < queue.count ? queue[head] : nil }

    mutating func enqueue(_ envelope: InFlightEnvelope) {
        queue.append(envelope)
    }

    mutating func removeFirst() -> InFlightEnvelope? {
        guard head < queue.count else { return nil }
        let envelope = queue[head]
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= queue.count {
            queue.removeSubrange(0..<head)
            head = 0
        }
        return envelope
    }

    /// Drops everything pending (queued and held) and counts it; returns how many.
    mutating func dropAll() -> Int {
        let count = queue.count - head + (held == nil ? 0 : 1)
        queue.removeAll()
        head = 0
        held = nil
        stats.dropped += count
        return count
    }
}

/// Where an endpoint is in its life. An endpoint that was made but not started has no entry.
enum EndpointPhase {
    case started(transport: InMemoryTransport, delegate: any TransportDelegate)
    case closed
}

/// A delegate call to make once the lock is released.
enum PendingNotification {
    case lost(delegate: any TransportDelegate, transport: InMemoryTransport, peer: NodeAddress, error: (any Error)?)

    func post() {
        switch self {
        case .lost(let delegate, let transport, let peer, let error):
            delegate.transport(transport, lostAssociationWith: peer, error: error)
        }
    }
}

/// One delivery to make once the lock is released.
struct PendingDelivery {
    let delegate: any TransportDelegate
    let transport: InMemoryTransport
    let envelope: WireEnvelope
}

/// Everything an ``InMemoryNetwork`` knows, guarded by its lock.
struct NetworkState {
    var phases: [UInt64: EndpointPhase] = [:]
    /// The started endpoint listening at each address.
    var listeners: [NodeAddress: UInt64] = [:]
    var links: [LinkKey: LinkState] = [:]
    var defaultFaults = LinkFaults.none
    /// Directed links that are partitioned.
    var blocked: Set<LinkKey> = []
    var associations: Set<Association> = []
    var nextSerial: UInt64 = 1

    func faults(for key: LinkKey) -> LinkFaults {
        links[key]?.faults ?? defaultFaults
    }

    func startedEndpoint(_ serial: UInt64) -> (transport: InMemoryTransport, delegate: any TransportDelegate)? {
        guard case .started(let transport, let delegate)? = phases[serial] else { return nil }
        return (transport, delegate)
    }

    /// Ends the association between `a` and `b`, if any, and returns the notifications for each
    /// started side except `except`.
    mutating func dissociate(_ a: NodeAddress, _ b: NodeAddress, error: (any Error)?, except: NodeAddress? = nil) -> [PendingNotification] {
        guard associations.remove(Association(a, b)) != nil else { return [] }
        var notifications: [PendingNotification] = []
        for (side, peer) in [(a, b), (b, a)] where side != except {
            if let serial = listeners[side], let endpoint = startedEndpoint(serial) {
                notifications.append(.lost(delegate: endpoint.delegate, transport: endpoint.transport, peer: peer, error: error))
            }
            if a == b { break }
        }
        return notifications
    }

    /// The next envelope of `key` to deliver now, or `nil` (and the link stops draining) if the head
    /// of the queue is not due yet. Envelopes that can no longer be delivered (partitioned link,
    /// closed sender or receiver) are dropped and counted on the way.
    mutating func nextDelivery(_ key: LinkKey, now: ActorInstant) -> PendingDelivery? {
        // Taken out of the dictionary (not copied) so that popping does not copy the queue.
        guard var link = links.removeValue(forKey: key) else { return nil }
        defer { links[key] = link }
        while let head = link.first, head.isReady(now: now) {
            _ = link.removeFirst()
            guard !blocked.contains(key),
                  startedEndpoint(head.senderSerial) != nil,
                  let receiver = startedEndpoint(head.receiverSerial)
            else {
                link.stats.dropped += 1
                continue
            }
            link.stats.delivered += 1
            return PendingDelivery(delegate: receiver.delegate, transport: receiver.transport, envelope: head.envelope)
        }
        link.isDraining = false
        return nil
    }
}
