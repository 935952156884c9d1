/// Names one timer of an actor; starting a timer with a key that is in use replaces that timer.
public struct TimerKey: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The key's name.
    public let name: String

    /// Creates a key.
    public init(_ name: String) {
        self.name = name
    }

    public init(stringLiteral value: String) {
        self.name = value
    }

    public var description: String { name }
}
