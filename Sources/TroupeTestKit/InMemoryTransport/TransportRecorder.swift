import TroupeCore
import TroupeWire

/// A ``TransportDelegate`` that records what a transport delivers and lets async code wait for
/// it — on the events themselves, never on time.
///
/// Waits end with `CancellationError` when the waiting task is cancelled, so a test's time limit
/// (for example Swift Testing's `.timeLimit`) turns a lost envelope into a failure instead of a
/// hang.
public final class TransportRecorder: TransportDelegate {
    /// An envelope and the address it came from.
    public struct Received: Sendable {
        /// The envelope.
        public let envelope: WireEnvelope
        /// The sender's address.
        public let from: NodeAddress
    }

    /// A lost association.
    public struct LostAssociation: Sendable {
        /// The peer whose association was lost.
        public let address: NodeAddress
        /// Why, if known (`nil` for an orderly close).
        public let error: (any Error)?
    }

    /// Everything recorded so far, in arrival order.
    public struct Events: Sendable {
        /// The envelopes received.
        public var received: [Received] = []
        /// The associations lost.
        public var lostAssociations: [LostAssociation] = []

        /// The envelopes received from `address`, in order.
        public func envelopes(from address: NodeAddress) -> [WireEnvelope] {
            received.filter { $0.from == address }.map(\.envelope)
        }
    }

    private struct Waiter {
        let id: Int
        let isSatisfied: @Sendable (Events) -> Bool
        let continuation: UnsafeContinuation<Void, any Error>
    }

    private struct State {
        var events = Events()
        var waiters: [Waiter] = []
        var cancelled: Set<Int> = []
        var nextWaiterID = 0
    }

    private let state = Locked(State())

    /// Creates an empty recorder.
    public init() {}

    /// A snapshot of everything recorded so far.
    public var events: Events {
        state.withLock { $0.events }
    }

    /// Records `envelope` and wakes the waits it satisfies.
    public func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress) {
        record { $0.received.append(Received(envelope: envelope, from: address)) }
    }

    /// Records the lost association and wakes the waits it satisfies.
    public func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?) {
        record { $0.lostAssociations.append(LostAssociation(address: address, error: error)) }
    }

    private func record(_ change: (inout Events) -> Void) {
        let ready: [Waiter] = state.withLock { state in
            change(&state.events)
            let events = state.events
            let ready = state.waiters.filter { $0.isSatisfied(events) }
            state.waiters.removeAll { waiter in ready.contains { $0.id == waiter.id } }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Waits until `condition` holds for the recorded events, and returns them.
    /// Throws `CancellationError` if the task is cancelled first.
    public func wait(until condition: @escaping @Sendable (Events) -> Bool) async throws -> Events {
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                enum Outcome { case ready, cancelled, waiting }
                let outcome: Outcome = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .cancelled }
                    if condition(state.events) { return .ready }
                    state.waiters.append(Waiter(id: id, isSatisfied: condition, continuation: continuation))
                    return .waiting
                }
                switch outcome {
                case .ready: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    state.cancelled.insert(id)
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        return events
    }

    /// Waits until at least `count` envelopes have arrived from `address`; returns those from it.
    public func waitForEnvelopes(count: Int, from address: NodeAddress) async throws -> [WireEnvelope] {
        try await wait { events in events.received.lazy.filter { $0.from == address }.count >= count }
            .envelopes(from: address)
    }

    /// Waits until at least `count` envelopes have arrived in all; returns them all.
    public func waitForEnvelopes(count: Int) async throws -> [Received] {
        try await wait { $0.received.count >= count }.received
    }

    /// Waits until the association with `address` has been lost (at least once); returns the
    /// first such event.
    @discardableResult
    public func waitForLostAssociation(with address: NodeAddress) async throws -> LostAssociation {
        let events = try await wait { events in events.lostAssociations.contains { $0.address == address } }
        // The condition guarantees a match.
        return events.lostAssociations.first { $0.address == address } ?? LostAssociation(address: address, error: nil)
    }
}
