/// Something an actor did through its context, reported to the observer a test kit installs on a
/// system (the behaviour harness lists them as effects). Never reported when no observer is set.
package struct ContextEffect: Sendable {
    /// What was done.
    package enum Kind: Sendable {
        case spawned(id: ActorID, name: String?, path: String, type: String)
        case stopSelf
        case stopOther(path: String)
        case watched(path: String)
        case unwatched(path: String)
        case timerStarted(key: TimerKey, delay: Duration, interval: Duration?)
        case timerCancelled(key: TimerKey)
        case allTimersCancelled
    }

    /// The actor that did it.
    package let actor: ActorID
    /// What it did.
    package let kind: Kind
}

extension ActorCellBase {
    /// Reports the spawn of `child` (of actor type `type`), from the inlinable `spawn`.
    @usableFromInline
    final func reportSpawn(of child: ActorCellBase, type: Any.Type) {
        report(.spawned(id: child.id, name: child.name, path: child.path, type: "\(type)"))
    }

    /// Reports an effect to the system's observer, if one is installed (tests only).
    final func report(_ kind: @autoclosure () -> ContextEffect.Kind) {
        guard let observer = system.effectObserver else { return }
        observer(ContextEffect(actor: id, kind: kind()))
    }
}
