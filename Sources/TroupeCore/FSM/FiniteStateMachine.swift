/// A small finite-state-machine helper for actors: the current state, the transitions allowed
/// from each state, and an optional state timeout delivered as a message through the actor's timers.
///
/// Keep it as a stored property of an actor and switch on ``state`` in handlers:
///
/// ```swift
/// enum Door: Hashable, Sendable { case closed, open, locked }
/// var door = FiniteStateMachine(initial: Door.closed, transitions: [
///     .closed: [.open, .locked], .open: [.closed], .locked: [.closed],
/// ])
/// @Handler mutating func open(context: ActorContext<Self>) throws {
///     try door.transition(to: .open, context: context, timeout: .seconds(30), timeoutMessage: .autoClose)
/// }
/// ```
public struct FiniteStateMachine<State: Hashable & Sendable>: Sendable {
    /// The current state.
    public private(set) var state: State
    /// How many transitions have happened.
    public private(set) var transitionCount = 0
    private let allowed: [State: Set<State>]?

    /// The timer key used for state timeouts.
    public static var timeoutKey: TimerKey { "troupe.fsm.state-timeout" }

    /// Creates a machine in `initial`. With `transitions`, only the listed moves are allowed (a state
    /// missing from the table allows none); without it, any move is.
    public init(initial: State, transitions: [State: Set<State>]? = nil) {
        self.state = initial
        self.allowed = transitions
    }

    /// Whether moving to `next` is allowed from the current state.
    public func canTransition(to next: State) -> Bool {
        guard let allowed else { return true }
        return allowed[state]?.contains(next) ?? false
    }

    /// Moves to `next`, or throws ``FiniteStateMachineError`` if the table forbids it (the state stays).
    public mutating func transition(to next: State) throws {
        guard canTransition(to: next) else {
            throw FiniteStateMachineError(from: "\(state)", to: "\(next)")
        }
        state = next
        transitionCount += 1
    }

    /// Moves to `next` and replaces the state timeout: if `timeout` is given, the actor receives
    /// `timeoutMessage` after that long unless it changes state again first.
    public mutating func transition<A: ActorBehavior>(
        to next: State, context: ActorContext<A>, timeout: Duration? = nil, timeoutMessage: A.Message? = nil
    ) throws {
        try transition(to: next)
        context.cancelTimer(Self.timeoutKey)
        if let timeout, let timeoutMessage {
            context.startSingleTimer(Self.timeoutKey, message: timeoutMessage, delay: timeout)
        }
    }
}

/// A transition the state machine's table does not allow.
public struct FiniteStateMachineError: Error, CustomStringConvertible, Sendable {
    /// The state the machine was in.
    public let from: String
    /// The state it was asked to move to.
    public let to: String

    public var description: String {
        "transition from \(from) to \(to) is not allowed"
    }
}
