import Synchronization

/// Where the reply to one ask goes. Completed exactly once: by the handler's reply, its error, the
/// ask's timeout, the asker's cancellation, or the actor stopping.
///
/// This base class is type-erased so that an envelope can carry it; ``ReplySlot`` is the typed one.
public class AnyReplySlot: @unchecked Sendable {
    // Invariant: `isDeferred` is read and written only by the actor currently handling the message
    // that carries this slot (one thread at a time, ordered by the mailbox lock); everything else
    // lives in the subclass, guarded by its lock.
    @usableFromInline
    var isDeferred = false

    @usableFromInline
    init() {}

    /// Completes with `value` if the asker expects a `V`; otherwise fails with `replyTypeMismatch`.
    @inlinable
    final func succeed<V: Sendable>(_ value: V) {
        if let typed = self as? ReplySlot<V> {
            typed.complete(.success(value))
        } else if let forwarding = self as? ForwardingReplySlot {
            forwarding.forward(.success(value))
        } else {
            fail(ActorError(.replyTypeMismatch, "the handler replied with \(V.self), the asker expected \(expectedType)"))
        }
    }

    /// Fails the ask with `error`. Returns `false` if it was already complete.
    @usableFromInline @discardableResult
    func fail(_ error: any Error) -> Bool {
        fatalError("AnyReplySlot is abstract")
    }

    /// The reply type the asker expects.
    @usableFromInline
    var expectedType: Any.Type {
        fatalError("AnyReplySlot is abstract")
    }

    /// Whether the slot is already complete (timed out, cancelled, or answered).
    var isComplete: Bool {
        fatalError("AnyReplySlot is abstract")
    }

    /// Attaches the ask's timeout timer, so that a reply cancels it.
    func attach(_ timer: ScheduledTimer) {
        fatalError("AnyReplySlot is abstract")
    }
}

/// The typed reply slot of an ask expecting an `R`.
public final class ReplySlot<R: Sendable>: AnyReplySlot, @unchecked Sendable {
    // Invariant: `state` is read and written only inside `withState`, with `lock` held.
    @usableFromInline
    enum State {
        /// Waiting for a result; the continuation once the asker has suspended.
        case waiting(UnsafeContinuation<R, any Error>?, ScheduledTimer?)
        /// A result arrived before the asker suspended.
        case completed(Result<R, any Error>)
        /// The result was handed to the asker.
        case delivered
    }

    @usableFromInline
    let lock = SpinLock()
    @usableFromInline @exclusivity(unchecked)
    var _state = State.waiting(nil, nil)

    @inlinable @inline(__always)
    func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&_state)
    }

    @usableFromInline
    override init() {}

    /// Delivers `result` unless the slot is already complete. Returns whether it was delivered.
    @inlinable
    @discardableResult
    func complete(_ result: Result<R, any Error>) -> Bool {
        let (continuation, timer, completed): (UnsafeContinuation<R, any Error>?, ScheduledTimer?, Bool) = withState { state in
            switch state {
            case .waiting(let continuation?, let timer):
                state = .delivered
                return (continuation, timer, true)
            case .waiting(nil, let timer):
                state = .completed(result)
                return (nil, timer, true)
            case .completed, .delivered:
                return (nil, nil, false)
            }
        }
        timer?.cancel()
        continuation?.resume(with: result)
        return completed
    }

    /// Parks the asker's continuation; resumes it at once if the result already arrived.
    @inlinable
    func install(_ continuation: UnsafeContinuation<R, any Error>) {
        let ready: Result<R, any Error>? = withState { state in
            switch state {
            case .waiting(_, let timer):
                state = .waiting(continuation, timer)
                return nil
            case .completed(let result):
                state = .delivered
                return result
            case .delivered:
                preconditionFailure("reply slot installed twice")
            }
        }
        if let ready { continuation.resume(with: ready) }
    }

    /// Attaches the timeout timer, so that a reply cancels it; cancels it at once if already complete.
    override func attach(_ timer: ScheduledTimer) {
        let attached = withState { state in
            guard case .waiting(let continuation, nil) = state else { return false }
            state = .waiting(continuation, timer)
            return true
        }
        if !attached { timer.cancel() }
    }

    @usableFromInline @discardableResult
    override func fail(_ error: any Error) -> Bool {
        complete(.failure(error))
    }

    @usableFromInline
    override var expectedType: Any.Type { R.self }

    override var isComplete: Bool {
        withState { state in
            if case .waiting = state { return false }
            return true
        }
    }
}

