import Testing
@testable import TroupeCore

/// A consumer that can be blocked in an async handler (sleeping on the system clock) and that
/// reports every item it handles on a stream; the stream ends when the actor stops.
fileprivate struct Sink: ActorBehavior {
    enum Message: Sendable {
        case block(Duration)
        case item(Int)
    }

    let handled: AsyncStream<Int>.Continuation

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Sink>) throws -> Bool {
        switch message {
        case .block:
            return false
        case .item(let value):
            handled.yield(value)
            reply.succeed(value)
            return true
        }
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Sink>) async throws {
        switch message {
        case .block(let duration):
            try await context.clock.sleep(for: duration)
            reply.succeed(())
        case .item:
            _ = try receiveSynchronously(message, reply: reply, context: context)
        }
    }

    mutating func postStop(context: ActorContext<Sink>) {
        handled.finish()
    }
}

/// A sink with a bounded mailbox whose handler is blocked for 10 s of manual-clock time, so that
/// one of its `capacity` places is taken by the message in flight.
fileprivate func blockedSink(
    _ system: ActorSystem, _ clock: ManualClock, capacity: Int, overflow: MailboxSettings.Overflow
) async throws -> (ActorRef<Sink>, AsyncStream<Int>.Iterator) {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let sink = try system.spawn(Sink(handled: continuation), options: SpawnOptions(mailbox: .bounded(capacity, overflow: overflow)))
    try await sink.send(.block(.seconds(10)))
    await clock.waitForPendingTimers(atLeast: 1)  // the handler sleeps: the block is in flight
    return (sink, stream.makeAsyncIterator())
}

@Suite("Bounded mailboxes")
struct MailboxTests {
    @Test("suspendSender: send waits while the mailbox is full; tell goes to dead letters")
    func suspendSender() async throws {
        let (system, clock) = makeSystem()
        var deadLetters = system.eventStream.subscribe(to: DeadLetter.self).makeAsyncIterator()
        let (sink, iterator) = try await blockedSink(system, clock, capacity: 2, overflow: .suspendSender)
        var handled = iterator
        try await sink.send(.item(1))  // the block and item 1 fill the mailbox

        let sent = CompletionFlag()
        let third = Task {
            try await sink.send(.item(2))
            sent.set()
        }
        let before = system.deadLetters.count
        sink.tell(.item(99))
        #expect(system.deadLetters.count == before + 1)
        let deadLetter = try #require(await deadLetters.next())
        #expect(deadLetter.reason.contains("full"))
        #expect(deadLetter.recipientID == sink.id)
        #expect(!sent.isSet, "the third send waits for room")

        clock.advance(by: .seconds(10))
        try await third.value
        #expect(sent.isSet)
        #expect(await collect(&handled, through: 2) == [1, 2])
        sink.stop()
        _ = await sink.termination
        #expect(await collectRest(&handled) == [], "item 99 was never handled")
        try await system.shutdown()
    }

    @Test("dropNewest: arriving messages are dropped while full")
    func dropNewest() async throws {
        let (system, clock) = makeSystem()
        let (sink, iterator) = try await blockedSink(system, clock, capacity: 3, overflow: .dropNewest)
        var handled = iterator
        var deadLetters = system.eventStream.subscribe(to: DeadLetter.self).makeAsyncIterator()
        let before = system.deadLetters.count
        for value in 1...4 { sink.tell(.item(value)) }
        #expect(system.deadLetters.count == before + 2)
        #expect(try #require(await deadLetters.next()).reason.contains("dropped newest"))
        // `send` also returns normally: its message is dropped.
        try await sink.send(.item(5))
        #expect(system.deadLetters.count == before + 3)

        clock.advance(by: .seconds(10))
        #expect(await collect(&handled, through: 2) == [1, 2])
        sink.stop()
        _ = await sink.termination
        #expect(await collectRest(&handled) == [])
        try await system.shutdown()
    }

