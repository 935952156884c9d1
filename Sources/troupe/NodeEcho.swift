import Troupe

/// The actor `troupe node --echo NAME` hosts, for tests across processes: it echoes, counts, and
/// can be made to wait. Tests declare the same shape under the same wire name.
@Actor(wireName: "troupe.node.Echo", codable: true)
struct NodeEcho {
    var handled = 0
    @Handler mutating func echo(_ text: String) -> String {
        handled += 1
        return text
    }
    @Handler func count() -> Int { handled }
    @Handler func stall(seconds: Int, context: ActorContext<NodeEcho>) async throws -> Int {
        try await context.clock.sleep(for: .seconds(seconds))
        return handled
    }
}
