#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A joinable operating-system thread running one closure; used by dispatchers and the real clock,
/// which must not occupy Swift's cooperative pool with blocking waits.
package final class OSThread: @unchecked Sendable {
    // Invariant: `handle` is written once by `start` before any other thread can see this object,
    // and read only by `join`, which the owner calls once.
    private var handle: pthread_t?

    private final class Box {
        let body: () -> Void
        let name: String
        init(body: @escaping () -> Void, name: String) {
            self.body = body
            self.name = name
        }
    }

    private init() {}

    /// Starts a thread named `name` (truncated to 15 bytes, the Linux limit) that runs `body`.
    package static func start(name: String, _ body: @escaping @Sendable () -> Void) -> OSThread {
        let thread = OSThread()
        let box = Unmanaged.passRetained(Box(body: body, name: name)).toOpaque()
        #if canImport(Darwin)
        var handle: pthread_t? = nil
        #else
        var handle = pthread_t()
        #endif
        let result = pthread_create(&handle, nil, { argument in
            #if canImport(Darwin)
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            pthread_setname_np(String(box.name.utf8.prefix(15))!)
            #else
            // Glibc's module map hides pthread_setname_np (it needs _GNU_SOURCE); threads stay unnamed.
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            #endif
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        thread.handle = handle
        return thread
    }

    /// Waits for the thread to finish. Call once, never from the thread itself.
    package func join() {
        guard let handle else { return }
        pthread_join(handle, nil)
        self.handle = nil
    }

    /// Lets the thread release its resources by itself when it ends, for a thread that stops
    /// itself and so cannot be joined. Call once, instead of `join`.
    package func detach() {
        guard let handle else { return }
        pthread_detach(handle)
        self.handle = nil
    }

    /// Whether the calling thread is this one.
    var isCurrent: Bool {
        guard let handle else { return false }
        return pthread_equal(handle, pthread_self()) != 0
    }
}
