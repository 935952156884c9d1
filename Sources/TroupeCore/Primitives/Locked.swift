/// A value guarded by a pthread mutex.
///
/// Used instead of `Synchronization.Mutex` because ThreadSanitizer sees pthread locks (it
/// intercepts them) but not the futex-based `Mutex` of the Linux toolchain, whose lock is compiled
/// without instrumentation: every `Mutex`-guarded access would be reported as a race.
package final class Locked<Value>: @unchecked Sendable {
    // Invariant: `value` is read and written only inside `withLock`, i.e. with `mutex` held.
    private let mutex = PThreadMutex()
    private var value: Value

    package init(_ value: Value) {
        self.value = value
    }

    deinit {
        mutex.destroy()
    }

    @inline(__always)
    package func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        mutex.lock()
        defer { mutex.unlock() }
        return try body(&value)
    }
}
