/// One entry of a dispatcher's run queue: a scheduled cell, or a lingering one (see
/// ``TurnStats/lingers``), whose entry goes stale if an inline ask takes its turn meanwhile.
package struct QueuedCell {
    package let cell: ActorCellBase
    /// Whether the entry was queued by a turn that lingered rather than by a schedule.
    package let lingering: Bool

    @inline(__always)
    package init(_ cell: ActorCellBase, lingering: Bool) {
        self.cell = cell
        self.lingering = lingering
    }

    /// Runs the cell's turn on the calling thread; `nil` if the entry went stale (nothing ran).
    /// When the result ``TurnStats/lingers``, the dispatcher must queue
    /// `QueuedCell(cell, lingering: true)`.
    @inline(__always)
    package func runTurn() -> TurnStats? {
        if lingering, !cell.resumeLingering() { return nil }
        return cell.runTurn()
    }
}
