import TroupeCore

/// A stand-in for an actor of type `A` that records what it receives, so that a test can check it.
///
/// ``ref`` is an ordinary `ActorRef<A>`: hand it to the actor under test wherever it expects an
/// `A` (or register the probe under the name that actor looks up). Messages told to it are
/// recorded; asks are recorded with their reply handle, which the test answers (see
/// ``ProbeMessage``). Every wait is bounded by a timeout on the system's clock, so on a
/// ``ManualClock`` or in a ``Simulation`` it is virtual time.
///
/// ```swift
/// let probe = try TestProbe(Listener.self, in: system)
/// let worker = try system.spawn(Worker(listener: probe.ref))
/// worker.tell(.start)
/// let event = try await probe.expectMessage()
/// try await probe.expectNoMessage(for: .seconds(1))
/// ```
///
/// Expectations throw ``TestKitError`` (with the place they were written) when they fail.
/// - Warning: A probe has one reader: two tasks waiting on it at once get
///   ``TestKitError/Code/concurrentReceive``.
public final class TestProbe<A: ActorBehavior>: Sendable {
    /// The probe's ref: an `ActorRef<A>` whose messages the probe records.
    public let ref: ActorRef<A>
    /// The system the probe lives in; its clock measures the timeouts.
    public let system: ActorSystem
    /// The timeout of expectations that do not give one. Default: 3 seconds.
    public let defaultTimeout: Duration
    private let queue: ProbeQueue<ProbeMessage<A.Message>>

    /// Creates a probe standing in for an `A` in `system`, registered under `name` if given (so
    /// that `system.lookup(A.self, name:)` finds it). Throws like `spawn` for a bad or taken name.
    public init(_ type: A.Type = A.self, in system: ActorSystem, name: String? = nil, defaultTimeout: Duration = .seconds(3)) throws {
        let queue = ProbeQueue<ProbeMessage<A.Message>>()
        self.queue = queue
        self.system = system
        self.defaultTimeout = defaultTimeout
        self.ref = try system.spawnRecorder(of: A.self, name: name) { message, reply in
            queue.deliver(ProbeMessage(message: message, replyHandle: reply))
        }
    }

    // MARK: Receiving

    /// The next message with its reply handle; throws ``TestKitError/Code/timedOut`` if none
    /// arrives within `timeout`.
    public func receive(timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line) async throws -> ProbeMessage<A.Message> {
        let timeout = timeout ?? defaultTimeout
        guard let received = try await queue.next(timeout: timeout, clock: system.clock) else {
            throw TestKitError(.timedOut, "expected a message for \(ref.path) within \(timeout), got none", fileID: fileID, line: line)
        }
        return received
    }

    /// The next message; throws ``TestKitError/Code/timedOut`` if none arrives within `timeout`.
    @discardableResult
    public func expectMessage(timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line) async throws -> A.Message {
        try await receive(timeout: timeout, fileID: fileID, line: line).message
    }

    /// Expects the next message to equal `expected`.
    public func expectMessage(_ expected: A.Message, timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line) async throws
    where A.Message: Equatable {
        let message = try await expectMessage(timeout: timeout, fileID: fileID, line: line)
        guard message == expected else {
            throw TestKitError(.unexpectedMessage, "expected \(expected), got \(message)", fileID: fileID, line: line)
        }
    }

    /// Expects the next message to match `extract` and returns what it extracted: a typed receive,
    /// e.g. `let amount = try await probe.expectMessage { if case .increment(let by) = $0 { by } else { nil } }`.
    public func expectMessage<T>(
        timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line, _ extract: (A.Message) throws -> T?
    ) async throws -> T {
        let message = try await expectMessage(timeout: timeout, fileID: fileID, line: line)
        guard let value = try extract(message) else {
            throw TestKitError(.unexpectedMessage, "the next message, \(message), did not match", fileID: fileID, line: line)
        }
        return value
    }

    /// Expects that no message arrives for `duration` (of the system's clock).
    public func expectNoMessage(for duration: Duration = .milliseconds(100), fileID: String = #fileID, line: Int = #line) async throws {
        if let received = try await queue.next(timeout: duration, clock: system.clock) {
            throw TestKitError(.unexpectedMessage, "expected no message for \(duration), got \(received.message)", fileID: fileID, line: line)
        }
    }

    /// Receives exactly `count` messages, each within `timeout` of the previous one.
    public func receiveMessages(_ count: Int, timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line) async throws -> [A.Message] {
        var messages: [A.Message] = []
        while messages.count < count {
            do {
                messages.append(try await expectMessage(timeout: timeout, fileID: fileID, line: line))
            } catch let error as TestKitError where error.code == .timedOut {
                throw TestKitError(.timedOut, "expected \(count) messages, got \(messages.count): \(messages)", fileID: fileID, line: line)
            }
        }
        return messages
    }

    /// Receives messages until `fisher` returns ``FishingOutcome/complete``, each within `timeout`;
    /// returns the messages it kept (those marked `continue`, then the completing one).
    @discardableResult
    public func fishForMessage(
        timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line, _ fisher: (A.Message) throws -> FishingOutcome
    ) async throws -> [A.Message] {
        var kept: [A.Message] = []
        while true {
            let message: A.Message
            do {
                message = try await expectMessage(timeout: timeout, fileID: fileID, line: line)
            } catch let error as TestKitError where error.code == .timedOut {
                throw TestKitError(.timedOut, "fishing ended without the message sought; kept \(kept.count) messages: \(kept)", fileID: fileID, line: line)
            }
            switch try fisher(message) {
            case .complete:
                kept.append(message)
                return kept
            case .continue:
                kept.append(message)
            case .ignore:
                continue
            case .fail(let reason):
                throw TestKitError(.fishingFailed, "fishing failed at \(message): \(reason)", fileID: fileID, line: line)
            }
        }
    }

    /// Expects the actor behind `target` to terminate within `timeout`; returns why it did.
    @discardableResult
    public func expectTerminated<B: ActorBehavior>(
        _ target: ActorRef<B>, timeout: Duration? = nil, fileID: String = #fileID, line: Int = #line
    ) async throws -> TerminationReason {
        let timeout = timeout ?? defaultTimeout
        let waiting = ProbeQueue<TerminationReason>()
        let withdraw = target.whenTerminated { reason in waiting.deliver(reason) }
        defer { withdraw() }
        guard let reason = try await waiting.next(timeout: timeout, clock: system.clock) else {
            throw TestKitError(.timedOut, "expected \(target.path) to terminate within \(timeout), it did not", fileID: fileID, line: line)
        }
        return reason
    }

    // MARK: Inspecting without waiting

    /// How many received messages wait to be taken.
    public var pendingCount: Int { queue.count }

    /// Takes every message received so far without waiting (for synchronous tests, e.g. with
    /// ``BehaviorTestKit``).
    public func takeAll() -> [ProbeMessage<A.Message>] {
        queue.takeAll()
    }

    /// Stops the probe: messages sent to it afterwards go to dead letters.
    public func stop() {
        ref.stop()
    }
}
