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
///
/// A cell whose turn empties its mailbox lingers: it goes back to the end of the queue, still
/// scheduled, for up to `lingerTurns` turns that find nothing. A producer sending to it meanwhile
/// only appends to its mailbox: no queue push, no cache line shared with the workers. One sender
/// round-robining over many actors (a fan-out) then costs a mailbox append per message instead of a
/// schedule per message (5-7M msg/s became 15-22M on 2 cores). Workers stay awake while cells linger;
/// while a worker's queue is deeper than 4,096 cells, turns do not linger (the empty turns of a
/// burst to that many actors would be wasted work).
final class WorkerPool: MessageDispatcher, @unchecked Sendable {
    // Invariant: every mutable field of `Worker` is guarded by that worker's mutex, except the
    // atomics; `workers` is immutable after `init`.
    private let workers: [Worker]
    /// The workers again, unretained: reached on every schedule, where retaining the shared
    /// `Worker` objects from every thread would bounce their cache lines. `workers` keeps them alive.
    private let unretained: [Unmanaged<Worker>]
    private let parkedCount = Atomic<Int>(0)
    /// Workers looking for work without parking; at most one at a time, so that an idle pool
    /// does not take a core from the threads producing the messages.
    private let spinners = Atomic<Int>(0)

    private let stopped = Atomic<Bool>(false)
    private let spinIterations: Int
    let throughput: Int
    /// The configured ``MessageDispatcher/lingerTurns``.
    private let configuredLingerTurns: Int
    /// Workers whose queue is deep (see `work`): while any is, turns do not linger, so that a
    /// burst to many actors (a broadcast to 100,000) costs no rounds of empty turns.
    private let deepWorkers = Atomic<Int>(0)

    var lingerTurns: Int {
        deepWorkers.load(ordering: .relaxed) > 0 ? 0 : configuredLingerTurns
    }
    let allowsInlineAsk: Bool
    var taskExecutor: (any TaskExecutor)? { nil }
    private let metrics: SystemMetrics
    private let clock: any ActorClock

    /// One worker thread and its queue.
    final class Worker: @unchecked Sendable {
        // Invariant: `queue` is guarded by the spin lock `queueLock` (held for an append or a few
        // pops: a pthread mutex would send both sides to the kernel under contention); `count`
        // mirrors `queue.count` for lock-free peeks. `mutex` and `condition` serve parking only;
        // `parked` is written with `mutex` held and read without it (sequentially consistent, so
        // a push that misses it cannot race with a worker about to sleep: see `park`).
        let index: Int
        let queueLock = SpinLock()
        let mutex = PThreadMutex()
        let condition = PThreadCondition()
        @exclusivity(unchecked) var queue = Deque<QueuedCell>()
        let parked = Atomic<Bool>(false)
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

        /// Queues `cell`; returns the queue's depth and whether the worker is parked.
        @inline(__always)
        func push(_ cell: QueuedCell) -> (isParked: Bool, depth: Int) {
            queueLock.lock()
            queue.append(cell)
            queueLock.unlock()
            let depth = count.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue
            return (parked.load(ordering: .sequentiallyConsistent), depth)
        }

        /// Takes up to `limit` cells (from the front) into `into`.
        @inline(__always)
        func take(upTo limit: Int, into batch: inout [QueuedCell]) {
            queueLock.lock()
            let n = min(limit, queue.count)
            for _ in 0..<n { batch.append(queue.removeFirst()) }
            queueLock.unlock()
            if n > 0 { count.subtract(n, ordering: .relaxed) }
        }

        /// Wakes the worker if it is parked.
        func unpark() {
            mutex.lock()
            if parked.load(ordering: .relaxed) {
                parked.store(false, ordering: .sequentiallyConsistent)
                condition.signal()
            }
            mutex.unlock()
        }
    }