/// How a handler's result reaches whoever asked. Generated `receive` code calls ``succeed(_:)``;
/// for a `tell`, there is no asker and it does nothing.
public struct ReplyHandle: Sendable {
    @usableFromInline
    let slot: AnyReplySlot?

    @inlinable
    init(_ slot: AnyReplySlot?) {
        self.slot = slot
    }

    /// No one is waiting for a reply (the message was told, not asked).
    public static let none = ReplyHandle(nil)

    /// Whether someone is waiting for the reply.
    @inlinable
    public var isRequested: Bool { slot != nil }

    /// Sends `value` to the asker, if any. Ignored when the message was stashed (the reply goes
    /// out when the message is handled again) or when the ask already ended (timed out, cancelled).
    @inlinable
    public func succeed<V: Sendable>(_ value: V) {
        guard let slot, !slot.isDeferred else { return }
        slot.succeed(value)
    }

    /// The slot behind the handle, for a transport that carries the reply elsewhere.
    package var replySlot: AnyReplySlot? { slot }

    /// Fails the ask with `error`, as if the handler had thrown it (without the supervision a
    /// thrown error brings). Ignored like ``succeed(_:)`` when there is no asker or it is gone.
    public func fail(_ error: any Error) {
        guard let slot, !slot.isDeferred else { return }
        slot.fail(error)
    }
}

extension AnyReplySlot {
    /// The reply type the asker expects (a transport decodes the reply as this type).
    package var replyType: Any.Type { expectedType }

    /// Completes the ask with `value`, which must be of ``replyType``.
    package func deliver<V: Sendable>(_ value: V) {
        succeed(value)
    }

    /// Fails the ask with `error`.
    package func deliverFailure(_ error: any Error) {
        fail(error)
    }

    /// Whether the ask already ended.
    package var hasEnded: Bool { isComplete }
}

/// A reply slot that hands the handler's reply, of whatever type, to `forward`: how an ask that
/// arrived over the wire gets its reply back to the wire. Completed once.
/// `@unchecked Sendable`: its one mutable field, `done`, is read and written only with `lock` held.
@usableFromInline
package final class ForwardingReplySlot: AnyReplySlot, @unchecked Sendable {
    private let lock = SpinLock()
    private var done = false
    private let onReply: @Sendable (Result<any Sendable, any Error>) -> Void

    /// Creates a slot that calls `onReply` with the first reply or failure.
    package init(_ onReply: @escaping @Sendable (Result<any Sendable, any Error>) -> Void) {
        self.onReply = onReply
        super.init()
    }

    @usableFromInline
    func forward(_ result: Result<any Sendable, any Error>) {
        let first: Bool = {
            lock.lock()
            defer { lock.unlock() }
            if done { return false }
            done = true
            return true
        }()
        if first { onReply(result) }
    }

    @usableFromInline @discardableResult
    override func fail(_ error: any Error) -> Bool {
        lock.lock()
        let first = !done
        done = true
        lock.unlock()
        if first { onReply(.failure(error)) }
        return first
    }

    @usableFromInline
    override var expectedType: Any.Type { Any.self }

    override var isComplete: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    /// The asker is remote and keeps its own timeout.
    override func attach(_ timer: ScheduledTimer) {
        timer.cancel()
    }
}
