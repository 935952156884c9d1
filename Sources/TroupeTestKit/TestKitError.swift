/// A failed expectation of a probe, or a simulation that could not finish.
///
/// Thrown, so that it fails a test under Swift Testing or XCTest alike; ``description`` says what
/// was expected, what happened instead and where the expectation was written.
public struct TestKitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case timedOut, unexpectedMessage, fishingFailed, concurrentReceive
            case stalled, timeLimitExceeded, stepLimitExceeded, alreadyRunning, seedsFailed
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// Nothing arrived within the timeout (virtual time on a manual clock).
        public static let timedOut = Code(.timedOut)
        /// A message arrived that the expectation did not allow.
        public static let unexpectedMessage = Code(.unexpectedMessage)
        /// `fishForMessage`'s closure failed the search.
        public static let fishingFailed = Code(.fishingFailed)
        /// Two tasks waited on one probe at once.
        public static let concurrentReceive = Code(.concurrentReceive)
        /// The scenario waits, yet nothing in the simulation can run and no timer is pending.
        public static let stalled = Code(.stalled)
        /// The scenario ran past its virtual-time limit.
        public static let timeLimitExceeded = Code(.timeLimitExceeded)
        /// The scenario ran more steps than its limit (a livelock).
        public static let stepLimitExceeded = Code(.stepLimitExceeded)
        /// Some seeds of a ``SeedSweep`` failed.
        public static let seedsFailed = Code(.seedsFailed)
        /// A simulation was run while it was already running.
        public static let alreadyRunning = Code(.alreadyRunning)

        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// What was expected and what happened.
    public let message: String
    /// Where the expectation was written (`Module/File.swift:line`), if known.
    public let location: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, fileID: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        if let fileID, let line { location = "\(fileID):\(line)" } else { location = nil }
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
