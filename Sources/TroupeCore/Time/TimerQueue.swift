import Synchronization

/// One scheduled action in a ``TimerQueue``.
final class TimerEntry: @unchecked Sendable {
    // Invariant: `heapIndex` is read and written only while the owning queue's mutex is held;
    // `state` is atomic; the other fields are immutable.
    let deadline: ActorInstant
    let sequence: UInt64
    let action: @Sendable () -> Void
    var heapIndex: Int = -1
    /// ``TimerEntry/pending``, then either ``TimerEntry/cancelled`` or ``TimerEntry/fired``, once.
    let state = Atomic<UInt8>(TimerEntry.pending)

    static let pending: UInt8 = 0
    static let cancelled: UInt8 = 1
    static let fired: UInt8 = 2

    /// Moves the entry from pending to `final`; `false` if it had left pending already.
    @inline(__always)
    func settle(_ final: UInt8) -> Bool {
        state.compareExchange(expected: TimerEntry.pending, desired: final, ordering: .acquiringAndReleasing).exchanged
    }

    init(deadline: ActorInstant, sequence: UInt64, action: @escaping @Sendable () -> Void) {
        self.deadline = deadline
        self.sequence = sequence
        self.action = action
    }

    @inline(__always)
    func precedes(_ other: TimerEntry) -> Bool {
        deadline < other.deadline || (deadline == other.deadline && sequence < other.sequence)
    }
}

/// A min-heap of timers ordered by (deadline, scheduling order), shared by both clocks. Thread-safe.
///
/// Cancellation is eager (the entry leaves the heap at once, O(log n) under the lock) or, with
/// `lazyCancellation`, one atomic compare-and-swap on the entry with no lock: the entry stays in
/// the heap, is skipped when it comes due, and is swept out once cancelled entries are over half
/// of a heap of at least ``TimerQueue/sweepThreshold``. The real clock cancels lazily: nearly
/// every ask arms a timeout and cancels it when its reply comes, from another thread than the one
/// that armed it, and the lock and the sift were a measurable part of a remote ask. The manual
/// clock cancels eagerly, so that its count of pending timers is exact.
final class TimerQueue: Sendable {
    private struct State {
        var heap: [TimerEntry] = []
        var nextSequence: UInt64 = 0
    }

    private let state = Locked(State())
    private let lazyCancellation: Bool
    /// With lazy cancellation: how many entries in the heap are cancelled (may briefly lag a
    /// cancellation in progress).
    private let cancelledInHeap = Atomic<Int>(0)
    /// The smallest heap that lazy cancellation sweeps.
    static let sweepThreshold = 1_024

    init(lazyCancellation: Bool = false) {
        self.lazyCancellation = lazyCancellation
    }

    /// Adds a timer; returns it and whether it became the earliest one.
    func insert(deadline: ActorInstant, action: @escaping @Sendable () -> Void) -> (TimerEntry, isEarliest: Bool) {
        state.withLock { state in
            if lazyCancellation, state.heap.count >= Self.sweepThreshold,
               cancelledInHeap.load(ordering: .relaxed) > state.heap.count / 2 {
                sweep(&state.heap)
            }
            let entry = TimerEntry(deadline: deadline, sequence: state.nextSequence, action: action)
            state.nextSequence &+= 1
            entry.heapIndex = state.heap.count
            state.heap.append(entry)
            Self.siftUp(&state.heap, from: entry.heapIndex)
            return (entry, entry.heapIndex == 0)
        }
    }

    /// Cancels `entry` if it is still pending; `false` if it ran or was cancelled before.
    func cancel(_ entry: TimerEntry) -> Bool {
        if lazyCancellation {
            guard entry.settle(TimerEntry.cancelled) else { return false }
            cancelledInHeap.add(1, ordering: .relaxed)
            return true
        }
        return state.withLock { state in
            let index = entry.heapIndex
            guard index >= 0, index < state.heap.count, state.heap[index] === entry,
                  entry.settle(TimerEntry.cancelled) else { return false }
            Self.remove(&state.heap, at: index)
            return true
        }
    }

    /// Removes and returns the earliest timer if it is due at `now` (cancelled ones are dropped).
    func popDue(now: ActorInstant) -> TimerEntry? {
        state.withLock { state in
            while let first = state.heap.first, first.deadline <= now {
                Self.remove(&state.heap, at: 0)
                if first.settle(TimerEntry.fired) { return first }
                cancelledInHeap.subtract(1, ordering: .relaxed)
            }
            return nil
        }
    }

    /// The earliest pending deadline.
    var nextDeadline: ActorInstant? {
        state.withLock { state in
            dropCancelledHead(&state.heap)
            return state.heap.first?.deadline
        }
    }

    /// How many timers are pending (exact with eager cancellation; with lazy cancellation it may
    /// briefly count a timer being cancelled).
    var count: Int {
        state.withLock { $0.heap.count } - (lazyCancellation ? max(0, cancelledInHeap.load(ordering: .relaxed)) : 0)
    }

    /// How many entries the heap holds, cancelled ones included (for tests).
    var storedCount: Int {
        state.withLock { $0.heap.count }
    }

    /// Drops cancelled entries from the top of the heap, so the next deadline is a live one.
    private func dropCancelledHead(_ heap: inout [TimerEntry]) {
        guard lazyCancellation else { return }
        while let first = heap.first, first.state.load(ordering: .acquiring) == TimerEntry.cancelled {
            Self.remove(&heap, at: 0)
            cancelledInHeap.subtract(1, ordering: .relaxed)
        }
    }

    /// Rebuilds the heap from its pending entries: O(n), once per half a heap of cancellations.
    private func sweep(_ heap: inout [TimerEntry]) {
        var removed = 0
        var kept: [TimerEntry] = []
        kept.reserveCapacity(heap.count / 2 + 1)
        for entry in heap {
            if entry.state.load(ordering: .acquiring) == TimerEntry.cancelled {
                entry.heapIndex = -1
                removed += 1
            } else {
                entry.heapIndex = kept.count
                kept.append(entry)
            }
        }
        heap = kept
        var index = heap.count / 2
        while index > 0 {
            index -= 1
            Self.siftDown(&heap, from: index)
        }
        cancelledInHeap.subtract(removed, ordering: .relaxed)
    }

    private static func remove(_ heap: inout [TimerEntry], at index: Int) {
        let removed = heap[index]
        removed.heapIndex = -1
        let last = heap.removeLast()
        guard index < heap.count else { return }
        heap[index] = last
        last.heapIndex = index
        siftDown(&heap, from: index)
        siftUp(&heap, from: last.heapIndex)
    }

    private static func siftUp(_ heap: inout [TimerEntry], from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            swapAt(&heap, child, parent)
            child = parent
        }
    }

    private static func siftDown(_ heap: inout [TimerEntry], from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            let right = left + 1
            var smallest = left
            if right < heap.count, heap[right].precedes(heap[left]) { smallest = right }
            guard heap[smallest].precedes(heap[parent]) else { return }
            swapAt(&heap, parent, smallest)
            parent = smallest
        }
    }

    private static func swapAt(_ heap: inout [TimerEntry], _ a: Int, _ b: Int) {
        heap.swapAt(a, b)
        heap[a].heapIndex = a
        heap[b].heapIndex = b
    }
}
