/// The recent restarts of one actor, for the restart limit: a pure value, time passed in.
struct RestartHistory: Sendable {
    private(set) var instants: [ActorInstant] = []

    /// How many restarts fall in the current window.
    var count: Int { instants.count }

    /// Records a restart at `now` if fewer than `limit` happened within `window`; returns `false`
    /// (recording nothing) when the limit is reached.
    mutating func record(at now: ActorInstant, limit: Int, within window: Duration) -> Bool {
        instants.removeAll { now - $0 >= window }
        guard instants.count < limit else { return false }
        instants.append(now)
        return true
    }
}
