/// How failures of one actor are handled: which directive, how often restarts may happen, and how
/// long to wait before each.
///
/// ```swift
/// let strategy = SupervisionStrategy.restart(maxRestarts: 3, within: .seconds(10))
///     .withBackoff(.exponential(initial: .milliseconds(100), maximum: .seconds(5)))
/// ```
public struct SupervisionStrategy: Sendable {
    /// Decides the directive for a failure.
    public var decider: @Sendable (any Error) -> SupervisionDirective
    /// Which terminations lead to restarts.
    public var restartPolicy: RestartPolicy
    /// The most restarts allowed within ``window``; one more stops the actor with
    /// ``TerminationReason/Kind/restartLimitExceeded``.
    public var maxRestarts: Int
    /// The sliding window the restart limit counts in.
    public var window: Duration
    /// The delay before each restart, if any.
    public var backoff: Backoff?

    /// Creates a strategy.
    public init(
        restartPolicy: RestartPolicy = .transient,
        maxRestarts: Int = 10,
        within window: Duration = .seconds(60),
        backoff: Backoff? = nil,
        decider: @escaping @Sendable (any Error) -> SupervisionDirective = { _ in .restart }
    ) {
        precondition(maxRestarts >= 0, "maxRestarts must not be negative, got \(maxRestarts)")
        precondition(window > .zero, "the restart window must be positive, got \(window)")
        self.decider = decider
        self.restartPolicy = restartPolicy
        self.maxRestarts = maxRestarts
        self.window = window
        self.backoff = backoff
    }

    /// The default: restart on any failure, at most 10 times a minute, no backoff.
    public static let `default` = SupervisionStrategy()

    /// Restart on any failure, at most `maxRestarts` times within `window`.
    public static func restart(maxRestarts: Int = 10, within window: Duration = .seconds(60)) -> SupervisionStrategy {
        SupervisionStrategy(maxRestarts: maxRestarts, within: window)
    }

    /// Keep the state and go on after any failure.
    public static let resume = SupervisionStrategy(decider: { _ in .resume })
    /// Stop on any failure.
    public static let stop = SupervisionStrategy(restartPolicy: .temporary, decider: { _ in .stop })
    /// Stop and hand every failure to the parent.
    public static let escalate = SupervisionStrategy(decider: { _ in .escalate })

    /// This strategy with a backoff before each restart.
    public func withBackoff(_ backoff: Backoff) -> SupervisionStrategy {
        var copy = self
        copy.backoff = backoff
        return copy
    }

    /// This strategy with another restart policy.
    public func withRestartPolicy(_ policy: RestartPolicy) -> SupervisionStrategy {
        var copy = self
        copy.restartPolicy = policy
        return copy
    }

    func decide(_ error: any Error) -> SupervisionDirective {
        decider(error)
    }
}
