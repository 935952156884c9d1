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
    ///
    /// With `concurrently`, `deliver` must be safe to call from several threads at once: a message
    /// sent while the cell is idle (nothing queued, no turn running) is then handed on by the
    /// sender's thread right away, without passing through the mailbox, and concurrent senders may
    /// hand on at the same time. Each sender's messages still go in the order it sent them. A
    /// remote ref's cell works this way: the mailbox and the turn cost a remote tell or ask three
    /// lock rounds and generic code that could not be specialised.
    package func spawnRecorder<A: ActorBehavior>(
        of type: A.Type, name: String?, concurrently: Bool = false,
        deliver: @escaping @Sendable (A.Message, ReplyHandle) throws -> Void
    ) throws -> ActorRef<A> {
        if let name { try Receptionist.validate(name: name) }
        let props = CellProps(
            name: name, mailbox: .unbounded, supervision: settings.defaultSupervision,
            dispatcher: RecordingDispatcher.shared,
            directDelivery: concurrently ? DirectDelivery<A.Message>(deliver) : nil)
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
                handOn(envelope, deliver)
            }
        }
    }

    /// Hands one message of a recording cell to `deliver`: an ask with its reply slot; a `send`
    /// with its receipt completed once handed on. A refusal fails the ask or the `send`, or sends
    /// a told message to dead letters with the reason.
    @inlinable
    final func handOn(_ envelope: Envelope<A.Message>, _ deliver: (A.Message, ReplyHandle) throws -> Void) {
        let receipt = envelope.reply.flatMap { $0 as? ReplySlot<HandedOn> }
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

    /// `offer` to a recording cell that hands on concurrently (called with `mutex` held; returns
    /// with it released): hands `envelope` on at once if the cell is idle, else queues it behind
    /// what is queued, for the running turn. Specialised but never inlined: inlined, it made
    /// `offer`, which every local tell runs, larger and slower.
    @inlinable @inline(never)
    final func offerToRecorder(_ envelope: Envelope<A.Message>, _ direct: DirectDelivery<A.Message>) -> Offer {
        guard !scheduled, inbox.isEmpty, systemQueue.isEmpty else {
            appendAndUnlock(envelope)
            return .enqueued
        }
        mutex.unlock()
        handOn(envelope, direct.deliver)
        return .enqueued
    }
}

/// The `deliver` function of a recording cell that hands messages on concurrently, kept in its
/// props (see ``ActorSystem/spawnRecorder(of:name:concurrently:deliver:)``).
@usableFromInline
final class DirectDelivery<Message>: Sendable {
    @usableFromInline
    let deliver: @Sendable (Message, ReplyHandle) throws -> Void

    init(_ deliver: @escaping @Sendable (Message, ReplyHandle) throws -> Void) {
        self.deliver = deliver
    }
}

/// The reply type of a `send` to a recording cell: its slot completes once the message was handed
/// on (or fails with why it could not be), so the sender learns of a refusal. No ask expects it.
@usableFromInline
struct HandedOn: Sendable {
    @usableFromInline
    init() {}
}

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
