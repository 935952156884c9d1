import DequeModule
import Synchronization

/// The runtime side of one actor: its mailbox, its instance, and its drain loop.
///
/// The hot paths (`tell`, the drain loop, the inline ask) are `@inlinable` so that they are
/// specialised for the concrete actor type in the module that spawns it: reached through an
/// unspecialised generic they cost ~15x more per message.
@usableFromInline
final class ActorCell<A: ActorBehavior>: ActorCellBase, @unchecked Sendable {
    // Invariant: as in `ActorCellBase`: `inbox`, `inFlight` and `overflow` are guarded by `mutex`;
    // `batch` and `actor` are drain-only.
    @usableFromInline @exclusivity(unchecked) var inbox = Deque<Envelope<A.Message>>()
    /// Guarded: how many messages the drain took out of `inbox` and has not finished; counted
    /// against a bounded mailbox's capacity.
    @usableFromInline @exclusivity(unchecked) var inFlight = 0
    /// Guarded: senders waiting for room in a full bounded mailbox.
    @usableFromInline @exclusivity(unchecked) var overflow: WaitingSenders<A.Message>?
    /// Drain-only: messages taken from `inbox` in one swap, handled in order.
    @usableFromInline @exclusivity(unchecked) var batch = Deque<Envelope<A.Message>>()
    /// Drain-only: the actor instance; `nil` once terminated.
    @usableFromInline @exclusivity(unchecked) var actor: A?
    /// Creates a fresh instance, at spawn and at each restart.
    @usableFromInline let factory: @Sendable () throws -> A

    @inlinable
    init(id: ActorID, system: ActorSystem, props: CellProps, parent: ActorCellBase?, factory: @escaping @Sendable () throws -> A) {
        self.factory = factory
        super.init(id: id, system: system, props: props, parent: parent, runEntry: { cell in
            unsafeDowncast(cell, to: ActorCell<A>.self).drain()
        })
    }

    /// A cell whose turns run `runEntry` instead of the drain loop (a test probe's recording turn).
    init(
        id: ActorID, system: ActorSystem, props: CellProps, parent: ActorCellBase?,
        factory: @escaping @Sendable () throws -> A, runEntry: @escaping (ActorCellBase) -> TurnStats
    ) {
        self.factory = factory
        super.init(id: id, system: system, props: props, parent: parent, runEntry: runEntry)
    }

    @inlinable
    var context: ActorContext<A> { ActorContext(cell: self) }

    override var behaviorTypeName: String { "\(A.self)" }

    // MARK: Enqueueing

    /// The outcome of offering a message to the mailbox.
    @usableFromInline
    enum Offer {
        case enqueued
        /// The mailbox is full and its strategy makes the sender wait.
        case full
        /// Refused: the message went nowhere; the error says why.
        case rejected(ActorError)
    }

    /// Offers `envelope` without waiting. Dropped messages are published as dead letters here;
    /// a `.rejected` result has not been published (the caller decides). With `runningInline`, an
    /// idle actor's turn runs on the calling thread instead of being scheduled (see
    /// ``offerRunningInline(_:)``).
    @inlinable
    final func offer(_ envelope: Envelope<A.Message>, runningInline: Bool = false) -> Offer {
        mutex.lock()
        guard lifecycle.rawValue < Lifecycle.stopping.rawValue else {
            mutex.unlock()
            return .rejected(stoppedError)
        }
        if _slowPath(inbox.count + inFlight >= props.capacity) {
            if let direct = props.directDelivery {
                return offerToRecorder(envelope, unsafeDowncast(direct, to: DirectDelivery<A.Message>.self))  // unlocks
            }
            return offerToFullMailbox(envelope)  // unlocks
        }
        appendAndUnlock(envelope, runningInline: runningInline)
        return .enqueued
    }

    /// Appends to the inbox and releases `mutex` (held by the caller). If the cell was idle, it is
    /// scheduled, or with `runningInline` its turn (at most `throughput` messages) runs right here.
    @inlinable @inline(__always)
    final func appendAndUnlock(_ envelope: Envelope<A.Message>, runningInline: Bool = false) {
        inbox.append(envelope)
        let wasIdle = !scheduled
        scheduled = true
        mutex.unlock()
        guard wasIdle else { return }
        if runningInline {
            system.metrics.recordInlineTurn(drain(inline: true))
        } else {
            dispatcher.schedule(self)
        }
    }

