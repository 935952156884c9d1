import Synchronization

/// A clock that moves only when told to: ``advance(by:)`` runs every timer that falls due, in
/// deadline order, on the calling thread.
///
/// Use it in tests so that timeouts, timers and supervision backoff run in virtual time: a
/// 30-second backoff takes microseconds. One manual clock may drive several actor systems.
public final class ManualClock: ActorClock {
    private let current: Locked<ActorInstant>
    private let timers = TimerQueue()
    private let waiters = Locked<[(count: Int, continuation: UnsafeContinuation<Void, Never>)]>([])

    /// Creates a clock that reads `start` until it is advanced.
    public init(start: ActorInstant = .zero) {
        current = Locked(start)
    }

    public var now: ActorInstant {
        current.withLock { $0 }
    }

    @discardableResult
    public func schedule(at deadline: ActorInstant, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer {
        let (entry, _) = timers.insert(deadline: deadline, action: action)
        let pending = timers.count
        let ready = waiters.withLock { waiters in
            let ready = waiters.filter { $0.count <= pending }
            waiters.removeAll { $0.count <= pending }
            return ready
        }
        for waiter in ready { waiter.continuation.resume() }
        return ScheduledTimer(entry: entry, queue: timers)
    }

    /// Moves the clock forward by `duration`, running each timer that falls due at its own instant
    /// (the clock reads the timer's deadline while its action runs). Timers scheduled by those
    /// actions run too if they fall due before the new time.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a manual clock cannot go back (advance(by: \(duration)))")
        advance(to: now + duration)
    }

    /// Moves the clock forward to `instant`; see ``advance(by:)``.
    public func advance(to instant: ActorInstant) {
        while let entry = timers.popDue(now: instant) {
            current.withLock { $0 = max($0, entry.deadline) }
            entry.action()
        }
        current.withLock { $0 = max($0, instant) }
    }

    /// The deadline of the earliest pending timer, if any.
    public var nextDeadline: ActorInstant? {
        timers.nextDeadline
    }

    /// How many timers are pending.
    public var pendingTimers: Int {
        timers.count
    }

    /// Waits until at least `count` timers are pending: a test's way to know that an ask has set its
    /// timeout, or an actor its backoff, before it advances the clock. Waits on the event, not on
    /// real time.
    public func waitForPendingTimers(atLeast count: Int) async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let ready: Bool = waiters.withLock { waiters in
                if timers.count >= count { return true }
                waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
