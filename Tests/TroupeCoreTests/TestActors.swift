@testable import TroupeCore

/// An error handlers throw on purpose.
struct Boom: Error, Equatable {
    var id = 0
}

/// A hand-written actor (no macros) used across the core tests.
struct Counter: ActorBehavior {
    enum Message: Sendable {
        case increment(Int)
        case current
        case fail(Int)
        case record(sender: Int, sequence: Int)
        case log
        case sleep(Duration)
        case stashUntilOpen(Int)
        case open
    }

    var count = 0
    var log: [Int: [Int]] = [:]
    var open = false
    var handled: [Int] = []
    var events: Recorder?

    init(events: Recorder? = nil) {
        self.events = events
    }

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Counter>) throws -> Bool {
        switch message {
        case .increment(let amount):
            count += amount
            reply.succeed(count)
        case .current:
            reply.succeed(count)
        case .fail(let id):
            throw Boom(id: id)
        case .record(let sender, let sequence):
            log[sender, default: []].append(sequence)
            reply.succeed(())
        case .log:
            reply.succeed(log)
        case .sleep:
            return false
        case .stashUntilOpen(let value):
            if !open {
                try context.stash()
                reply.succeed(-1)
            } else {
                handled.append(value)
                reply.succeed(handled)
            }
        case .open:
            open = true
            context.unstashAll()
            reply.succeed(())
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Counter>) async throws {
        switch message {
        case .sleep(let duration):
            try await context.clock.sleep(for: duration)
            reply.succeed(count)
        default:
            _ = try receiveSynchronously(message, reply: reply, context: context)
        }
    }

    mutating func preStart(context: ActorContext<Counter>) throws {
        events?.append("start")
    }

    mutating func postStop(context: ActorContext<Counter>) {
        events?.append("stop")
    }

    mutating func preRestart(error: any Error, context: ActorContext<Counter>) {
        events?.append("restart")
    }
}

/// A thread-safe list of strings that tests inspect.
final class Recorder: Sendable {
    private let entries = Locked<[String]>([])
    func append(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// A system on a manual clock, for tests.
func makeSystem(_ name: String = "test", configure: (inout ActorSystemSettings) -> Void = { _ in }) -> (ActorSystem, ManualClock) {
    let clock = ManualClock()
    var settings = ActorSystemSettings()
    settings.clock = clock
    settings.randomSeed = 42
    settings.metricsInterval = nil
    configure(&settings)
    return (ActorSystem(name: name, settings: settings), clock)
}
