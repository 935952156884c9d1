@testable import TroupeCore

/// A thread-safe flag that a task sets when it finishes, so that a test can check that it has not
/// finished yet (a negative check: it never fails spuriously on a correct runtime).
final class CompletionFlag: Sendable {
    private let value = Locked(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Reads from `iterator` until `last` arrives (inclusive) or the stream ends.
func collect<T: Equatable & Sendable>(_ iterator: inout AsyncStream<T>.Iterator, through last: T) async -> [T] {
    var values: [T] = []
    while let value = await iterator.next() {
        values.append(value)
        if value == last { break }
    }
    return values
}

/// Reads from `iterator` until the stream ends.
func collectRest<T: Sendable>(_ iterator: inout AsyncStream<T>.Iterator) async -> [T] {
    var values: [T] = []
    while let value = await iterator.next() { values.append(value) }
    return values
}

/// The `ActorError` code of `error`, if it is one.
func actorErrorCode(_ error: (any Error)?) -> ActorError.Code? {
    (error as? ActorError)?.code
}
