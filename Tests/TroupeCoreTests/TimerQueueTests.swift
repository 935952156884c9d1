import Synchronization
import Testing
@testable import TroupeCore

@Suite("Timer queue")
struct TimerQueueTests {
    private static func instant(_ nanoseconds: Int64) -> ActorInstant {
        ActorInstant(nanoseconds: nanoseconds)
    }

    @Test("lazy cancellation: cancelled timers never run, and the earliest live deadline is next")
    func lazyCancellationSkipsCancelled() {
        let queue = TimerQueue(lazyCancellation: true)
        let ran = Mutex<[Int]>([])
        var entries: [TimerEntry] = []
        for index in 0..<10 {
            let (entry, _) = queue.insert(deadline: Self.instant(Int64(index))) { ran.withLock { $0.append(index) } }
            entries.append(entry)
        }
        for index in [0, 1, 2, 5, 9] { #expect(queue.cancel(entries[index])) }
        #expect(!queue.cancel(entries[0]), "a second cancel reports the timer was no longer pending")
        #expect(queue.count == 5)
        #expect(queue.nextDeadline == Self.instant(3))
        while let entry = queue.popDue(now: Self.instant(100)) { entry.action() }
        #expect(ran.withLock { $0 } == [3, 4, 6, 7, 8])
        #expect(!queue.cancel(entries[3]), "a timer that ran cannot be cancelled")
        #expect(queue.count == 0)
        #expect(queue.nextDeadline == nil)
    }

    @Test("lazy cancellation sweeps cancelled timers out once they are over half of a large heap")
    func lazyCancellationSweeps() {
        let queue = TimerQueue(lazyCancellation: true)
        let count = TimerQueue.sweepThreshold * 2
        var entries: [TimerEntry] = []
        for index in 0..<count {
            entries.append(queue.insert(deadline: Self.instant(Int64(index))) {}.0)
        }
        // Cancel all but every fourth: three quarters of the heap.
        for (index, entry) in entries.enumerated() where !index.isMultiple(of: 4) { #expect(queue.cancel(entry)) }
        #expect(queue.storedCount == count, "cancelled entries stay until a sweep")
        _ = queue.insert(deadline: Self.instant(Int64(count))) {}
        #expect(queue.storedCount == count / 4 + 1, "the next insert swept the cancelled entries out")
        #expect(queue.count == count / 4 + 1)
        var fired: [ActorInstant] = []
        while let entry = queue.popDue(now: Self.instant(Int64(count) + 1)) { fired.append(entry.deadline) }
        let expected = stride(from: 0, to: count, by: 4).map { Self.instant(Int64($0)) } + [Self.instant(Int64(count))]
        #expect(fired == expected, "the swept heap still yields its timers in deadline order")
    }

    @Test("eager cancellation removes the timer at once and keeps an exact count")
    func eagerCancellation() {
        let queue = TimerQueue()
        let first = queue.insert(deadline: Self.instant(1)) {}.0
        _ = queue.insert(deadline: Self.instant(2)) {}
        #expect(queue.cancel(first))
        #expect(queue.storedCount == 1)
        #expect(queue.count == 1)
        #expect(queue.nextDeadline == Self.instant(2))
        #expect(!queue.cancel(first))
    }
}
