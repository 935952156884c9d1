import SwiftProtobuf
import TroupeWire

/// A protobuf message that crosses the wire as its protobuf bytes: conform generated messages to
/// it with one line, then an actor whose `Message` is such a type can be registered for remote use
/// and asked from other nodes (and, since the bytes are plain protobuf, from other languages).
///
/// ```swift
/// extension Shop_StockQuery: ProtobufPayload {}
/// extension Shop_StockLevel: ProtobufPayload {}   // a reply
///
/// struct Inventory: ActorBehavior {
///     typealias Message = Shop_StockQuery
///     mutating func receive(_ query: Shop_StockQuery, reply: ReplyHandle, context: ActorContext<Inventory>) async throws {
///         reply.succeed(Shop_StockLevel.with { $0.sku = query.sku; $0.count = 3 })
///     }
/// }
///
/// try registry.register(Inventory.self)            // id from Inventory.messageTypeName
/// let inventory = try node.ref(Inventory.self, name: "inventory", on: peer)
/// let level = try await inventory.ask(query, returning: Shop_StockLevel.self)
/// ```
///
/// Reading bytes never traps: invalid protobuf throws, and the ask fails with `notSerializable`.
/// Unknown fields are kept, so a newer peer's additions survive a round trip.
public protocol ProtobufPayload: SwiftProtobuf.Message, WirePayload {}

extension ProtobufPayload {
    public func wirePayload() throws -> [UInt8] {
        try serializedBytes()
    }

    public init(wirePayload bytes: [UInt8]) throws {
        try self.init(serializedBytes: bytes)
    }
}
