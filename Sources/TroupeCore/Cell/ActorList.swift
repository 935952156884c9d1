/// An intrusive doubly-linked list of cells, in insertion order, holding a strong reference to
/// each member: O(1) insertion and removal without hashing, and no per-entry allocation, so that
/// spawning a million top-level actors stays cheap. Not thread-safe: its owner locks around it.
struct ActorList {
    private unowned(unsafe) var head: ActorCellBase?
    private unowned(unsafe) var tail: ActorCellBase?
    /// How many cells are in the list.
    private(set) var count = 0

    /// Appends `cell` (which must not be in a list).
    mutating func append(_ cell: ActorCellBase) {
        precondition(!cell.inList, "cell is already in a list")
        _ = Unmanaged.passRetained(cell)
        cell.inList = true
        cell.listPrevious = tail
        cell.listNext = nil
        if let tail { tail.listNext = cell } else { head = cell }
        tail = cell
        count += 1
    }

    /// Removes `cell` if it is in the list.
    mutating func remove(_ cell: ActorCellBase) {
        guard cell.inList else { return }
        if let previous = cell.listPrevious { previous.listNext = cell.listNext } else { head = cell.listNext }
        if let next = cell.listNext { next.listPrevious = cell.listPrevious } else { tail = cell.listPrevious }
        cell.listPrevious = nil
        cell.listNext = nil
        cell.inList = false
        count -= 1
        Unmanaged.passUnretained(cell).release()
    }

    /// The members, in insertion order.
    var all: [ActorCellBase] {
        var cells: [ActorCellBase] = []
        cells.reserveCapacity(count)
        var node = head
        while let cell = node {
            cells.append(cell)
            node = cell.listNext
        }
        return cells
    }
}
