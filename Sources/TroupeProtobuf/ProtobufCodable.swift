import SwiftProtobuf
import TroupeWire

/// A protobuf message that is also `Codable`, as its protobuf bytes: it can be the argument or
/// the reply of an `@Actor` handler whose `Message` is `Codable`, next to ordinary Swift values.
///
/// ```swift
/// extension Shop_StockChange: ProtobufCodable {}
///
/// @Actor
/// struct Warehouse {
///     var stock: [String: Int64] = [:]
///     @Handler mutating func apply(_ change: Shop_StockChange) -> Int64 { ... }
/// }
/// extension Warehouse.Message: Codable {}
/// ```
///
/// With the `BinaryEncoder` the message is written as one length-prefixed byte string. A type
/// should conform to this or to ``ProtobufPayload``, not both (remote registration would be
/// ambiguous).
public protocol ProtobufCodable: SwiftProtobuf.Message, Codable {}

extension ProtobufCodable {
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.singleValueContainer()
        let bytes = try container.decode([UInt8].self)
        do {
            try self.init(serializedBytes: bytes)
        } catch {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not a valid \(Self.protoMessageName) message: \(error)")
        }
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(try serializedBytes() as [UInt8])
    }
}
