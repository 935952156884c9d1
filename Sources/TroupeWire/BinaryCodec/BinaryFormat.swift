/// The tags of the binary `Codable` format written by ``BinaryEncoder`` and read by
/// ``BinaryDecoder``.
///
/// ## Layout
/// ```
/// document  := keyTable value
/// keyTable  := varint count, then `count` × (varint byte count + UTF-8): every string coding key
///              used in the document, once, in order of first use
/// value     := tag body
///   0x00 nil            (no body)
///   0x01 false, 0x02 true
///   0x03 signed integer     zigzag varint (Int, Int8 ... Int64)
///   0x04 unsigned integer   varint (UInt, UInt8 ... UInt64)
///   0x05 Float              4 bytes, IEEE 754 bit pattern, little-endian
///   0x06 Double             8 bytes, IEEE 754 bit pattern, little-endian
///   0x07 string             varint byte count + UTF-8
///   0x08 bytes ([UInt8])    varint byte count + raw bytes
///   0x09 unkeyed container  u32 little-endian byte count of the elements, then value*
///   0x0A keyed container    u32 little-endian byte count of the entries, then (keyRef value)*
/// keyRef    := varint n: n ≥ 1 is entry n-1 of the key table; n = 0 is followed by a zigzag
///              varint: an integer key (`CodingKey.intValue`, used when it round-trips)
/// ```
/// Varints are unsigned LEB128 (7 bits per byte, least significant first, at most 10 bytes).
///
/// ## Why this shape
/// - Every value is tagged and every container carries its byte length, so the decoder can skip
///   any value in O(1) (containers, strings) or O(10) (varints) without understanding it. That
///   makes keyed containers random-access (decoding in another order than encoding works), lets a
///   decoder ignore entries it does not know, and gives enums (`allKeys`) and dictionaries what
///   they need. `nil` has its own tag, so `decodeNil()` is exact.
/// - Key names are written once per document in the key table; each entry then costs one byte
///   for its key (two for tables of 128 or more keys).
/// - Container lengths are fixed 4-byte fields so that the encoder can write in one pass and fill
///   them in when the container is done, without moving bytes.
enum BinaryTag: UInt8 {
    case null = 0x00
    case `false` = 0x01
    case `true` = 0x02
    case signed = 0x03
    case unsigned = 0x04
    case float = 0x05
    case double = 0x06
    case string = 0x07
    case bytes = 0x08
    case unkeyed = 0x09
    case keyed = 0x0A

    /// The size of a container's header: tag plus u32 byte count.
    static let containerHeaderSize = 5

    var name: String {
        switch self {
        case .null: "nil"
        case .false, .true: "Bool"
        case .signed: "signed integer"
        case .unsigned: "unsigned integer"
        case .float: "Float"
        case .double: "Double"
        case .string: "String"
        case .bytes: "bytes"
        case .unkeyed: "unkeyed container"
        case .keyed: "keyed container"
        }
    }
}

/// The metatype of `[UInt8]`, looked up once: comparing a generic `T.self` with `[UInt8].self`
/// in place would look up the generic metadata on every value.
let byteArrayType: Any.Type = [UInt8].self

/// Renders a coding path for error messages: `orders[3].item`.
func describe(_ codingPath: [any CodingKey]) -> String {
    guard !codingPath.isEmpty else { return "the top-level value" }
    var text = ""
    for key in codingPath {
        if let index = key.intValue, key.stringValue == "Index \(index)" {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
    }
    return "'\(text)'"
}

/// The coding key of an element of an unkeyed container, for coding paths.
struct IndexKey: CodingKey {
    let index: Int

    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.init(intValue) }

    var intValue: Int? { index }
    /// Computed only when asked for (error messages), not for every element.
    var stringValue: String { "Index \(index)" }
}
