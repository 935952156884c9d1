#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Testing
@testable import TroupeCore

/// Records which OS thread handled each message, and can hold its thread until released.
private struct ThreadRecorder: ActorBehavior {
    enum Message: Sendable {
        case record
        case threads
        case holdUntil(Gate)
        case append(String, Recorder)
    }

    var threads: [UInt] = []

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<ThreadRecorder>) throws -> Bool {
        switch message {
        case .record:
            threads.append(currentThreadID())
            reply.succeed(())
        case .threads:
            reply.succeed(threads)
        case .holdUntil(let gate):
            gate.entered.store(true, ordering: .releasing)
            while !gate.open.load(ordering: .acquiring) {}
            reply.succeed(())
        case .append(let entry, let recorder):
            recorder.append(entry)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<ThreadRecorder>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

/// The calling OS thread's id.
private func currentThreadID() -> UInt {
    #if canImport(Darwin)
    return UInt(bitPattern: pthread_self())
    #else
    return UInt(pthread_self())
    #endif
}

/// Holds a dispatcher thread inside a handler until the test opens it.
final class Gate: Sendable {
    let entered = Atomic<Bool>(false)
    let open = Atomic<Bool>(false)
}

@Suite("Dispatchers")
struct DispatcherTests {
    @Test("a pinned actor handles every message on its own dedicated thread, never inline on the asker")
    func pinned() async throws {
        let (system, _) = makeSystem()
        let pinned = try system.spawn(ThreadRecorder(), options: SpawnOptions(dispatcher: .pinned))
        let shared = try system.spawn(ThreadRecorder())
        for _ in 0..<20 {
            try await pinned.ask(.record, returning: Void.self)
            pinned.tell(.record)
            shared.tell(.record)
        }
        let pinnedThreads: [UInt] = try await pinned.ask(.threads)
        let sharedThreads: [UInt] = try await shared.ask(.threads)
        #expect(pinnedThreads.count == 40)
        #expect(Set(pinnedThreads).count == 1)
        #expect(Set(pinnedThreads).isDisjoint(with: Set(sharedThreads)))
        try await system.shutdown()
    }

    @Test("throughput 1 interleaves two busy actors on one thread; a large throughput runs each in turn")
    func throughputSetting() async throws {
        for throughput in [1, 1_000] {
            let (system, _) = makeSystem { settings in
                settings.dispatcherThreads = 1
                settings.throughput = throughput
            }
            let gate = Gate()
            let blocker = try system.spawn(ThreadRecorder())
            let first = try system.spawn(ThreadRecorder())
            let second = try system.spawn(ThreadRecorder())
            let recorder = Recorder()
            blocker.tell(.holdUntil(gate))
            while !gate.entered.load(ordering: .acquiring) { await Task.yield() }
            // The only worker is held: both actors queue their messages, then are scheduled in order.
            for index in 0..<3 {
                first.tell(.append("a\(index)", recorder))
                second.tell(.append("b\(index)", recorder))
            }
            gate.open.store(true, ordering: .releasing)
            try await first.ask(.record, returning: Void.self)
            try await second.ask(.record, returning: Void.self)
            if throughput == 1 {
                #expect(recorder.all == ["a0", "b0", "a1", "b1", "a2", "b2"])
            } else {
                #expect(recorder.all == ["a0", "a1", "a2", "b0", "b1", "b2"])
            }
            try await system.shutdown()
        }
    }

    @Test("a transport's inline delivery runs an idle actor's turn on the delivering thread, never a pinned actor's")
    func inlineDelivery() async throws {
        let (system, _) = makeSystem()
        let shared = try system.spawn(ThreadRecorder())
        let pinned = try system.spawn(ThreadRecorder(), options: SpawnOptions(dispatcher: .pinned))
        try await shared.ask(.record, returning: Void.self)  // started and idle
        try await pinned.ask(.record, returning: Void.self)
        let deliveringThread = currentThreadID()
        shared.deliverRunningInline(.record, reply: nil)
        pinned.deliverRunningInline(.record, reply: nil)
        let sharedThreads: [UInt] = try await shared.ask(.threads)
        let pinnedThreads: [UInt] = try await pinned.ask(.threads)
        #expect(sharedThreads.count == 2 && sharedThreads.last == deliveringThread)
        #expect(pinnedThreads.count == 2 && pinnedThreads.last != deliveringThread)
        try await system.shutdown()
    }

    @Test("inline delivery to a busy actor queues behind what it is doing: one message at a time, in order")
    func inlineDeliveryToBusyActor() async throws {
        let (system, _) = makeSystem()
        let actor = try system.spawn(ThreadRecorder())
        let gate = Gate()
        let recorder = Recorder()
        actor.tell(.holdUntil(gate))
        while !gate.entered.load(ordering: .acquiring) { await Task.yield() }
        for index in 0..<3 { actor.deliverRunningInline(.append("m\(index)", recorder), reply: nil) }
        #expect(recorder.all.isEmpty)  // queued, not run beside the held turn
        gate.open.store(true, ordering: .releasing)
        try await actor.ask(.record, returning: Void.self)
        #expect(recorder.all == ["m0", "m1", "m2"])
        try await system.shutdown()
    }
}
