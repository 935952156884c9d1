import Troupe

/// Counts told messages.
@Actor
struct Sink {
    var count = 0
    var sum = 0
    @Handler mutating func add(_ value: Int) {
        count &+= 1
        sum &+= value
    }
    @Handler func total() -> Int { count }
}

/// Answers asks.
@Actor
struct Adder {
    var total = 0
    @Handler mutating func increment(by amount: Int) -> Int {
        total &+= amount
        return total
    }
}

/// Does ~10 µs of computation per message.
@Actor
struct Cruncher {
    let iterations: Int
    var accumulated: UInt64 = 0
    var handled = 0
    @Handler mutating func crunchSeed(_ seed: UInt64) {
        accumulated &+= crunch(seed, iterations: iterations)
        handled += 1
    }
    @Handler func result() -> UInt64 { accumulated }
    @Handler func count() -> Int { handled }
}

/// An idle actor that answers a ping.
@Actor
struct Idle {
    @Handler func ping() -> Int { 1 }
}
