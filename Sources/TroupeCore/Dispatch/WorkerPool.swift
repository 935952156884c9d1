#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DequeModule
import Synchronization

/// A pool of OS threads sharing one run queue of scheduled cells: the default dispatcher, and,
/// with one thread, the pinned dispatcher.
///
/// Idle workers spin briefly (yielding the core) before they park, and a producer wakes a parked
/// worker only when no worker is spinning: waking a thread costs microseconds, a spinning worker
/// picks the cell up in nanoseconds.
final class WorkerPool: MessageDispatcher, @unchecked Sendable {
    // Invariant: `queue`, `sleeping` and `stopped` are guarded by `mutex`; `threads` is written once
    // in `init` (before any other thread sees the pool) and read by `shutdown`.
    private let mutex = PThreadMutex()
    private let condition = PThreadCondition()
    private var queue = Deque<ActorCellBase>()
    private var sleeping = 0
    private var stopped = false
    private let queued = Atomic<Int>(0)
    private let spinning = Atomic<Int>(0)
    private var threads: [OSThread] = []
    private let spinIterations: Int
    let throughput: Int
    let allowsInlineAsk: Bool
    private let metrics: SystemMetrics
    private let clock: any ActorClock

    /// Starts `threadCount` workers named `name-N`; they report turn statistics to `metrics`.
    init(
        name: String, threadCount: Int, throughput: Int, spinIterations: Int = 64, allowsInlineAsk: Bool,
        metrics: SystemMetrics, clock: any ActorClock
    ) {
        precondition(threadCount > 0 && throughput > 0)
        self.throughput = throughput
        self.spinIterations = spinIterations
        self.allowsInlineAsk = allowsInlineAsk
        self.metrics = metrics
        self.clock = clock
        threads = (0..<threadCount).map { index in
            OSThread.start(name: threadCount == 1 ? name : "\(name)-\(index)") { [self] in work() }
        }
    }

    deinit {
        condition.destroy()
        mutex.destroy()
    }

    func schedule(_ cell: ActorCellBase) {
        mutex.lock()
        queue.append(cell)
        if sleeping > 0, spinning.load(ordering: .relaxed) == 0 {
            condition.signal()
        }
        mutex.unlock()
        queued.add(1, ordering: .releasing)
    }

    func shutdown() {
        mutex.withLock {
            stopped = true
            condition.broadcast()
        }
        for thread in threads where !thread.isCurrent {
            thread.join()
        }
    }

    private func next() -> ActorCellBase? {
        mutex.lock()
        let cell = queue.popFirst()
        mutex.unlock()
        if cell != nil { queued.subtract(1, ordering: .relaxed) }
        return cell
    }

    private func work() {
        // Per-worker tallies, reported every `reportEvery` turns and before parking: metrics cost
        // nothing per message, and one turn in `sampleEvery` is timed.
        let reportEvery = 1_024
        let sampleEvery = 64
        var turns = 0
        var taken = 0
        var handled = 0
        func report() {
            metrics.processed(handled)
            if taken != handled { metrics.queued.add(taken - handled, ordering: .relaxed) }
            taken = 0
            handled = 0
        }
        while true {
            if let cell = next() {
                turns &+= 1
                let stats: TurnStats
                if turns % sampleEvery == 0 {
                    let start = clock.now
                    stats = cell.runTurn()
                    metrics.recordTurn(nanoseconds: (clock.now - start).nanoseconds)
                } else {
                    stats = cell.runTurn()
                }
                taken &+= stats.taken
                handled &+= stats.handled
                if turns % reportEvery == 0 { report() }
                continue
            }
            report()
            spinning.add(1, ordering: .relaxed)
            var spins = 0
            while spins < spinIterations, queued.load(ordering: .acquiring) == 0 {
                sched_yield()
                spins += 1
            }
            spinning.subtract(1, ordering: .relaxed)
            if queued.load(ordering: .acquiring) > 0 { continue }
            mutex.lock()
            while queue.isEmpty, !stopped {
                sleeping += 1
                condition.wait(mutex)
                sleeping -= 1
            }
            let done = queue.isEmpty && stopped
            mutex.unlock()
            if done { return }
        }
    }
}