    @Test("dropOldest: the oldest queued message makes room")
    func dropOldest() async throws {
        let (system, clock) = makeSystem()
        let (sink, iterator) = try await blockedSink(system, clock, capacity: 3, overflow: .dropOldest)
        var handled = iterator
        var deadLetters = system.eventStream.subscribe(to: DeadLetter.self).makeAsyncIterator()
        let before = system.deadLetters.count
        for value in 1...4 { sink.tell(.item(value)) }
        #expect(system.deadLetters.count == before + 2)
        #expect(try #require(await deadLetters.next()).reason.contains("dropped oldest"))

        clock.advance(by: .seconds(10))
        #expect(await collect(&handled, through: 4) == [3, 4])
        sink.stop()
        _ = await sink.termination
        #expect(await collectRest(&handled) == [])
        try await system.shutdown()
    }

    @Test(
        "dropOldest holds at most capacity messages, counting the one in flight"
    )
    func dropOldestBound() async throws {
        let (system, clock) = makeSystem()
        let (sink, _) = try await blockedSink(system, clock, capacity: 1, overflow: .dropOldest)
        let before = system.deadLetters.count
        // The mailbox is full (its one place is the blocked message) and nothing is queued to drop:
        // the arriving message cannot be kept without exceeding the capacity.
        sink.tell(.item(1))
        #expect(system.deadLetters.count == before + 1)
        clock.advance(by: .seconds(10))
        try await system.shutdown()
    }

    @Test("fail: send and ask throw mailboxFull while full")
    func failOverflow() async throws {
        let (system, clock) = makeSystem()
        let (sink, iterator) = try await blockedSink(system, clock, capacity: 2, overflow: .fail)
        var handled = iterator
        try await sink.send(.item(1))
        let sendError = await #expect(throws: ActorError.self) { try await sink.send(.item(2)) }
        #expect(sendError?.code == .mailboxFull)
        let askError = await #expect(throws: ActorError.self) {
            let _: Int = try await sink.ask(.item(3))
        }
        #expect(askError?.code == .mailboxFull)
        let before = system.deadLetters.count
        sink.tell(.item(4))
        #expect(system.deadLetters.count == before + 1)

        clock.advance(by: .seconds(10))
        #expect(await collect(&handled, through: 1) == [1])
        // Room again: an ask goes through.
        let reply: Int = try await sink.ask(.item(5))
        #expect(reply == 5)
        sink.stop()
        _ = await sink.termination
        #expect(await collectRest(&handled) == [5])
        try await system.shutdown()
    }

    @Test("a full mailbox can still be stopped; queued and waiting messages fail with actorStopped")
    func stopFullMailbox() async throws {
        let (system, clock) = makeSystem()
        let (sink, _) = try await blockedSink(system, clock, capacity: 2, overflow: .suspendSender)
        sink.tell(.item(1))  // full
        let parkedSend = Task { try await sink.send(.item(2)) }
        let parkedAsk = Task { () -> Int in try await sink.ask(.item(3), timeout: .seconds(600)) }
        let before = system.deadLetters.count
        sink.stop()
        let reason = await sink.termination
        #expect(reason.kind == .stopped)
        let sendError = await #expect(throws: ActorError.self) { try await parkedSend.value }
        #expect(sendError?.code == .actorStopped)
        let askError = await #expect(throws: ActorError.self) { try await parkedAsk.value }
        #expect(askError?.code == .actorStopped)
        #expect(system.deadLetters.count >= before + 1, "the queued tell went to dead letters")
        try await system.shutdown()
    }

    @Test("memory stays bounded: 100,000 tells to a blocked consumer with capacity 100")
    func boundedUnderFlood() async throws {
        let (system, clock) = makeSystem()
        let (sink, iterator) = try await blockedSink(system, clock, capacity: 100, overflow: .suspendSender)
        var handled = iterator
        let before = system.deadLetters.count
        let total = 100_000
        for value in 0..<total { sink.tell(.item(value)) }
        let dropped = system.deadLetters.count - before
        #expect(dropped == total - 99, "one place is taken by the blocked message")

        clock.advance(by: .seconds(10))
        let processed = await collect(&handled, through: 98)
        #expect(processed == Array(0..<99))
        sink.stop()
        _ = await sink.termination
        let late = await collectRest(&handled)
        #expect(late.isEmpty)
        #expect(processed.count + late.count + dropped == total)
        #expect(processed.count <= 100)
        try await system.shutdown()
    }
}
