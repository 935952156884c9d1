import SwiftProtobuf
import TroupeCore

extension ActorBehavior where Message: SwiftProtobuf.Message {
    /// An actor whose messages are protobuf messages goes by their full protobuf name on the wire
    /// (`"shop.StockQuery"`): stable across builds, and the name a peer in another language knows.
    public static var messageTypeName: String { Message.protoMessageName }
}