    /// Fire-and-forget: what cannot be enqueued goes to dead letters with the reason.
    @inlinable
    final func tell(_ message: A.Message) {
        switch offer(Envelope(message, reply: nil)) {
        case .enqueued: return
        case .full: deadLetter(messageType: A.Message.self, reason: "mailbox full (\(props.mailbox.capacity ?? 0) messages)")
        case .rejected(let error): deadLetter(messageType: A.Message.self, reason: error.message)
        }
    }

    /// Handles a full bounded mailbox; called with `mutex` held, returns with it released.
    @usableFromInline
    final func offerToFullMailbox(_ envelope: Envelope<A.Message>) -> Offer {
        switch props.mailbox.overflow {
        case .suspendSender:
            mutex.unlock()
            return .full
        case .fail:
            mutex.unlock()
            return .rejected(ActorError(.mailboxFull, "the mailbox of \(label) is full (\(props.capacity) messages)"))
        case .dropNewest:
            mutex.unlock()
            envelope.reply?.fail(ActorError(.mailboxFull, "the mailbox of \(label) is full; the message was dropped"))
            deadLetter(messageType: A.Message.self, reason: "mailbox full, dropped newest")
            return .enqueued
        case .dropOldest:
            guard !inbox.isEmpty else {
                // Everything queued is already being handled: the arriving message is the oldest droppable.
                mutex.unlock()
                envelope.reply?.fail(ActorError(.mailboxFull, "the mailbox of \(label) is full; the message was dropped"))
                deadLetter(messageType: A.Message.self, reason: "mailbox full, dropped newest (nothing older droppable)")
                return .enqueued
            }
            let dropped = inbox.popFirst()
            appendAndUnlock(envelope)
            if let dropped {
                dropped.reply?.fail(ActorError(.mailboxFull, "the mailbox of \(label) is full; the oldest message was dropped"))
                deadLetter(messageType: A.Message.self, reason: "mailbox full, dropped oldest")
            }
            return .enqueued
        }
    }

    /// Enqueues `envelope`, waiting for room while a `suspendSender` mailbox is full.
    @usableFromInline
    final func enqueueWaiting(_ envelope: Envelope<A.Message>) async throws {
        if _slowPath(props.dispatcher === RecordingDispatcher.shared) {
            return try await sendToRecorder(envelope.message)
        }
        switch offer(envelope) {
        case .enqueued: return
        case .rejected(let error): throw error
        case .full: try await waitForRoom(envelope)
        }
    }

