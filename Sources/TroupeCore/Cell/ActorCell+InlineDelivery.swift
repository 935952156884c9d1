extension ActorCell {
    /// Offers `envelope` like ``offer(_:)``, but if the actor was idle its turn runs right here, on
    /// the calling thread, instead of on a dispatcher thread: a transport's event loop delivering an
    /// ask runs the handler and writes the reply without two thread hand-offs. The turn handles at
    /// most `throughput` messages, then the cell goes to its dispatcher. Only on dispatchers that
    /// allow inline asks (the shared pool, not a pinned thread or a simulation).
    @inlinable
    final func offerRunningInline(_ envelope: Envelope<A.Message>) -> Offer {
        offer(envelope, runningInline: props.dispatcher.allowsInlineAsk)
    }
}
