import Troupe
import TroupeRemote

/// The actor `troupe node --relay NAME` hosts, for tests across processes: it reaches
/// `troupe node --echo` actors on other nodes from this node, so a test can see what this node
/// sees: its asks, what its watchers are told, which incarnation of a peer it is associated with.
/// Tests declare the same shape under the same wire name.
@Actor(wireName: "troupe.node.Relay", codable: true)
struct NodeRelay {
    let node: RemoteNode
    /// The remote refs this relay watches, by the proxy's id: what to call them when they end.
    var watched: [ActorID: String] = [:]
    /// The refs it watches, by `name@node`, kept after they end.
    var watchedRefs: [String: ActorRef<NodeEcho>] = [:]
    /// What the watched refs ended with: `name@node: code` (or the reason, for a stop).
    var terminations: [String] = []

    /// Asks the echo actor `name` on `peer` to echo `text`.
    @Handler func echo(on peer: String, name: String, text: String) async throws -> String {
        try await echoRef(on: peer, name: name).echo(text)
    }

    /// Asks the echo actor `name` on `peer` to stall for `seconds`: reentrant, so the relay goes on
    /// answering while the ask is pending. Throws what the ask throws.
    @Handler(reentrant: true) func stall(on peer: String, name: String, seconds: Int) async throws -> Int {
        try await echoRef(on: peer, name: name).ask(.stall(seconds: seconds), timeout: .seconds(seconds * 2))
    }

    /// Watches the echo actor `name` on `peer`.
    @Handler mutating func watch(on peer: String, name: String, context: ActorContext<NodeRelay>) throws {
        let ref = try echoRef(on: peer, name: name)
        watched[ref.id] = "\(name)@\(peer)"
        watchedRefs["\(name)@\(peer)"] = ref
        context.watch(ref)
    }

    /// Asks through the ref ``watch(on:name:context:)`` made (after its node is lost, it fails fast).
    @Handler func echoWatched(on peer: String, name: String, text: String) async throws -> String {
        guard let ref = watchedRefs["\(name)@\(peer)"] else {
            throw ActorError(.nameNotFound, "the relay does not watch \(name)@\(peer)")
        }
        return try await ref.echo(text)
    }

    /// How many of this node's remote asks wait for a reply.
    @Handler func pendingAsks() -> Int { node.pendingAsks }

    /// The terminations of watched refs so far, in order.
    @Handler func terminated() -> [String] { terminations }

    /// The incarnation of `peer` this node is associated with, if any.
    @Handler func incarnation(of peer: String) throws -> UInt64? {
        node.incarnation(of: try NodeAddress(parsing: peer))
    }

    mutating func receiveSignal(_ signal: ActorSignal, context: ActorContext<NodeRelay>) throws {
        guard case .terminated(let terminated) = signal, let what = watched.removeValue(forKey: terminated.id) else { return }
        let code = (terminated.reason.error as? ActorError).map { "\($0.code)" } ?? "\(terminated.reason.kind)"
        terminations.append("\(what): \(code)")
    }

    private func echoRef(on peer: String, name: String) throws -> ActorRef<NodeEcho> {
        try node.ref(NodeEcho.self, name: name, on: try NodeAddress(parsing: peer))
    }
}
