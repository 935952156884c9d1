import TroupeCore
import TroupeWire

/// The system envelopes of remote death watch: a node asks another to tell it when an actor there
/// terminates, and the other answers once it has (or at once, when there is no such actor).
enum RemoteWatch {
    static let watchType = MessageTypeID(name: "troupe.remote.Watch")
    static let terminatedType = MessageTypeID(name: "troupe.remote.Terminated")

    /// "Tell me when `recipient` terminates."
    static func watch(_ recipient: String) -> WireEnvelope {
        WireEnvelope(kind: .system, recipient: recipient, messageType: watchType)
    }

    /// "`recipient` terminated, for this reason."
    static func terminated(_ recipient: String, _ reason: Reason) -> WireEnvelope {
        WireEnvelope(
            kind: .system, recipient: recipient, messageType: terminatedType,
            payload: (try? BinaryEncoder().encode(reason)) ?? [])
    }

    /// Why a remote actor terminated, as it crosses the wire.
    struct Reason: Codable, Sendable {
        /// `TerminationReason.Kind` by name: stopped, failed, restartLimitExceeded, systemShutdown.
        var kind: String
        /// The failure's description, if it failed.
        var message: String?

        init(_ reason: TerminationReason) {
            kind = reason.kind.description
            message = reason.error.map { "\($0)" }
        }

        init(kind: String, message: String?) {
            self.kind = kind
            self.message = message
        }

        /// The reason the local proxy terminates with.
        var terminationReason: TerminationReason {
            switch kind {
            case TerminationReason.Kind.stopped.description: return .stopped
            case TerminationReason.Kind.systemShutdown.description: return .systemShutdown
            default:
                return TerminationReason(.failed, error: ActorError(.remoteFailure, message ?? "the remote actor \(kind)"))
            }
        }
    }
}
