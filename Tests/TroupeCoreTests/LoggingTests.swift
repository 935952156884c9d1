import Logging
import Testing
@testable import TroupeCore

/// A swift-log handler that keeps every record, for assertions.
private struct CapturingLogHandler: LogHandler {
    struct Record: Sendable {
        let level: Logger.Level
        let message: String
        let metadata: Logger.Metadata
    }

    let store: Locked<[Record]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        store.withLock { $0.append(Record(level: event.level, message: "\(event.message)", metadata: merged)) }
    }
}

private struct Chatty: ActorBehavior {
    enum Message: Sendable { case hello(secret: String) }

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Chatty>) throws -> Bool {
        context.logger.info("handling hello")
        reply.succeed(())
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Chatty>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

@Suite("Logging")
struct LoggingTests {
    @Test("an actor's logger carries its path and system as metadata; dead letters log the type, never the payload")
    func actorLogger() async throws {
        let store = Locked<[CapturingLogHandler.Record]>([])
        let (system, _) = makeSystem("logs") { settings in
            settings.logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        }
        let chatty = try system.spawn(Chatty(), name: "chatty")
        try await chatty.ask(.hello(secret: "s3cr3t"), returning: Void.self)
        chatty.stop()
        _ = await chatty.termination
        chatty.tell(.hello(secret: "s3cr3t"))
        try await system.shutdown()

        let records = store.withLock { $0 }
        let hello = try #require(records.first { $0.message == "handling hello" })
        #expect(hello.metadata["actor.path"] == "/user/chatty")
        #expect(hello.metadata["actor.system"] == "logs")
        let deadLetter = try #require(records.first { $0.message == "dead letter" })
        #expect(deadLetter.level == .debug)
        #expect(deadLetter.metadata["message.type"] == "Message")
        for record in records {
            #expect(!"\(record.message) \(record.metadata)".contains("s3cr3t"), "payload leaked into a log record: \(record.message)")
        }
    }
}
