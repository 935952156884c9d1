import TroupeCore
import TroupeWire

/// An in-process network for tests: endpoints (``InMemoryTransport``) that exchange
/// ``WireEnvelope``s, with faults that can be injected per directed link — drop, delay and
/// jitter, duplicate, reorder, one-way and two-way partitions — and stats that account for every
/// envelope.
///
/// ## Delivery
/// - On a link without delay, `send` delivers synchronously: the receiver's delegate runs on the
///   sending thread before `send` returns, so tests need no clock and no waiting. (If another
///   thread is already delivering on that link, the envelope is queued and that thread delivers
///   it, right after the envelopes sent before it.)
/// - With a delay, delivery happens when the network's ``clock`` reaches the deadline (a
///   `ManualClock` must be advanced); the delegate runs on the thread that advances it.
/// - Order per directed link is FIFO unless the reorder fault is on: an envelope never overtakes
///   one sent before it on the same link, whatever the delays.
/// - Every envelope is serialized and decoded on the way, like on a real wire: an envelope over
///   ``maximumFrameSize`` is refused by `send`, and the receiver sees a `MessageTypeID` without
///   its name.
///
/// ## Determinism
/// All fault decisions come from one `SeededRandom` seeded with `seed`, drawn in send order (see
/// ``LinkFaults``), so the same seed and the same sends give the same outcome.
///
/// ## Associations
/// Two endpoints become associated when one sends to the other over a link that is not
/// partitioned. When the association ends — an endpoint closes, or a partition is set between
/// them in either direction — each remaining side's delegate gets
/// `transport(_:lostAssociationWith:error:)` (with `error` `nil` for a close and a
/// ``TransportError`` with code `partitioned` for a partition), as a real transport reports a
/// dropped connection. A later successful send associates them again, silently.
///
/// - Warning: Delegates are never called with the network's lock held, and may call `send`
///   (including from inside a delivery). The network keeps started endpoints and their delegates
///   until they are closed.
public final class InMemoryNetwork: Sendable {
    /// The clock that times delayed deliveries.
    public let clock: any ActorClock
    /// The seed of the random source behind every fault decision.
    public let seed: UInt64
    /// The largest serialized envelope an endpoint sends (see ``FrameEncoder``).
    public let maximumFrameSize: Int

    let random: SeededRandom
    let state = Locked(NetworkState())

    /// Creates a network whose delays run on `clock` and whose faults are drawn from `seed`.
    /// `maximumFrameSize` must be in `1...UInt32.max`.
    public init(clock: any ActorClock, seed: UInt64, maximumFrameSize: Int = FrameEncoder.defaultMaximumFrameSize) {
        precondition(
            maximumFrameSize >= 1 && UInt64(maximumFrameSize) <= UInt64(UInt32.max),
            "maximumFrameSize must be in 1...\(UInt32.max), not \(maximumFrameSize)"
        )
        self.clock = clock
        self.seed = seed
        self.maximumFrameSize = maximumFrameSize
        self.random = SeededRandom(seed: seed)
    }

    /// Makes an endpoint for `address`. It is reachable once started; starting it throws
    /// `addressInUse` while another started endpoint has the same address.
    public func makeTransport(address: NodeAddress) -> InMemoryTransport {
        let serial = state.withLock { state in
            defer { state.nextSerial += 1 }
            return state.nextSerial
        }
        return InMemoryTransport(network: self, address: address, serial: serial)
    }

    // MARK: Faults

    /// Sets the faults of the link from `from` to `to` (replacing the default for that link).
    public func setFaults(_ faults: LinkFaults, from: NodeAddress, to: NodeAddress) {
        updateFaults { state in state.links[LinkKey(from: from, to: to), default: LinkState()].faults = faults }
    }

    /// Sets the faults of both links between `a` and `b`.
    public func setFaults(_ faults: LinkFaults, between a: NodeAddress, and b: NodeAddress) {
        updateFaults { state in
            state.links[LinkKey(from: a, to: b), default: LinkState()].faults = faults
            state.links[LinkKey(from: b, to: a), default: LinkState()].faults = faults
        }
    }

    /// Sets the faults of every link that has none of its own.
    public func setDefaultFaults(_ faults: LinkFaults) {
        updateFaults { state in state.defaultFaults = faults }
    }

    /// Removes the link's own faults (it uses the default again). Envelopes held back by the
    /// reorder fault are released if the link no longer reorders.
    public func clearFaults(from: NodeAddress, to: NodeAddress) {
        updateFaults { state in state.links[LinkKey(from: from, to: to)]?.faults = nil }
    }

