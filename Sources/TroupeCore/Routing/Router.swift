import Synchronization

/// How a ``Router`` picks routees.
public struct RoutingStrategy<A: ActorBehavior>: Sendable {
    enum Kind: Sendable {
        case roundRobin
        case random
        case broadcast
        case consistentHash(@Sendable (A.Message) -> String)
    }
    let kind: Kind

    /// Each message to the next routee in turn.
    public static var roundRobin: RoutingStrategy { RoutingStrategy(kind: .roundRobin) }
    /// Each message to a routee drawn from the system's seeded random source.
    public static var random: RoutingStrategy { RoutingStrategy(kind: .random) }
    /// Each message to every routee.
    public static var broadcast: RoutingStrategy { RoutingStrategy(kind: .broadcast) }
    /// Messages with the same key to the same routee while the routees stay the same; the key's
    /// hash is stable across processes and machines.
    public static func consistentHash(key: @escaping @Sendable (A.Message) -> String) -> RoutingStrategy {
        RoutingStrategy(kind: .consistentHash(key))
    }
}

/// Spreads messages over a set of actors: a fixed list, or the live listing of a reception key
/// (kept up to date as members come and go).
///
/// ```swift
/// let router = Router(system: system, key: workersKey, strategy: .roundRobin)
/// router.tell(.process(job))                         // one worker
/// let reply = try await router.next()?.process(job)  // ask one worker
/// ```
public final class Router<A: ActorBehavior>: Sendable {
    private struct State {
        var routees: [ActorRef<A>] = []
        var ring: ConsistentHashRing<ActorRef<A>>?
        var next = 0
    }

    private let system: ActorSystem
    private let strategy: RoutingStrategy<A>
    private let state = Locked(State())
    private let subscription = Locked<Task<Void, Never>?>(nil)

    /// A router over a fixed list of routees.
    public init(system: ActorSystem, routees: [ActorRef<A>], strategy: RoutingStrategy<A>) {
        self.system = system
        self.strategy = strategy
        update(routees)
    }

    /// A router over the members registered under `key`; stopped members drop out, new ones join.
    /// The current listing is used at once.
    public init(system: ActorSystem, key: ReceptionKey<A>, strategy: RoutingStrategy<A>) {
        self.system = system
        self.strategy = strategy
        update(system.receptionist.listing(key).members)
        let listings = system.receptionist.subscribe(key)
        subscription.withLock { subscription in
            subscription = Task(executorPreference: system.dispatcherTaskExecutor) { [weak self] in
                for await listing in listings {
                    guard let self else { return }
                    self.update(listing.members)
                }
            }
        }
    }

    deinit {
        subscription.withLock { $0?.cancel() }
    }

    /// Stops following the reception key's listing.
    public func close() {
        subscription.withLock { $0?.cancel() }
    }

    /// The current routees.
    public var routees: [ActorRef<A>] {
        state.withLock { $0.routees }
    }

    private func update(_ routees: [ActorRef<A>]) {
        let ring: ConsistentHashRing<ActorRef<A>>?
        if case .consistentHash = strategy.kind {
            ring = ConsistentHashRing(members: routees) { $0.name ?? $0.id.description }
        } else {
            ring = nil
        }
        state.withLock { state in
            state.routees = routees
            state.ring = ring
        }
    }

    /// The routee for the next message: the next in turn (round-robin, and also broadcast and
    /// consistent hashing, which have no single target without a message; use ``routee(for:)``
    /// for the latter), or a random one. `nil` when there are none.
    public func next() -> ActorRef<A>? {
        state.withLock { state in
            guard !state.routees.isEmpty else { return nil }
            switch strategy.kind {
            case .random:
                return state.routees[system.random.next(below: state.routees.count)]
            case .roundRobin, .consistentHash, .broadcast:
                let routee = state.routees[state.next % state.routees.count]
                state.next &+= 1
                return routee
            }
        }
    }

    /// The routee `message` goes to (consistent hashing uses its key; other strategies as ``next()``).
    public func routee(for message: A.Message) -> ActorRef<A>? {
        if case .consistentHash(let key) = strategy.kind {
            let routingKey = key(message)
            return state.withLock { $0.ring?.member(for: routingKey) }
        }
        return next()
    }

    /// Sends `message` as the strategy says. With no routees it goes to dead letters.
    public func tell(_ message: A.Message) {
        if case .broadcast = strategy.kind {
            let routees = self.routees
            if routees.isEmpty { deadLetter() }
            for routee in routees { routee.tell(message) }
            return
        }
        guard let routee = routee(for: message) else {
            deadLetter()
            return
        }
        routee.tell(message)
    }

    private func deadLetter() {
        system.deadLetters.publish(DeadLetter(
            recipient: "router", recipientID: ActorID(0), messageType: "\(A.Message.self)", reason: "router has no routees"))
    }
}
