import TroupeCore

/// An ask's failure as it crosses the wire: the `ActorError` code's name (or `remoteFailure` for any
/// other error) and a description for people. Arbitrary error types do not cross: their description
/// does.
struct RemoteFailure: Codable, Sendable {
    var code: String
    var message: String

    init(_ error: any Error) {
        if let error = error as? ActorError {
            code = error.code.name
            message = error.message
        } else {
            code = ActorError.Code.remoteFailure.name
            message = "\(error)"
        }
    }

    /// The failure as the asker sees it.
    var error: ActorError {
        ActorError(ActorError.Code(name: code) ?? .remoteFailure, message)
    }
}

/// Allows `burst` events per `interval` of the caller's clock: refusals of bad frames are logged,
/// but a flood of them cannot flood the log. A pure value; time is passed in.
struct RateLimiter: Sendable {
    let burst: Int
    let interval: Duration
    private var windowStart: ActorInstant?
    private var used = 0
    /// Events refused since the last allowed one, reported with the next.
    private(set) var suppressed = 0

    init(burst: Int, interval: Duration) {
        self.burst = burst
        self.interval = interval
    }

    /// Whether an event at `now` may be reported; counts it as suppressed if not.
    mutating func allow(now: ActorInstant) -> Bool {
        if let start = windowStart, now - start < interval {
            guard used < burst else {
                suppressed += 1
                return false
            }
        } else {
            windowStart = now
            used = 0
        }
        used += 1
        return true
    }

    /// Takes the count of suppressed events (after reporting them).
    mutating func takeSuppressed() -> Int {
        defer { suppressed = 0 }
        return suppressed
    }
}
