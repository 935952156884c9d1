import Synchronization

/// Finds actors by name (unique) and by reception key (a group of many), and tells subscribers
/// when a group changes. Stopped actors are removed automatically.
///
/// Names are labels, independent of the parent-child tree: `"counter/main"` may name a child of
/// any actor.
public final class Receptionist: Sendable {
    private struct Group {
        let typeName: String
        let type: ObjectIdentifier
        var members: [ActorID: ActorCellBase] = [:]
        var subscribers: [UInt64: @Sendable ([ActorCellBase]) -> Void] = [:]

        var sortedMembers: [ActorCellBase] {
            members.keys.sorted().compactMap { members[$0] }
        }

        /// The current listing for every subscriber, in subscription order.
        var notifications: [(@Sendable ([ActorCellBase]) -> Void, [ActorCellBase])] {
            let members = sortedMembers
            return subscribers.keys.sorted().map { (subscribers[$0]!, members) }
        }
    }

    private struct State {
        var names: [String: ActorCellBase] = [:]
        var groups: [String: Group] = [:]
        /// The keys each actor is registered under, for removal on stop.
        var keysByActor: [ActorID: [String]] = [:]
        var nextToken: UInt64 = 0
    }

    private let state = Locked(State())

    init() {}

    /// Checks that `name` can be an actor name.
    static func validate(name: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@+")
        guard !name.isEmpty, name.count <= 256 else {
            throw ActorError(.invalidName, "an actor name must have 1 to 256 characters, got \(name.count)")
        }
        guard name.allSatisfy(allowed.contains) else {
            throw ActorError(.invalidName, "actor name '\(name)' may only contain letters, digits and -_.:/@+")
        }
        guard !name.hasPrefix("/"), !name.hasSuffix("/"), !name.contains("//"), !name.hasPrefix("$") else {
            throw ActorError(.invalidName, "actor name '\(name)' must not start or end with '/', contain '//' or start with '$'")
        }
    }

    func register(_ cell: ActorCellBase, name: String) throws {
        try state.withLock { state in
            if let existing = state.names[name] {
                throw ActorError(.duplicateName, "the name '\(name)' is already taken by a live \(existing.behaviorTypeName) (\(existing.id))")
            }
            state.names[name] = cell
        }
    }

    func cell(named name: String) -> ActorCellBase? {
        state.withLock { $0.names[name] }
    }

    /// Removes a stopped actor from its name and every group, telling the groups' subscribers.
    func remove(_ cell: ActorCellBase) {
        let notifications: [(@Sendable ([ActorCellBase]) -> Void, [ActorCellBase])] = state.withLock { state in
            if let name = cell.name, state.names[name] === cell {
                state.names.removeValue(forKey: name)
            }
            guard let keys = state.keysByActor.removeValue(forKey: cell.id) else { return [] }
            var notifications: [(@Sendable ([ActorCellBase]) -> Void, [ActorCellBase])] = []
            for key in keys {
                guard state.groups[key]?.members.removeValue(forKey: cell.id) != nil, let group = state.groups[key] else { continue }
                notifications += group.notifications
            }
            return notifications
        }
        for (notify, members) in notifications { notify(members) }
    }

    /// Registers `ref` under `key` (idempotent). Subscribers of the key get a new listing.
    ///
    /// Throws ``ActorError/Code/wrongActorType`` if `key`'s id is used for another actor type, and
    /// ``ActorError/Code/actorStopped`` if the actor has stopped.
    public func register<A>(_ ref: ActorRef<A>, key: ReceptionKey<A>) throws {
        let cell: ActorCellBase = ref.cell
        let alive = cell.mutex.withLock { cell.lifecycle.rawValue < Lifecycle.stopping.rawValue }
        guard alive else { throw ActorError(.actorStopped, "cannot register \(ref) under \(key): it has stopped") }
        let notifications = try state.withLock { state in
            var group = state.groups[key.id] ?? Group(typeName: "\(A.self)", type: ObjectIdentifier(A.self))
            guard group.type == ObjectIdentifier(A.self) else {
                throw ActorError(.wrongActorType, "reception key '\(key.id)' holds \(group.typeName) actors, not \(A.self)")
            }
            guard group.members[cell.id] == nil else { return [(@Sendable ([ActorCellBase]) -> Void, [ActorCellBase])]() }
            group.members[cell.id] = cell
            cell.receptionistKeys.store(true, ordering: .releasing)
            state.groups[key.id] = group
            state.keysByActor[cell.id, default: []].append(key.id)
            return group.notifications
        }
        // The actor may have stopped between the check and the registration: remove it again.
        if !cell.mutex.withLock({ cell.lifecycle.rawValue < Lifecycle.stopping.rawValue }) {
            deregister(ref, key: key)
            return
        }
        for (notify, members) in notifications { notify(members) }
    }

    /// Removes `ref` from `key`. Subscribers of the key get a new listing.
    public func deregister<A>(_ ref: ActorRef<A>, key: ReceptionKey<A>) {
        let cell: ActorCellBase = ref.cell
        let notifications: [(@Sendable ([ActorCellBase]) -> Void, [ActorCellBase])] = state.withLock { state in
            guard state.groups[key.id]?.members.removeValue(forKey: cell.id) != nil, let group = state.groups[key.id] else { return [] }
            state.keysByActor[cell.id]?.removeAll { $0 == key.id }
            return group.notifications
        }
        for (notify, members) in notifications { notify(members) }
    }

    /// The actors registered under `key` now.
    public func listing<A>(_ key: ReceptionKey<A>) -> Listing<A> {
        let cells = state.withLock { state -> [ActorCellBase] in
            guard let group = state.groups[key.id], group.type == ObjectIdentifier(A.self) else { return [] }
            return group.sortedMembers
        }
        return Listing(key: key, members: cells.map { ActorRef(cell: unsafeDowncast($0, to: ActorCell<A>.self)) })
    }

    /// The listings of `key`: the current one at once, then a new one each time an actor registers,
    /// deregisters or stops. Only the newest listing is buffered for a slow consumer.
    public func subscribe<A>(_ key: ReceptionKey<A>) -> AsyncStream<Listing<A>> {
        let (stream, continuation) = AsyncStream<Listing<A>>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let makeListing: @Sendable ([ActorCellBase]) -> Listing<A> = { cells in
            Listing(key: key, members: cells.map { ActorRef(cell: unsafeDowncast($0, to: ActorCell<A>.self)) })
        }
        let token: UInt64 = state.withLock { state in
            let token = state.nextToken
            state.nextToken += 1
            var group = state.groups[key.id] ?? Group(typeName: "\(A.self)", type: ObjectIdentifier(A.self))
            guard group.type == ObjectIdentifier(A.self) else {
                continuation.finish()
                return token
            }
            group.subscribers[token] = { cells in continuation.yield(makeListing(cells)) }
            state.groups[key.id] = group
            continuation.yield(makeListing(group.sortedMembers))
            return token
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                _ = state.groups[key.id]?.subscribers.removeValue(forKey: token)
            }
        }
        return stream
    }
}
