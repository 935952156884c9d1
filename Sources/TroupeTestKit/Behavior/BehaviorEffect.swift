import TroupeCore

/// Something the actor under a ``BehaviorTestKit`` did through its context while handling messages.
public enum BehaviorEffect: Sendable, Equatable, CustomStringConvertible {
    /// It spawned a child of actor type `type` at `path`.
    case spawned(path: String, type: String)
    /// It asked to stop itself (`context.stop()`).
    case stoppedSelf
    /// It stopped another actor (`context.stop(child)`).
    case stopped(path: String)
    /// It started watching the actor at `path`.
    case watched(path: String)
    /// It stopped watching the actor at `path`.
    case unwatched(path: String)
    /// It started a timer: first after `delay`, then every `interval` if periodic.
    case timerStarted(TimerKey, delay: Duration, interval: Duration?)
    /// It cancelled a timer.
    case timerCancelled(TimerKey)
    /// It cancelled all its timers.
    case allTimersCancelled

    init(_ effect: ContextEffect.Kind) {
        switch effect {
        case .spawned(_, _, let path, let type): self = .spawned(path: path, type: type)
        case .stopSelf: self = .stoppedSelf
        case .stopOther(let path): self = .stopped(path: path)
        case .watched(let path): self = .watched(path: path)
        case .unwatched(let path): self = .unwatched(path: path)
        case .timerStarted(let key, let delay, let interval): self = .timerStarted(key, delay: delay, interval: interval)
        case .timerCancelled(let key): self = .timerCancelled(key)
        case .allTimersCancelled: self = .allTimersCancelled
        }
    }

    public var description: String {
        switch self {
        case .spawned(let path, let type): "spawned \(type) at \(path)"
        case .stoppedSelf: "stopped itself"
        case .stopped(let path): "stopped \(path)"
        case .watched(let path): "watched \(path)"
        case .unwatched(let path): "unwatched \(path)"
        case .timerStarted(let key, let delay, let interval?): "started periodic timer \(key) after \(delay), every \(interval)"
        case .timerStarted(let key, let delay, nil): "started timer \(key) after \(delay)"
        case .timerCancelled(let key): "cancelled timer \(key)"
        case .allTimersCancelled: "cancelled all timers"
        }
    }
}
