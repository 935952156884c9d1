import Synchronization

/// The clock an ``ActorSystem`` reads for every timer, timeout and backoff.
///
/// Runtime code never reads the wall clock; it asks the injected clock. ``RealClock`` follows the
/// machine's monotonic clock; ``ManualClock`` moves only when a test calls
/// ``ManualClock/advance(by:)``, so a 30-second backoff is tested in microseconds.
public protocol ActorClock: AnyObject, Sendable {
    /// The current instant.
    var now: ActorInstant { get }

    /// Runs `action` once `deadline` has been reached. Actions due at the same instant run in the
    /// order they were scheduled. Actions must be short: they run on the clock's own thread (or, for
    /// a manual clock, on the thread that advances it).
    @discardableResult
    func schedule(at deadline: ActorInstant, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer
}

extension ActorClock {
    /// Runs `action` once `delay` has passed.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer {
        schedule(at: now + delay, action)
    }
}

extension ActorClock {
    /// Suspends for `duration` of this clock's time; throws `CancellationError` if the task is
    /// cancelled first.
    public func sleep(for duration: Duration) async throws {
        let box = SleepState()
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                box.install(continuation)
                box.setTimer(schedule(after: duration) { box.finish(nil) })
            }
        } onCancel: {
            box.finish(CancellationError())
        }
    }
}

/// The shared state of one `sleep`: resumed exactly once, by its timer or by cancellation.
private final class SleepState: @unchecked Sendable {
    // Invariant: `_state` is read and written only inside `withState`, with `lock` held.
    private enum State {
        case waiting(UnsafeContinuation<Void, any Error>?, ScheduledTimer?)
        case finished((any Error)?)
        case resumed
    }
    private let lock = SpinLock()
    private var _state = State.waiting(nil, nil)

    private func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&_state)
    }

    func install(_ continuation: UnsafeContinuation<Void, any Error>) {
        let early: (any Error)?? = withState { state in
            switch state {
            case .waiting(_, let timer):
                state = .waiting(continuation, timer)
                return nil
            case .finished(let error):
                state = .resumed
                return .some(error)
            case .resumed:
                return nil
            }
        }
        if let early {
            if let error = early { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }

    func setTimer(_ timer: ScheduledTimer) {
        let cancel: Bool = withState { state in
            guard case .waiting(let continuation, nil) = state else { return true }
            state = .waiting(continuation, timer)
            return false
        }
        if cancel { timer.cancel() }
    }

    func finish(_ error: (any Error)?) {
        let (continuation, timer): (UnsafeContinuation<Void, any Error>?, ScheduledTimer?) = withState { state in
            switch state {
            case .waiting(let continuation?, let timer):
                state = .resumed
                return (continuation, timer)
            case .waiting(nil, let timer):
                state = .finished(error)
                return (nil, timer)
            case .finished, .resumed:
                return (nil, nil)
            }
        }
        if error != nil { timer?.cancel() }
        if let continuation {
            if let error { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }
}

/// A handle on an action scheduled with an ``ActorClock``; cancelling it keeps the action from running.
public struct ScheduledTimer: Sendable {
    let entry: TimerEntry
    let queue: TimerQueue

    /// Cancels the timer. Returns `false` if it already ran or was cancelled before.
    @discardableResult
    public func cancel() -> Bool {
        queue.cancel(entry)
    }

    /// The instant the timer is (or was) due.
    public var deadline: ActorInstant { entry.deadline }
}
