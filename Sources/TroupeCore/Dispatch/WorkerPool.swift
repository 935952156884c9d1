#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DequeModule
import Synchronization

/// A pool of OS threads, each with its own run queue of scheduled cells: the default dispatcher,
/// and, with one thread, the pinned dispatcher.
///
/// A cell is queued on its home worker (chosen by its id), so a producer and a worker contend
/// only on that one queue, and a cell tends to stay on one core. A worker takes cells from its
/// queue a few at a time; when its queue is empty it steals from the others, then spins briefly
/// (yielding the core), then parks. A producer wakes a worker only when that worker is parked, or
/// when work piles up while another worker is parked: waking a thread costs microseconds.
final class WorkerPool: MessageDispatcher, @unchecked Sendable {
    // Invariant: every mutable field of `Worker` is guarded by that worker's mutex, except the
    // atomics; `workers` is immutable after `init`.
    private let workers: [Worker]
    private let parkedCount = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    private let spinIterations: Int
    let throughput: Int
    let allowsInlineAsk: Bool
    private let metrics: SystemMetrics
    private let clock: any ActorClock

    /// One worker thread and its queue.
    final class Worker: @unchecked Sendable {
        // Invariant: `queue` and `parked` are guarded by `mutex`; `count` mirrors `queue.count`
        // for lock-free peeks.
        let index: Int
        let mutex = PThreadMutex()
        let condition = PThreadCondition()
        var queue = Deque<ActorCellBase>()
        var parked = false
        let count = Atomic<Int>(0)
        var thread: OSThread?
        // Keeps neighbouring workers' hot fields off one cache line.
        private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)

        init(index: Int) {
            self.index = index
        }

        deinit {
            condition.destroy()
            mutex.destroy()
        }

        /// Queues `cell`; returns whether the worker was parked (and must be signalled).
        @inline(__always)
        func push(_ cell: ActorCellBase) -> (wasParked: Bool, depth: Int) {
            mutex.lock()
            queue.append(cell)
            let wasParked = parked
            parked = false
            let depth = queue.count
            mutex.unlock()
            count.add(1, ordering: .releasing)
            return (wasParked, depth)
        }

        /// Takes up to `limit` cells (from the front) into `into`.
        @inline(__always)
        func take(upTo limit: Int, into batch: inout [ActorCellBase]) {
            mutex.lock()
            let n = min(limit, queue.count)
            for _ in 0..<n { batch.append(queue.removeFirst()) }
            mutex.unlock()
            if n > 0 { count.subtract(n, ordering: .relaxed) }
        }
    }

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
        self.workers = (0..<threadCount).map { Worker(index: $0) }
        for worker in workers {
            worker.thread = OSThread.start(name: threadCount == 1 ? name : "\(name)-\(worker.index)") { [self] in
                work(worker)
            }
        }
    }

    @inline(__always)
    private func home(of cell: ActorCellBase) -> Worker {
        workers.count == 1 ? workers[0] : workers[Int(cell.id.value % UInt64(workers.count))]
    }

    func schedule(_ cell: ActorCellBase) {
        let worker = home(of: cell)
        let (wasParked, depth) = worker.push(cell)
        if wasParked {
            worker.mutex.withLock { worker.condition.signal() }
        } else if depth > 1, parkedCount.load(ordering: .relaxed) > 0 {
            // Work piles up on a busy worker while another sleeps: wake one to steal.
            wakeOneParked(except: worker)
        }
    }

    var hasWaitingCells: Bool {
        // Only a hint: the calling worker's own queue is what matters for fairness.
        for worker in workers where worker.count.load(ordering: .relaxed) > 0 { return true }
        return false
    }

    func requeue(_ cell: ActorCellBase) {
        _ = home(of: cell).push(cell)
    }

    private func wakeOneParked(except busy: Worker) {
        for worker in workers where worker !== busy {
            let wake: Bool = worker.mutex.withLock {
                guard worker.parked else { return false }
                worker.parked = false
                worker.condition.signal()
                return true
            }
            if wake { return }
        }
    }

    func shutdown() {
        stopped.store(true, ordering: .releasing)
        for worker in workers {
            worker.mutex.withLock {
                worker.parked = false
                worker.condition.broadcast()
            }
        }
        for worker in workers where !(worker.thread?.isCurrent ?? true) {
            worker.thread?.join()
        }
    }

    /// Takes cells for `worker`: its own queue first, then another worker's.
    private func findWork(for worker: Worker, into batch: inout [ActorCellBase]) {
        if worker.count.load(ordering: .acquiring) > 0 {
            worker.take(upTo: 16, into: &batch)
            if !batch.isEmpty { return }
        }
        guard workers.count > 1 else { return }
        for offset in 1..<workers.count {
            let victim = workers[(worker.index + offset) % workers.count]
            let available = victim.count.load(ordering: .acquiring)
            if available > 0 {
                victim.take(upTo: max(1, available / 2), into: &batch)
                if !batch.isEmpty { return }
            }
        }
    }

    private func anyQueued() -> Bool {
        for worker in workers where worker.count.load(ordering: .acquiring) > 0 { return true }
        return false
    }

    private func work(_ worker: Worker) {
        // Per-worker tallies, reported every `reportEvery` turns and before parking: metrics cost
        // nothing per message, and one turn in `sampleEvery` is timed.
        let reportEvery = 1_024
        let sampleEvery = 64
        var turns = 0
        var taken = 0
        var handled = 0
        var batch: [ActorCellBase] = []
        batch.reserveCapacity(16)
        func report() {
            metrics.processed(handled)
            if taken != handled { metrics.queued.add(taken - handled, ordering: .relaxed) }
            taken = 0
            handled = 0
        }
        while true {
            findWork(for: worker, into: &batch)
            if !batch.isEmpty {
                for cell in batch {
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
                }
                batch.removeAll(keepingCapacity: true)
                continue
            }
            report()
            var spins = 0
            while spins < spinIterations, !anyQueued() {
                sched_yield()
                spins += 1
            }
            if anyQueued() { continue }
            worker.mutex.lock()
            if worker.queue.isEmpty, !stopped.load(ordering: .acquiring) {
                worker.parked = true
                parkedCount.add(1, ordering: .relaxed)
                while worker.parked, !stopped.load(ordering: .acquiring) {
                    worker.condition.wait(worker.mutex)
                }
                parkedCount.subtract(1, ordering: .relaxed)
            }
            let done = worker.queue.isEmpty && stopped.load(ordering: .acquiring) && !anyQueued()
            worker.mutex.unlock()
            if done { return }
        }
    }
}
