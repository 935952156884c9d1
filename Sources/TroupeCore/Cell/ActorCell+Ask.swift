import DequeModule
import Synchronization

extension ActorCell {
    /// The outcome of trying to run an ask's handler inline on the asker.
    @usableFromInline
    enum InlineAsk<R: Sendable> {
        /// The handler ran; here is its result.
        case done(R)
        /// The actor was busy (or on a dispatcher that forbids inlining): go through the mailbox.
        case notInline
        /// The handler stashed the message: wait for the reply on this slot.
        case stashed(ReplySlot<R>)
    }

    /// Runs a synchronous handler on the calling task if the actor is idle with an empty mailbox,
    /// as Swift actors do for an uncontended call; messages that arrive meanwhile wait in the mailbox
    /// and are drained by the dispatcher afterwards, so one-message-at-a-time and per-sender order
    /// hold. A thrown error is supervised exactly as in the drain loop, then rethrown to the asker.
    @inlinable
    final func askInline<R: Sendable>(
        _ message: @autoclosure () -> A.Message,
        _ handler: (inout A, ActorContext<A>) throws -> R
    ) throws -> InlineAsk<R> {
        guard props.dispatcher.allowsInlineAsk else { return .notInline }
        mutex.lock()
        guard !scheduled || lingering, lifecycle == .running, inbox.isEmpty else {
            mutex.unlock()
            return .notInline
        }
        // An idle cell, or a lingering one whose queue entry then goes stale.
        lingering = false
        scheduled = true
        mutex.unlock()
        currentReply = nil
        handlingMessage = true
        let result: R
        do {
            result = try handler(&actor!, context)
            handlingMessage = false
        } catch {
            handlingMessage = false
            stashRequested = false
            _ = handleFailure(error)
            endInlineTurn()
            throw error
        }
        if _slowPath(stashRequested) {
            let slot = ReplySlot<R>()
            stashCurrent(Envelope(message(), reply: slot))
            endInlineTurn()
            return .stashed(slot)
        }
        endInlineTurn()
        system.metrics.inlineHandled.add(1, ordering: .relaxed)
        return .done(result)
    }

    /// Gives up the turn taken by an inline ask, scheduling the cell if work arrived meanwhile.
    @inlinable
    final func endInlineTurn() {
        mutex.lock()
        if _fastPath(systemQueue.isEmpty && inbox.isEmpty && batch.isEmpty) {
            scheduled = false
            mutex.unlock()
            return
        }
        mutex.unlock()
        endInlineTurnWithWork()
    }

    @usableFromInline
    final func endInlineTurnWithWork() {
        mutex.lock()
        if lifecycle == .terminated {
            mutex.unlock()
            return
        }
        let hasWork = !systemQueue.isEmpty || (lifecycle == .running && (!inbox.isEmpty || !batch.isEmpty))
        if !hasWork { scheduled = false }
        mutex.unlock()
        if hasWork { dispatcher.schedule(self) }
    }

    /// Sends an ask through the mailbox and waits for its reply, its timeout, or cancellation.
    @inlinable
    final func askThroughMailbox<R: Sendable>(_ message: A.Message, timeout: Duration?) async throws -> R {
        let slot = ReplySlot<R>()
        return try await awaitReply(slot, enqueueing: Envelope(message, reply: slot), timeout: timeout)
    }

    /// Waits for `slot`, first enqueueing `envelope` if given. Detects ask cycles between actors.
    ///
    /// Inlinable so that it is specialised for the reply type: reached generically, every ask paid
    /// for runtime lookups of generic metadata. The type-independent work is in `beginAsk`.
    @inlinable
    final func awaitReply<R: Sendable>(_ slot: ReplySlot<R>, enqueueing envelope: Envelope<A.Message>?, timeout: Duration?) async throws -> R {
        let waiter = try beginAsk(slot, timeout: timeout)
        defer {
            if let waiter { endAsk(waiter) }
        }
        if let envelope {
            switch offer(envelope) {
            case .enqueued:
                break
            case .rejected(let error):
                slot.fail(error)
                throw error
            case .full:
                // Waiting for room counts against the ask's timeout: when it expires, the wait ends.
                let waiter = SenderWaiter()
                let deadline = armRoomDeadline(for: waiter, timeout: timeout)
                do {
                    try await waitForRoom(envelope, waiter: waiter)
                    deadline.cancel()
                } catch {
                    deadline.cancel()
                    // If the slot already ended (its timeout fired first), its error is the answer.
                    if slot.fail(error) { throw error }
                }
            }
        }
        return try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<R, any Error>) in
                slot.install(continuation)
            }
        } onCancel: {
            slot.fail(CancellationError())
        }
    }
}

extension ActorCellBase {
    /// The type-independent start of an ask: refuses an ask that would close a cycle of actors
    /// waiting on each other, and arms the timeout. Returns the asking actor, if the ask comes from
    /// an actor's async handler (pass it to `endAsk`).
    @usableFromInline
    final func beginAsk(_ slot: AnyReplySlot, timeout: Duration?) throws -> ActorCellBase? {
        let waiter = AsyncHandlerMarker.currentActor
        if let waiter {
            try system.askGraph.beginWait(waiter, on: self)
        }
        let timeout = timeout ?? system.settings.askTimeout
        // The message is built only if the timer fires: an ask must not pay for a string.
        let timer = system.clock.schedule(after: timeout) { [self] in
            slot.fail(ActorError(.askTimedOut, "ask to \(label) (\(behaviorTypeName)) got no reply within \(timeout)"))
        }
        slot.attach(timer)
        return waiter
    }

    /// Ends what `beginAsk` started for an actor's ask.
    @usableFromInline
    final func endAsk(_ waiter: ActorCellBase) {
        system.askGraph.endWait(waiter, on: self)
    }
}

extension ActorCellBase {
    /// A delivered message that could not be enqueued (`error`, or a full mailbox when `nil`):
    /// its asker gets the error, a told message goes to dead letters.
    @usableFromInline
    final func refuseDelivery(reply: AnyReplySlot?, _ error: ActorError?, messageType: Any.Type) {
        let error = error ?? ActorError(.mailboxFull, "the mailbox of \(label) is full")
        if let reply { reply.fail(error) } else { deadLetter(messageType: messageType, reason: error.message) }
    }

    /// Publishes a message that cannot be delivered. Never includes the payload.
    @usableFromInline
    final func deadLetter(messageType: Any.Type, reason: String) {
        system.deadLetters.publish(DeadLetter(recipient: label, recipientID: id, messageType: "\(messageType)", reason: reason))
    }
}
