#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A test-and-test-and-set lock on one atomic byte, stored inline: for short critical sections
/// (a mailbox append or swap, a reply slot's state change) where a pthread mutex would cost an
/// allocation per actor or per ask. Spins, then yields the core, so a preempted holder gets to run.
///
/// Its acquire/release atomics are inlined into this module, so ThreadSanitizer sees them.
@usableFromInline
struct SpinLock: ~Copyable, @unchecked Sendable {
    // Invariant: `held` is only changed by acquiring compare-exchange (lock) and releasing store
    // (unlock) by the thread that holds the lock.
    @usableFromInline
    let held = Atomic<Bool>(false)

    @usableFromInline
    init() {}

    @inlinable @inline(__always)
    func lock() {
        while !held.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
            var spins = 0
            while held.load(ordering: .relaxed) {
                spins += 1
                // The holder is most likely running on another core and done within nanoseconds;
                // yield only when it seems to have been preempted.
                if spins > 200 { SpinLock.yieldCore() }
            }
        }
    }

    @inlinable @inline(__always)
    func unlock() {
        held.store(false, ordering: .releasing)
    }

    @inlinable @inline(__always)
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }

    @usableFromInline
    static func yieldCore() {
        sched_yield()
    }
}
