import Testing
@testable import TroupeCore

@Suite("Recording cells")
struct RecorderTests {
    /// A recorder whose `deliver`, handed `.increment(1)`, tells `.increment(2)` to the same cell
    /// and logs when each delivery starts and ends.
    private func nestingRecorder(_ system: ActorSystem, concurrently: Bool, log: Recorder) throws -> ActorRef<Counter> {
        let cell = Locked<ActorRef<Counter>?>(nil)
        let ref = try system.spawnRecorder(of: Counter.self, name: nil, concurrently: concurrently) { message, _ in
            guard case .increment(let amount) = message else { return }
            log.append("start \(amount)")
            if amount == 1 { cell.withLock { $0 }?.tell(.increment(2)) }
            log.append("end \(amount)")
        }
        cell.withLock { $0 = ref }
        return ref
    }

    @Test(
        "a concurrent recorder hands a message on at once, even during another delivery; a serial one queues it until that delivery ends",
        arguments: [
            (true, ["start 1", "start 2", "end 2", "end 1"]),
            (false, ["start 1", "end 1", "start 2", "end 2"]),
        ])
    func nestedSend(concurrently: Bool, expected: [String]) throws {
        let (system, _) = makeSystem()
        let log = Recorder()
        let ref = try nestingRecorder(system, concurrently: concurrently, log: log)
        ref.tell(.increment(1))
        #expect(log.all == expected)
    }

    @Test("a concurrent recorder answers asks, reports refusals, and refuses everything once stopped")
    func concurrentAsksRefusalsAndStop() async throws {
        let (system, _) = makeSystem()
        let ref = try system.spawnRecorder(of: Counter.self, name: nil, concurrently: true) { message, reply in
            switch message {
            case .current: reply.succeed(42)
            case .fail(let id): throw Boom(id: id)
            default: break
            }
        }
        #expect(try await ref.ask(.current, returning: Int.self) == 42)
        await #expect(throws: Boom(id: 1)) { try await ref.ask(.fail(1), returning: Int.self) }
        await #expect(throws: Boom(id: 2)) { try await ref.send(.fail(2)) }
        try await ref.send(.current)

        let before = system.deadLetters.count
        ref.tell(.fail(3))
        #expect(system.deadLetters.count == before + 1, "a told message that cannot be handed on is a dead letter")

        ref.stop()
        _ = await ref.termination
        var stoppedError: (any Error)?
        do { _ = try await ref.ask(.current, returning: Int.self) } catch { stoppedError = error }
        #expect(actorErrorCode(stoppedError) == .actorStopped)
        ref.tell(.current)
        #expect(system.deadLetters.count == before + 2, "a tell to a stopped recorder is a dead letter")
    }
}