    /// Starts `threadCount` workers named `name-N`; they report turn statistics to `metrics`.
    init(
        name: String, threadCount: Int, throughput: Int, spinIterations: Int = 64, lingerTurns: Int, allowsInlineAsk: Bool,
        metrics: SystemMetrics, clock: any ActorClock
    ) {
        precondition(threadCount > 0 && throughput > 0)
        self.throughput = throughput
        self.configuredLingerTurns = lingerTurns
        self.spinIterations = spinIterations
        self.allowsInlineAsk = allowsInlineAsk
        self.metrics = metrics
        self.clock = clock
        self.workers = (0..<threadCount).map { Worker(index: $0) }
        self.unretained = workers.map { Unmanaged.passUnretained($0) }
        for worker in workers {
            worker.thread = OSThread.start(name: threadCount == 1 ? name : "\(name)-\(worker.index)") { [self] in
                work(worker)
            }
        }
    }

    @inline(__always)
    private func home(of cell: ActorCellBase) -> Unmanaged<Worker> {
        unretained.count == 1 ? unretained[0] : unretained[Int(cell.id.value % UInt64(unretained.count))]
    }

    func schedule(_ cell: ActorCellBase) {
        home(of: cell)._withUnsafeGuaranteedRef { worker in
            let (isParked, depth) = worker.push(QueuedCell(cell, lingering: false))
            let parked = parkedCount.load(ordering: .sequentiallyConsistent)
            guard parked > 0 else { return }
            if parked == unretained.count {
                // Nobody is awake to find the cell: wake its home worker.
                if isParked { worker.unpark() } else { wakeOneParked(except: nil) }
            } else if depth > 64 {
                // Work piles up faster than the awake workers take it: wake another to steal.
                wakeOneParked(except: worker)
            }
        }
    }

    var hasWaitingCells: Bool {
        // Only a hint: the calling worker's own queue is what matters for fairness.
        for worker in workers where worker.count.load(ordering: .relaxed) > 0 { return true }
        return false
    }

    func requeue(_ cell: ActorCellBase) {
        enqueue(cell, lingering: false)
    }

    /// Queues `cell` on its home worker from a worker thread: no wake-up, that thread goes on.
    @inline(__always)
    private func enqueue(_ cell: ActorCellBase, lingering: Bool) {
        home(of: cell)._withUnsafeGuaranteedRef { _ = $0.push(QueuedCell(cell, lingering: lingering)) }
    }

    private func wakeOneParked(except busy: Worker?) {
        for worker in workers where worker !== busy && worker.parked.load(ordering: .relaxed) {
            worker.unpark()
            return
        }
    }

    func shutdown() {
        stopped.store(true, ordering: .releasing)
        for worker in workers {
            worker.mutex.withLock {
                worker.parked.store(false, ordering: .sequentiallyConsistent)
                worker.condition.broadcast()
            }
        }
        for worker in workers {
            guard let thread = worker.thread else { continue }
            // A pinned pool is shut down by its own thread (its actor's last turn): that thread
            // cannot join itself, so it is detached and exits after the turn.
            if thread.isCurrent { thread.detach() } else { thread.join() }
        }
    }

    /// Takes cells for `worker`: its own queue first, then another worker's.
    private func findWork(for worker: Worker, into batch: inout [QueuedCell], streaming: Bool) {
        if streaming {
            // In a stream of work, let a short queue fill for a moment (about a microsecond): the
            // cells in it collect more messages per turn, and each turn is a hand-off between
            // cores. A worker that was idle takes its first cell at once, so an isolated message
            // is not delayed.
            var waited = 0
            while waited < 2_000 {
                let queued = worker.count.load(ordering: .relaxed)
                if queued == 0 || queued >= 8 { break }
                waited &+= 1
            }
        }
        // One cell at a time: cells still in a queue are visible to `hasWaitingCells`, so a cell
        // that used up its budget yields to them (throughput is a fairness setting).
        if worker.count.load(ordering: .acquiring) > 0 {
            worker.take(upTo: 1, into: &batch)
            if !batch.isEmpty { return }
        }
        guard workers.count > 1 else { return }
        for offset in 1..<workers.count {
            let victim = workers[(worker.index + offset) % workers.count]
            let available = victim.count.load(ordering: .acquiring)
            if available > 0 {
                victim.take(upTo: 1, into: &batch)
                if !batch.isEmpty { return }
            }
        }
    }