    /// Removes every link's faults and the default faults, releasing held envelopes. Partitions
    /// stay (see ``healAll()``).
    public func clearAllFaults() {
        updateFaults { state in
            state.defaultFaults = .none
            for key in state.links.keys { state.links[key]?.faults = nil }
        }
    }

    /// The faults in effect on the link from `from` to `to`.
    public func faults(from: NodeAddress, to: NodeAddress) -> LinkFaults {
        state.withLock { $0.faults(for: LinkKey(from: from, to: to)) }
    }

    /// Delivers every envelope held back by the reorder fault (each after the envelopes queued on
    /// its link).
    public func releaseHeldEnvelopes() {
        let drains = state.withLock { state in
            state.links.keys.filter { state.links[$0]?.held != nil }.compactMap { releaseHeld($0, in: &state) }
        }
        runDrains(drains)
    }

    private func updateFaults(_ update: (inout NetworkState) -> Void) {
        let drains: [LinkKey] = state.withLock { state in
            update(&state)
            return state.links.keys
                .filter { state.links[$0]?.held != nil && state.faults(for: $0).reorderProbability == 0 }
                .compactMap { releaseHeld($0, in: &state) }
        }
        runDrains(drains)
    }

    /// Moves the held envelope of `key` to the end of its queue; returns `key` if the link should
    /// be drained now. Called with the lock held.
    private func releaseHeld(_ key: LinkKey, in state: inout NetworkState) -> LinkKey? {
        guard let held = state.links[key]?.held else { return nil }
        state.links[key]?.held = nil
        state.links[key]?.enqueue(held)
        return shouldDrain(key, state: state) ? key : nil
    }

    // MARK: Partitions

    /// Blocks the link from `from` to `to`: envelopes sent on it, or in flight on it, are dropped.
    /// The other direction is unaffected. If the two were associated, both learn that the
    /// association was lost.
    public func partition(from: NodeAddress, to: NodeAddress) {
        let notifications = state.withLock { state in
            state.blocked.insert(LinkKey(from: from, to: to))
            return state.dissociate(from, to, error: partitionError(from, to))
        }
        notifications.forEach { $0.post() }
    }

    /// Blocks both links between `a` and `b`.
    public func partition(_ a: NodeAddress, _ b: NodeAddress) {
        partition([a], [b])
    }

    /// Blocks every link between a member of `side` and a member of `otherSide`, both ways: a
    /// split brain.
    public func partition(_ side: [NodeAddress], _ otherSide: [NodeAddress]) {
        let notifications = state.withLock { state in
            var notifications: [PendingNotification] = []
            for a in side {
                for b in otherSide {
                    state.blocked.insert(LinkKey(from: a, to: b))
                    state.blocked.insert(LinkKey(from: b, to: a))
                    notifications += state.dissociate(a, b, error: partitionError(a, b))
                }
            }
            return notifications
        }
        notifications.forEach { $0.post() }
    }

    /// Unblocks the link from `from` to `to`.
    public func heal(from: NodeAddress, to: NodeAddress) {
        state.withLock { _ = $0.blocked.remove(LinkKey(from: from, to: to)) }
    }

    /// Unblocks both links between `a` and `b`.
    public func heal(_ a: NodeAddress, _ b: NodeAddress) {
        state.withLock { state in
            state.blocked.remove(LinkKey(from: a, to: b))
            state.blocked.remove(LinkKey(from: b, to: a))
        }
    }

    /// Unblocks every link.
    public func healAll() {
        state.withLock { $0.blocked.removeAll() }
    }

    /// Whether the link from `from` to `to` is blocked.
    public func isPartitioned(from: NodeAddress, to: NodeAddress) -> Bool {
        state.withLock { $0.blocked.contains(LinkKey(from: from, to: to)) }
    }

    private func partitionError(_ a: NodeAddress, _ b: NodeAddress) -> TransportError {
        TransportError(.partitioned, "the network between \(a) and \(b) is partitioned")
    }

    // MARK: Stats

    /// What happened to the envelopes sent from `from` to `to`.
    public func stats(from: NodeAddress, to: NodeAddress) -> LinkStats {
        state.withLock { $0.links[LinkKey(from: from, to: to)]?.stats ?? LinkStats() }
    }

    /// The stats of all links added up.
    public var totalStats: LinkStats {
        state.withLock { $0.links.values.reduce(LinkStats()) { $0 + $1.stats } }
    }

    /// Whether the endpoint at `address` is associated with the one at `peer`.
    public func isAssociated(_ address: NodeAddress, with peer: NodeAddress) -> Bool {
        state.withLock { $0.associations.contains(Association(address, peer)) }
    }
}
