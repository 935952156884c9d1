import Synchronization

/// Typed publish/subscribe inside one actor system: publish any `Sendable` value; subscribers of
/// its exact type receive it, in subscription order. The runtime publishes ``DeadLetter``s here.
public final class EventStream: Sendable {
    private struct State {
        var subscribers: [ObjectIdentifier: [(token: UInt64, deliver: @Sendable (any Sendable) -> Void)]] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Locked(State())

    init() {}

    /// Delivers `event` to every subscriber of `E`.
    public func publish<E: Sendable>(_ event: E) {
        let subscribers = state.withLock { $0.subscribers[ObjectIdentifier(E.self)] ?? [] }
        for subscriber in subscribers {
            subscriber.deliver(event)
        }
    }

    /// The events of type `E` published from now on. A slow consumer keeps the newest
    /// `bufferSize` events; ending the iteration unsubscribes.
    public func subscribe<E: Sendable>(to type: E.Type, bufferSize: Int = 1_000) -> AsyncStream<E> {
        let (stream, continuation) = AsyncStream<E>.makeStream(bufferingPolicy: .bufferingNewest(bufferSize))
        let token = add(E.self) { event in
            if let event = event as? E { continuation.yield(event) }
        }
        continuation.onTermination = { [weak self] _ in self?.remove(E.self, token: token) }
        return stream
    }

    /// Sends each event of type `E` to `ref` as the message `makeMessage` builds, until the returned
    /// subscription is cancelled or the actor stops.
    @discardableResult
    public func subscribe<E: Sendable, A>(
        _ ref: ActorRef<A>, to type: E.Type,
        message makeMessage: @escaping @Sendable (E) -> A.Message
    ) -> EventSubscription {
        let token = add(E.self) { event in
            if let event = event as? E { ref.tell(makeMessage(event)) }
        }
        let subscription = EventSubscription { [weak self] in self?.remove(E.self, token: token) }
        ref.cell.addWatcher(WatcherKey(watcher: nil, token: token)) { _ in subscription.cancel() }
        return subscription
    }

    /// How many subscribers `E` has.
    public func subscriberCount<E>(of type: E.Type) -> Int {
        state.withLock { $0.subscribers[ObjectIdentifier(E.self)]?.count ?? 0 }
    }

    private func add<E>(_ type: E.Type, _ deliver: @escaping @Sendable (any Sendable) -> Void) -> UInt64 {
        state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            state.subscribers[ObjectIdentifier(E.self), default: []].append((token, deliver))
            return token
        }
    }

    private func remove<E>(_ type: E.Type, token: UInt64) {
        state.withLock { state in
            state.subscribers[ObjectIdentifier(E.self)]?.removeAll { $0.token == token }
        }
    }
}

/// A subscription to the event stream; cancel it to stop receiving.
public final class EventSubscription: Sendable {
    private let onCancel: Locked<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Locked(onCancel)
    }

    /// Stops the deliveries. Idempotent.
    public func cancel() {
        let action = onCancel.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }
}