    /// Parks a sender until the drain makes room and moves its message into the inbox.
    @usableFromInline
    final func waitForRoom(_ envelope: Envelope<A.Message>, waiter: SenderWaiter = SenderWaiter()) async throws {
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
                mutex.lock()
                if lifecycle.rawValue >= Lifecycle.stopping.rawValue {
                    mutex.unlock()
                    continuation.resume(throwing: stoppedError)
                    return
                }
                if inbox.count + inFlight < props.capacity {
                    appendAndUnlock(envelope)
                    continuation.resume()
                    return
                }
                if overflow == nil { overflow = WaitingSenders() }
                if waiter.cancelled {
                    mutex.unlock()
                    continuation.resume(throwing: CancellationError())
                    return
                }
                overflow!.waiters.append((waiter, envelope, continuation))
                mutex.unlock()
            }
        } onCancel: {
            stopWaiting(waiter, with: CancellationError())
        }
    }

    /// Ends `waiter`'s wait for room when an ask's timeout expires.
    @usableFromInline
    final func armRoomDeadline(for waiter: SenderWaiter, timeout: Duration?) -> ScheduledTimer {
        system.clock.schedule(after: timeout ?? system.settings.askTimeout) { [self] in
            stopWaiting(waiter, with: ActorError(.askTimedOut, "ask to \(label) timed out waiting for room in its mailbox"))
        }
    }

    /// Ends a sender's wait for room with `error` (its task was cancelled, or its ask timed out).
    @usableFromInline
    final func stopWaiting(_ waiter: SenderWaiter, with error: any Error) {
        mutex.lock()
        waiter.cancelled = true
        var found: UnsafeContinuation<Void, any Error>?
        if let index = overflow?.waiters.firstIndex(where: { $0.0 === waiter }) {
            found = overflow!.waiters.remove(at: index).2
        }
        mutex.unlock()
        found?.resume(throwing: error)
    }

    /// Moves waiting senders into the inbox while there is room; called with `mutex` held.
    /// Returns the continuations to resume once the lock is released.
    @usableFromInline
    final func admitWaitingSenders() -> [UnsafeContinuation<Void, any Error>] {
        guard var waiting = overflow, !waiting.waiters.isEmpty else { return [] }
        var admitted: [UnsafeContinuation<Void, any Error>] = []
        while inbox.count + inFlight < props.capacity, let (_, envelope, continuation) = waiting.waiters.popFirst() {
            inbox.append(envelope)
            admitted.append(continuation)
        }
        overflow = waiting
        return admitted
    }

    @usableFromInline
    var stoppedError: ActorError {
        ActorError(.actorStopped, "\(label) (\(A.self)) has stopped")
    }

    // MARK: Draining

    /// One turn: system messages first, then up to `throughput` user messages. A turn run `inline`
    /// on a thread that is not the dispatcher's hands the cell to its dispatcher once the budget is
    /// spent, whether or not other cells wait.
    @inlinable
    final func drain(inline: Bool = false) -> TurnStats {
        let dispatcher = self.dispatcher
        var budget = dispatcher.throughput
        let lingerTurns = inline ? 0 : dispatcher.lingerTurns
        var stats = TurnStats()
        while true {
            mutex.lock()
            if _slowPath(!systemQueue.isEmpty) {
                let message = systemQueue.removeFirst()
                if systemQueue.isEmpty { systemPending.store(false, ordering: .relaxed) }
                mutex.unlock()
                if !handleSystemMessage(message) { return stats }
                continue
            }
            if _slowPath(lifecycle != .running) {
                // Suspended or stopping: user messages wait; a system message will reschedule.
                scheduled = false
                mutex.unlock()
                return stats
            }
            var admitted: [UnsafeContinuation<Void, any Error>] = []
            if batch.isEmpty {
                if inbox.isEmpty {
                    inFlight = 0
                    var lingers = false
                    if lingerTurns > 0 {
                        emptyTurns = stats.handled > 0 ? 0 : emptyTurns &+ 1
                        lingers = Int(emptyTurns) < lingerTurns
                    }
                    if lingers {
                        // Keep the turn in a queue entry; a stale entry still queued is reused.
                        lingering = true
                        stats.lingers = !lingerQueued
                        lingerQueued = true
                    } else {
                        scheduled = false
                        emptyTurns = 0
                    }
                    if _slowPath(overflow != nil) { admitted = admitWaitingSenders() }
                    mutex.unlock()
                    for continuation in admitted { continuation.resume() }
                    if !admitted.isEmpty, !lingers { rescheduleIfNeeded() }
                    return stats
                }
                swap(&inbox, &batch)
                inFlight = batch.count
                stats.taken &+= inFlight
                if _slowPath(overflow != nil) { admitted = admitWaitingSenders() }
            }
            mutex.unlock()
            for continuation in admitted { continuation.resume() }

            while let envelope = batch.popFirst() {
                stats.handled &+= 1
                let outcome = handle(envelope)
                if _slowPath(outcome != .next) {
                    if outcome == .wentAsync { return stats }
                    break
                }
                budget &-= 1
                if _slowPath(systemPending.load(ordering: .relaxed)) { break }
                if _slowPath(budget <= 0) {
                    if inline || dispatcher.hasWaitingCells {
                        dispatcher.requeue(self)
                        return stats
                    }
                    budget = dispatcher.throughput
                }
            }
        }
    }

    /// Handles one user message.
    @inlinable
    final func handle(_ envelope: Envelope<A.Message>) -> HandleOutcome {
        if _slowPath(A.isReentrant(envelope.message)) {
            startReentrant(envelope)
            return .next
        }
        currentReply = envelope.reply
        handlingMessage = true
        let outcome: HandleOutcome
        do {
            let handled = try actor!.receiveSynchronously(envelope.message, reply: ReplyHandle(envelope.reply), context: context)
            if _slowPath(!handled) {
                // The turn passes to the handler's task, which sets these fields itself: reset them
                // before it starts, so that this thread never writes them while the task runs.
                handlingMessage = false
                currentReply = nil
                startAsync(envelope)
                return .wentAsync
            }
            if _slowPath(stashRequested) { stashCurrent(envelope) }
            outcome = .next
        } catch {
            outcome = failed(envelope, error) ? .next : .interrupted
        }
        handlingMessage = false
        currentReply = nil
        return outcome
    }

    /// A handler threw: fail its ask and apply supervision. Returns whether the turn may go on.
    @usableFromInline
    final func failed(_ envelope: Envelope<A.Message>, _ error: any Error) -> Bool {
        stashRequested = false
        envelope.reply?.fail(error)
        return handleFailure(error)
    }

    /// Runs an async handler in a task owned by the cell; the cell keeps its turn until it ends.
    @usableFromInline
    final func startAsync(_ envelope: Envelope<A.Message>) {
        // Created and published under the lock, so a stop can always find and cancel it (a stop
        // that arrived before is honoured at once).
        mutex.lock()
        let task = Task(executorPreference: dispatcher.taskExecutor) { [self] in
            await runAsync(envelope)
            // Give the turn back to the dispatcher, unless the handler's failure stopped the actor
            // for good: a terminated cell has nothing left to run.
            let terminated: Bool = mutex.withLock {
                shared?.asyncTask = nil
                return lifecycle == .terminated
            }
            if !terminated { dispatcher.schedule(self) }
        }
        ensureShared.asyncTask = task
        let stopPending = systemQueue.contains { message in
            if case .stop = message { return true }
            return false
        }
        mutex.unlock()
        if stopPending { task.cancel() }
    }

    @usableFromInline
    final func runAsync(_ envelope: Envelope<A.Message>) async {
        currentReply = envelope.reply
        handlingMessage = true
        defer {
            handlingMessage = false
            currentReply = nil
        }
        do {
            let marker = AsyncHandlerMarker(cell: self, task: withUnsafeCurrentTask { $0?.hashValue })
            try await ActorCellBase.$current.withValue(marker) {
                try await actor!.receive(envelope.message, reply: ReplyHandle(envelope.reply), context: context)
            }
            if stashRequested { stashCurrent(envelope) }
        } catch {
            // Only a stop cancels the handler's task: what it throws then is not a failure.
            if lifecycle == .running, !Task.isCancelled {
                _ = failed(envelope, error)
            } else {
                stashRequested = false
                envelope.reply?.fail(error)
            }
        }
    }

    /// Runs a reentrant handler on a snapshot of the state, concurrently with later messages.
    @usableFromInline
    final func startReentrant(_ envelope: Envelope<A.Message>) {
        guard var snapshot = actor else { return }
        let context = self.context
        _ = logger  // created now, on the turn: the reentrant task only reads it
        let extras = ensureExtras
        let token = extras.nextReentrantToken
        extras.nextReentrantToken &+= 1
        extras.reentrantTasks[token] = Task(executorPreference: dispatcher.taskExecutor) { [self] in
            do {
                try await ReentrantMarker.$active.withValue(true) {
                    try await snapshot.receive(envelope.message, reply: ReplyHandle(envelope.reply), context: context)
                }
            } catch {
                envelope.reply?.fail(error)
                system.logger.debug("reentrant handler failed", metadata: ["actor.path": "\(path)", "error": "\(error)"])
            }
            sendSystem(.reentrantFinished(token))
        }
    }

    /// Schedules the cell if messages arrived while it was finishing a turn.
    @usableFromInline
    final func rescheduleIfNeeded() {
        mutex.lock()
        guard !scheduled, !inbox.isEmpty || !systemQueue.isEmpty else {
            mutex.unlock()
            return
        }
        scheduled = true
        mutex.unlock()
        dispatcher.schedule(self)
    }
}

/// What the drain does after one message.
@usableFromInline
enum HandleOutcome: UInt8 {
    /// Go on with the next message.
    case next
    /// An async handler took over the turn; the drain must return without touching the cell.
    case wentAsync
    /// A failure suspended or stopped the actor: re-check the cell's state.
    case interrupted
}

/// Marks one waiting sender so that its cancellation can find it.
@usableFromInline
final class SenderWaiter: @unchecked Sendable {
    // Invariant: `cancelled` is read and written only under the owning cell's mutex.
    var cancelled = false

    @usableFromInline
    init() {}
}

/// Senders parked on a full `suspendSender` mailbox, in arrival order.
@usableFromInline
struct WaitingSenders<Message: Sendable> {
    var waiters = Deque<(SenderWaiter, Envelope<Message>, UnsafeContinuation<Void, any Error>)>()
}