    /// Parks `worker` until a push wakes it. Returns `true` when the pool has stopped and the
    /// worker should exit.
    ///
    /// The worker announces `parked` (and the parked count) and then re-checks every queue; a
    /// producer appends and then reads the parked count. Both are sequentially consistent, so at
    /// least one side sees the other: either the worker finds the cell, or the producer sees that
    /// nobody is awake and wakes a worker.
    private func park(_ worker: Worker) -> Bool {
        worker.mutex.lock()
        worker.parked.store(true, ordering: .sequentiallyConsistent)
        parkedCount.add(1, ordering: .sequentiallyConsistent)
        while worker.parked.load(ordering: .sequentiallyConsistent), !stopped.load(ordering: .acquiring) {
            if anyQueued() {
                worker.parked.store(false, ordering: .sequentiallyConsistent)
                break
            }
            worker.condition.wait(worker.mutex)
        }
        worker.parked.store(false, ordering: .sequentiallyConsistent)
        parkedCount.subtract(1, ordering: .relaxed)
        worker.mutex.unlock()
        return stopped.load(ordering: .acquiring) && !anyQueued()
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
        var batch: [QueuedCell] = []
        batch.reserveCapacity(16)
        func report() {
            metrics.processed(handled)
            if taken != handled { metrics.queued.add(taken - handled, ordering: .relaxed) }
            taken = 0
            handled = 0
        }
        var streaming = false
        var idleTurns = 0
        var deep = false
        while true {
            findWork(for: worker, into: &batch, streaming: streaming)
            // A queue deeper than a few thousand cells makes each lingering cell's empty turns
            // come a long round apart, wasted work: stop lingering until it is shallow again
            // (with hysteresis, so that the shared count changes rarely).
            let depth = worker.count.load(ordering: .relaxed)
            if !deep, depth > 4_096 {
                deep = true
                deepWorkers.add(1, ordering: .relaxed)
            } else if deep, depth < 1_024 {
                deep = false
                deepWorkers.subtract(1, ordering: .relaxed)
            }
            if !batch.isEmpty {
                streaming = true
                for entry in batch {
                    turns &+= 1
                    let start = turns % sampleEvery == 0 ? clock.now : nil
                    guard let stats = entry.runTurn() else { continue }
                    if let start { metrics.recordTurn(nanoseconds: (clock.now - start).nanoseconds) }
                    taken &+= stats.taken
                    handled &+= stats.handled
                    if stats.lingers { enqueue(entry.cell, lingering: true) }
                    if stats.handled == 0 {
                        // Turns that find nothing (lingering cells') mean this worker is ahead of
                        // the senders: every 16 in a row, let a thread waiting for this core run
                        // (most likely a sender). Without it, fan-out ran at 5-8M msg/s instead
                        // of 16-20M whenever the sender shared a core with a polling worker.
                        idleTurns &+= 1
                        if idleTurns % 16 == 0 { sched_yield() }
                    } else {
                        idleTurns = 0
                    }
                    if turns % reportEvery == 0 { report() }
                }
                batch.removeAll(keepingCapacity: true)
                continue
            }
            report()
            streaming = false
            if spinners.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
                // Spin (no system calls) for some microseconds: a producer usually sends more soon,
                // and waking a parked thread costs far more. Yield now and then in case a
                // producer waits for this core.
                var spins = 0
                while spins < spinIterations * 64, !anyQueued() {
                    spins += 1
                    if spins % 1_024 == 0 { sched_yield() }
                }
                spinners.store(0, ordering: .releasing)
                if anyQueued() { continue }
            }
            if park(worker) { return }
        }
    }
}

