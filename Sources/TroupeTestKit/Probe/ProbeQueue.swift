import DequeModule
import TroupeCore

/// The messages a probe received and not yet consumed, and the one task waiting for the next.
final class ProbeQueue<Item: Sendable>: Sendable {
    private struct Waiter {
        let token: UInt64
        let continuation: UnsafeContinuation<Item?, any Error>
        var timer: ScheduledTimer?
    }

    private struct State {
        var items = Deque<Item>()
        var waiter: Waiter?
        var nextToken: UInt64 = 0
    }

    private let state = Locked(State())

    /// Hands `item` to the waiting task, or keeps it for the next receive.
    func deliver(_ item: Item) {
        let waiter: Waiter? = state.withLock { state in
            guard let waiter = state.waiter else {
                state.items.append(item)
                return nil
            }
            state.waiter = nil
            return waiter
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: item)
    }

    /// Takes everything received so far, without waiting.
    func takeAll() -> [Item] {
        state.withLock { state in
            defer { state.items.removeAll() }
            return Array(state.items)
        }
    }

    /// How many items wait to be received.
    var count: Int {
        state.withLock { $0.items.count }
    }

    /// The next item, or `nil` if none arrives within `timeout` of `clock`'s time. Throws
    /// `CancellationError` if the task is cancelled, and a `concurrentReceive` error if another task
    /// is already waiting.
    func next(timeout: Duration, clock: any ActorClock) async throws -> Item? {
        let token = state.withLock { state in
            state.nextToken &+= 1
            return state.nextToken
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Item?, any Error>) in
                let start: ReceiveStart<Item> = state.withLock { state in
                    if let item = state.items.popFirst() { return .ready(item) }
                    if state.waiter != nil { return .busy }
                    state.waiter = Waiter(token: token, continuation: continuation, timer: nil)
                    return .waiting
                }
                switch start {
                case .ready(let item):
                    continuation.resume(returning: item)
                case .busy:
                    continuation.resume(throwing: TestKitError(.concurrentReceive, "another task is already waiting on this probe; a probe has one reader"))
                case .waiting:
                    let timer = clock.schedule(after: timeout) { [self] in end(token, with: .success(nil)) }
                    let stale: Bool = state.withLock { state in
                        guard state.waiter?.token == token else { return true }
                        state.waiter?.timer = timer
                        return false
                    }
                    if stale { timer.cancel() }
                    if Task.isCancelled { end(token, with: .failure(CancellationError())) }
                }
            }
        } onCancel: {
            end(token, with: .failure(CancellationError()))
        }
    }

    /// Ends the wait `token` (timed out or cancelled), if it is still the one waiting.
    private func end(_ token: UInt64, with result: Result<Item?, any Error>) {
        let waiter: Waiter? = state.withLock { state in
            guard state.waiter?.token == token else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        guard let waiter else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume(with: result)
    }
}

/// How a receive begins: with an item at hand, refused, or waiting.
private enum ReceiveStart<Item> {
    case ready(Item)
    case busy
    case waiting
}
