import DequeModule

/// Messages an actor set aside with ``ActorContext/stash()`` to handle later, asks included (their
/// replies wait until they are handled).
final class StashBuffer<Message: Sendable> {
    var envelopes = Deque<Envelope<Message>>()
}

extension ActorCell {
    /// Moves the message being handled into the stash (the handler called `stash()`).
    @usableFromInline
    final func stashCurrent(_ envelope: Envelope<A.Message>) {
        stashRequested = false
        let extras = ensureExtras
        let stash = (extras.stash as? StashBuffer<A.Message>) ?? {
            let created = StashBuffer<A.Message>()
            extras.stash = created
            return created
        }()
        envelope.reply?.isDeferred = true
        stash.envelopes.append(envelope)
    }

    /// Puts every stashed message back at the front of the mailbox, in stash order.
    final func unstashAll() {
        guard let stash = extras?.stash as? StashBuffer<A.Message>, !stash.envelopes.isEmpty else { return }
        for envelope in stash.envelopes { envelope.reply?.isDeferred = false }
        batch.prepend(contentsOf: stash.envelopes)
        system.metrics.queued.add(stash.envelopes.count, ordering: .relaxed)
        stash.envelopes.removeAll()
    }

    /// How many messages are stashed.
    final var stashedCount: Int {
        (extras?.stash as? StashBuffer<A.Message>)?.envelopes.count ?? 0
    }
}
