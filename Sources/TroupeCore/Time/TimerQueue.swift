import Synchronization

/// One scheduled action in a ``TimerQueue``.
final class TimerEntry: @unchecked Sendable {
    // Invariant: `heapIndex` is read and written only while the owning queue's mutex is held;
    // the other fields are immutable.
    let deadline: ActorInstant
    let sequence: UInt64
    let action: @Sendable () -> Void
    var heapIndex: Int = -1

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

/// A min-heap of timers ordered by (deadline, scheduling order) that supports O(log n) cancellation,
/// shared by both clocks. Thread-safe.
final class TimerQueue: Sendable {
    private struct State {
        var heap: [TimerEntry] = []
        var nextSequence: UInt64 = 0
    }

    private let state = Locked(State())

    /// Adds a timer; returns it and whether it became the earliest one.
    func insert(deadline: ActorInstant, action: @escaping @Sendable () -> Void) -> (TimerEntry, isEarliest: Bool) {
        state.withLock { state in
            let entry = TimerEntry(deadline: deadline, sequence: state.nextSequence, action: action)
            state.nextSequence &+= 1
            entry.heapIndex = state.heap.count
            state.heap.append(entry)
            Self.siftUp(&state.heap, from: entry.heapIndex)
            return (entry, entry.heapIndex == 0)
        }
    }

    /// Removes `entry` if it is still pending.
    func cancel(_ entry: TimerEntry) -> Bool {
        state.withLock { state in
            let index = entry.heapIndex
            guard index >= 0, index < state.heap.count, state.heap[index] === entry else { return false }
            Self.remove(&state.heap, at: index)
            return true
        }
    }

    /// Removes and returns the earliest timer if it is due at `now`.
    func popDue(now: ActorInstant) -> TimerEntry? {
        state.withLock { state in
            guard let first = state.heap.first, first.deadline <= now else { return nil }
            Self.remove(&state.heap, at: 0)
            return first
        }
    }

    /// The earliest pending deadline.
    var nextDeadline: ActorInstant? {
        state.withLock { $0.heap.first?.deadline }
    }

    /// How many timers are pending.
    var count: Int {
        state.withLock { $0.heap.count }
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
