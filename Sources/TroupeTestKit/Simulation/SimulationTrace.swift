import TroupeCore

/// One step of a ``Simulation``, in the order it ran.
public struct SimulationEvent: Sendable, Equatable, CustomStringConvertible {
    /// What happened.
    public enum Kind: Sendable, Equatable {
        /// An actor ran a turn and handled `messages` user messages.
        case turn(actor: String, messages: Int)
        /// A task (an async handler, the scenario, or a task they started) ran until it suspended.
        case task
        /// Nothing was ready, so the clock jumped to the next timer.
        case clock
        /// A note the scenario recorded with ``Simulation/record(_:)``.
        case note(String)
    }

    /// The step's index, from 0.
    public let step: Int
    /// The virtual time when it ran.
    public let time: ActorInstant
    /// What happened.
    public let kind: Kind

    public var description: String {
        let prefix = "\(step) [\(time)]"
        switch kind {
        case .turn(let actor, let messages): return "\(prefix) turn \(actor) handled \(messages)"
        case .task: return "\(prefix) task"
        case .clock: return "\(prefix) clock"
        case .note(let text): return "\(prefix) note \(text)"
        }
    }
}

/// Everything a ``Simulation`` ran, step by step. Two runs of one seed produce equal traces; print
/// one (or its ``digest``) to compare runs across processes.
public struct SimulationTrace: Sendable, Equatable, CustomStringConvertible {
    /// The steps, in order.
    public internal(set) var events: [SimulationEvent] = []

    /// Creates an empty trace.
    public init() {}

    /// One line per step.
    public var description: String {
        events.map(\.description).joined(separator: "\n")
    }

    /// The last `count` steps, one per line: what an error shows.
    public func tail(_ count: Int) -> String {
        events.suffix(count).map(\.description).joined(separator: "\n")
    }

    /// A 64-bit FNV-1a digest of ``description``, in hex: equal traces have equal digests.
    public var digest: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for event in events {
            for byte in event.description.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0100_0000_01B3
            }
            hash = (hash ^ 0x0A) &* 0x0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    mutating func append(time: ActorInstant, _ kind: SimulationEvent.Kind) {
        events.append(SimulationEvent(step: events.count, time: time, kind: kind))
    }
}
