#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The machine's monotonic clock. Timers run on one dedicated thread per clock, started on first use.
///
/// This is the only place in the runtime that reads the operating system's clock.
public final class RealClock: ActorClock, @unchecked Sendable {
    // Invariant: `sleepingUntil` is read and written only with `mutex` held; everything else is
    // immutable or synchronised by its own lock or atomic.
    /// The clock every ``ActorSystem`` uses unless told otherwise.
    public static let shared = RealClock()

    private let timers = TimerQueue(lazyCancellation: true)
    private let mutex = PThreadMutex()
    private let condition = PThreadCondition()
    private let thread = Locked<OSThread?>(nil)
    private let started = Atomic<Bool>(false)
    /// Guarded by `mutex`: the deadline the timer thread sleeps toward (`.max` when it sleeps with
    /// no deadline, `.min` while it runs timers). A new timer wakes it only if it is earlier.
    private var sleepingUntil = Int64.min

    /// Creates a clock with its own timer thread.
    public init() {}

    deinit {
        // Only clocks that never started a thread can be released: the thread holds the clock.
        condition.destroy()
        mutex.destroy()
    }

    public var now: ActorInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return ActorInstant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    @discardableResult
    public func schedule(at deadline: ActorInstant, _ action: @escaping @Sendable () -> Void) -> ScheduledTimer {
        if !started.load(ordering: .acquiring) { startIfNeeded() }
        let (entry, isEarliest) = timers.insert(deadline: deadline, action: action)
        if isEarliest {
            mutex.lock()
            if deadline.nanoseconds < sleepingUntil { condition.signal() }
            mutex.unlock()
        }
        return ScheduledTimer(entry: entry, queue: timers)
    }

    private func startIfNeeded() {
        thread.withLock { thread in
            guard thread == nil else { return }
            thread = OSThread.start(name: "troupe-timers") { [self] in run() }
            started.store(true, ordering: .releasing)
        }
    }

    private func run() {
        while true {
            while let entry = timers.popDue(now: now) {
                entry.action()
            }
            mutex.lock()
            if let next = timers.nextDeadline {
                let wait = next.nanoseconds - now.nanoseconds
                if wait > 0 {
                    sleepingUntil = next.nanoseconds
                    condition.wait(mutex, nanoseconds: wait)
                }
            } else {
                sleepingUntil = .max
                condition.wait(mutex)
            }
            sleepingUntil = .min
            mutex.unlock()
        }
    }
}
