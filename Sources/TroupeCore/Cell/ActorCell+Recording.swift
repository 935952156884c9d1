import DequeModule

extension ActorSystem {
    /// Spawns a cell of actor type `A` that has no instance: every message sent to it is handed to
    /// `deliver`, with the reply handle of its ask (if any), on the sending thread. The test kit's
    /// probes stand in for real actors this way, behind an ordinary `ActorRef<A>`; so do remote refs.
    ///
    /// `deliver` throws when it cannot hand a message on (a remote ref's full outbound queue): a
    /// told message then goes to dead letters with the error's message as the reason, and
    /// `ActorRef.send` throws the error. (An ask's failure is the deliverer's to report, on its
    /// reply handle.)
    ///
    /// The cell is registered like any actor (under `name`, if given), can be stopped and watched,
    /// and stops when the system shuts down. Asks to it always go through its mailbox.
    package func spawnRecorder<A: ActorBehavior>(
        of type: A.Type, name: String?, deliver: @escaping @Sendable (A.Message, ReplyHandle) throws -> Void
    ) throws -> ActorRef<A> {
        if let name { try Receptionist.validate(name: name) }
        let props = CellProps(
            name: name, mailbox: .unbounded, supervision: settings.defaultSupervision,
            dispatcher: RecordingDispatcher.shared)
        let cell = ActorCell<A>(
            id: nextActorID(), system: self, props: props, parent: nil,
            factory: { throw ActorError(.invalidState, "a recording cell (test probe) has no actor to create") },
            runEntry: { cell in unsafeDowncast(cell, to: ActorCell<A>.self).drainRecording(deliver) })
        try register(cell)
        cell.endInlineTurn()
        return ActorRef(cell: cell)
    }
}

extension ActorCell {
    /// The turn of a recording cell: system messages as usual (a stop terminates it), then every
    /// queued message handed to `deliver` in order.
    final func drainRecording(_ deliver: (A.Message, ReplyHandle) throws -> Void) -> TurnStats {
        var stats = TurnStats()
        while true {
            mutex.lock()
            if !systemQueue.isEmpty {
                let message = systemQueue.removeFirst()
                if systemQueue.isEmpty { systemPending.store(false, ordering: .relaxed) }
                mutex.unlock()
                if !handleSystemMessage(message) { return stats }
                continue
            }
            guard lifecycle == .running, !inbox.isEmpty else {
                inFlight = 0
                scheduled = false
                mutex.unlock()
                return stats
            }
            swap(&inbox, &batch)
            mutex.unlock()
            while let envelope = batch.popFirst() {
                stats.handled &+= 1
                let receipt = envelope.reply as? ReplySlot<HandedOn>
                do {
                    try deliver(envelope.message, ReplyHandle(receipt == nil ? envelope.reply : nil))
                    receipt?.complete(.success(HandedOn()))
                } catch {
                    if let receipt {
                        receipt.complete(.failure(error))
                    } else if let reply = envelope.reply {
                        reply.fail(error)
                    } else {
                        deadLetter(messageType: A.Message.self, reason: (error as? ActorError)?.message ?? "\(error)")
                    }
                }
            }
        }
    }
}

/// The reply type of a `send` to a recording cell: its slot completes once the message was handed
/// on (or fails with why it could not be), so the sender learns of a refusal. No ask expects it.
struct HandedOn: Sendable {}

extension ActorCell {
    /// `send` to a recording cell: enqueues with a receipt and waits until the message is handed
    /// on (right away, unless another sender's turn is handing on messages now).
    final func sendToRecorder(_ message: A.Message) async throws {
        let receipt = ReplySlot<HandedOn>()
        switch offer(Envelope(message, reply: receipt)) {
        case .enqueued: break
        case .rejected(let error): throw error
        case .full: throw ActorError(.mailboxFull, "the mailbox of \(label) is full")
        }
        _ = try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<HandedOn, any Error>) in
            receipt.install(continuation)
        }
    }
}

/// Runs a recording cell's turn right away on the thread that scheduled it: the turn only hands
/// messages over, so it needs no thread of its own. Stateless, so one instance serves every system.
final class RecordingDispatcher: MessageDispatcher {
    static let shared = RecordingDispatcher()

    func schedule(_ cell: ActorCellBase) {
        _ = cell.runTurn()
    }

    var hasWaitingCells: Bool { false }

    func requeue(_ cell: ActorCellBase) {
        _ = cell.runTurn()
    }

    var allowsInlineAsk: Bool { false }
    var throughput: Int { .max }
    var taskExecutor: (any TaskExecutor)? { nil }
    func shutdown() {}
}
