/// What a supervisor does with an actor whose handler threw.
public struct SupervisionDirective: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Kind: Sendable, Hashable { case resume, restart, stop, escalate }
    @usableFromInline
    let kind: Kind

    /// Keep the actor and its state; go on with the next message.
    public static let resume = SupervisionDirective(kind: .resume)
    /// Replace the actor with a fresh instance from its factory (within the restart limit, after the
    /// backoff); queued messages are kept, children are stopped, timers cancelled.
    public static let restart = SupervisionDirective(kind: .restart)
    /// Stop the actor; watchers learn it failed.
    public static let stop = SupervisionDirective(kind: .stop)
    /// Stop the actor and fail its parent with the same error, so the parent's strategy decides.
    public static let escalate = SupervisionDirective(kind: .escalate)

    public var description: String { "\(kind)" }
}

/// Which terminations lead to a restart (Erlang's child restart types).
public enum RestartPolicy: Sendable, Hashable {
    /// Restarted after a failure and also when it stops itself.
    case permanent
    /// Restarted after a failure only (the default).
    case transient
    /// Never restarted: a failure stops it.
    case temporary
}
