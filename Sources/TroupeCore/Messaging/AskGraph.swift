import Synchronization

/// Which actors are waiting on which (an actor's async handler awaiting an ask), so that an ask
/// that would close a cycle fails at once with the actors named, instead of hanging until timeout.
final class AskGraph: Sendable {
    private let waits = Locked<[ActorID: [ActorCellBase]]>([:])

    /// Records that `waiter` awaits `target`; throws ``ActorError/Code/askCycle`` if `target`
    /// (transitively) awaits `waiter`.
    func beginWait(_ waiter: ActorCellBase, on target: ActorCellBase) throws {
        try waits.withLock { waits in
            var chain = [waiter, target]
            var visited: Set<ActorID> = [target.id]
            var frontier = [target]
            var found = target === waiter
            search: while !found, let node = frontier.popLast() {
                for next in waits[node.id] ?? [] {
                    if next === waiter {
                        chain.append(waiter)
                        found = true
                        break search
                    }
                    if visited.insert(next.id).inserted {
                        chain.append(next)
                        frontier.append(next)
                    }
                }
            }
            if found {
                if target === waiter { chain = [waiter, waiter] }
                let names = chain.map(\.label).joined(separator: " -> ")
                throw ActorError(.askCycle, "ask cycle: \(names); each waits for the next, so none could reply")
            }
            waits[waiter.id, default: []].append(target)
        }
    }

    /// Removes one wait of `waiter` on `target`.
    func endWait(_ waiter: ActorCellBase, on target: ActorCellBase) {
        waits.withLock { waits in
            guard var targets = waits[waiter.id], let index = targets.firstIndex(where: { $0 === target }) else { return }
            targets.remove(at: index)
            waits[waiter.id] = targets.isEmpty ? nil : targets
        }
    }
}
