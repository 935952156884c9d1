/// Decodes values written by ``BinaryEncoder`` (see `BinaryFormat.swift` for the layout).
///
/// Made for untrusted input: every read is bounds-checked, every length and count is checked
/// against the bytes that remain before anything is allocated, nesting is limited to
/// ``maximumDepth``, and bad input throws a ``WireError`` (never traps). Keyed containers are
/// random-access: properties may be decoded in any order, unknown entries are ignored, and a
/// missing key decodes as `nil` through `decodeIfPresent`. Integers decode into any integer type
/// the value fits (else ``WireError/Code/valueOutOfRange``); `Float` and `Double` convert into
/// each other.
public struct BinaryDecoder: Sendable {
    /// The default for ``maximumDepth``.
    public static let defaultMaximumDepth = 128

    /// How deeply containers may nest before decoding throws ``WireError/Code/nestingTooDeep``;
    /// bounds the stack a recursive type (an indirect enum, a tree) can use on hostile input.
    public var maximumDepth: Int
    /// Contextual information for `Decodable` implementations (`Decoder.userInfo`).
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates a decoder.
    public init(maximumDepth: Int = BinaryDecoder.defaultMaximumDepth) {
        self.maximumDepth = maximumDepth
    }

    /// Decodes a `T` from `bytes`, which must hold exactly one document.
    ///
    /// Throws ``WireError`` with ``WireError/Code/truncated``, ``WireError/Code/malformed``
    /// (unknown tag, invalid UTF-8, overflowing varint, trailing bytes, ...),
    /// ``WireError/Code/typeMismatch``, ``WireError/Code/keyNotFound``,
    /// ``WireError/Code/valueOutOfRange``, ``WireError/Code/nestingTooDeep`` or
    /// ``WireError/Code/unsupported``, and rethrows errors thrown by `T(from:)` itself.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        var reader = ByteReader(bytes)
        let countOffset = reader.position
        let count = try reader.readVarint("key table count")
        // Each key takes at least one byte (its length): cap before reserving.
        guard count <= UInt64(reader.remaining) else {
            throw WireError(.truncated, "a key table of \(count) keys cannot fit in \(reader.remaining) byte(s)", offset: countOffset)
        }
        var keys: [String] = []
        keys.reserveCapacity(Int(count))
        for _ in 0..<count {
            keys.append(try reader.readString("key table entry"))
        }
        let bodyStart = reader.position
        let storage = BinaryDecodingStorage(bytes: bytes, keys: keys, maximumDepth: maximumDepth, userInfo: userInfo)
        let end = try storage.skipValue(at: bodyStart, limit: bytes.count)
        guard end == bytes.count else {
            throw WireError(.malformed, "\(bytes.count - end) trailing byte(s) after the value", offset: end)
        }
        return try storage.decodeValue(T.self, at: bodyStart, end: end, depth: 0, codingPath: [])
    }
}

/// The input of one `BinaryDecoder.decode` call and the reads shared by all containers. Values
/// are addressed by their range `offset..<end` in `bytes`; `end` comes from `skipValue`, so a
/// value never reads outside its parent.
final class BinaryDecodingStorage {
    let bytes: [UInt8]
    let keys: [String]
    let maximumDepth: Int
    private let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    /// `Decoder.userInfo`, converted when first asked for (most decodings never ask).
    private(set) lazy var userInfo: [CodingUserInfoKey: Any] = {
        var converted: [CodingUserInfoKey: Any] = [:]
        for (key, value) in sendableUserInfo { converted[key] = value }
        return converted
    }()

    init(bytes: [UInt8], keys: [String], maximumDepth: Int, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.bytes = bytes
        self.keys = keys
        self.maximumDepth = maximumDepth
        self.sendableUserInfo = userInfo
    }

    /// Reads the tag at the start of `reader`.
    func readTag(_ reader: inout ByteReader) throws(WireError) -> BinaryTag {
        let offset = reader.position
        let raw = try reader.readByte("value tag")
        guard let tag = BinaryTag(rawValue: raw) else {
            throw WireError(.malformed, "unknown value tag \(raw)", offset: offset)
        }
        return tag
    }

    /// The tag of the value at `offset` (which is inside its parent, so in bounds).
    func tag(at offset: Int, end: Int) throws(WireError) -> BinaryTag {
        var reader = ByteReader(bytes, range: offset..<end)
        return try readTag(&reader)
    }

    /// The end of the value that starts at `offset`, which must end by `limit`. Checks the value's
    /// framing (tag, lengths) but not its contents; O(1) except for varints (at most 10 bytes).
    func skipValue(at offset: Int, limit: Int) throws(WireError) -> Int {
        var reader = ByteReader(bytes, range: offset..<limit)
        switch try readTag(&reader) {
        case .null, .false, .true:
            break
        case .signed, .unsigned:
            _ = try reader.readVarint("integer")
        case .float:
            try reader.skip(4, "Float")
        case .double:
            try reader.skip(8, "Double")
        case .string, .bytes:
            try reader.skip(try reader.readLength("string or bytes length"), "string or bytes")
        case .unkeyed, .keyed:
            let lengthOffset = reader.position
            let length = try reader.readLittleEndian(UInt32.self, "container length")
            guard UInt64(length) <= UInt64(reader.remaining) else {
                throw WireError(.truncated, "a container of \(length) bytes but only \(reader.remaining) left in its parent", offset: lengthOffset)
            }
            try reader.skip(Int(length), "container")
        }
        return reader.position
    }

    /// The content range of the container at `offset..<end`, which must have tag `expected`.
    func containerContent(
        at offset: Int, end: Int, expected: BinaryTag, depth: Int, codingPath: @autoclosure () -> [any CodingKey]
    ) throws(WireError) -> Range<Int> {
        guard depth <= maximumDepth else {
            throw WireError(.nestingTooDeep, "containers at \(describe(codingPath())) nest deeper than \(maximumDepth)", offset: offset)
        }
        var reader = ByteReader(bytes, range: offset..<end)
        let tag = try readTag(&reader)
        guard tag == expected else { throw mismatch(expected: expected.name, found: tag, at: offset, codingPath()) }
        let length = try reader.readLittleEndian(UInt32.self, "container length")
        guard UInt64(length) <= UInt64(reader.remaining) else {
            throw WireError(.truncated, "a container of \(length) bytes but only \(reader.remaining) left", offset: offset)
        }
        return reader.position..<(reader.position + Int(length))
    }

    func mismatch(expected: String, found: BinaryTag, at offset: Int, _ codingPath: [any CodingKey]) -> WireError {
        WireError(.typeMismatch, "expected \(expected) at \(describe(codingPath)), found \(found.name)", offset: offset)
    }

    // MARK: Primitives

    func decodeNil(at offset: Int, end: Int) throws(WireError) -> Bool {
        try tag(at: offset, end: end) == .null
    }

    func decodeBool(at offset: Int, end: Int, _ codingPath: @autoclosure () -> [any CodingKey]) throws(WireError) -> Bool {
        switch try tag(at: offset, end: end) {
        case .true: return true
        case .false: return false
        case let other: throw mismatch(expected: "Bool", found: other, at: offset, codingPath())
        }
    }

    func decodeInteger<T: FixedWidthInteger>(
        _ type: T.Type, at offset: Int, end: Int, _ codingPath: @autoclosure () -> [any CodingKey]
    ) throws(WireError) -> T {
        var reader = ByteReader(bytes, range: offset..<end)
        let tag = try readTag(&reader)
        switch tag {
        case .signed:
            let value = try reader.readZigZag("integer")
            guard let result = T(exactly: value) else { throw outOfRange("\(value)", T.self, at: offset, codingPath()) }
            return result
        case .unsigned:
            let value = try reader.readVarint("integer")
            guard let result = T(exactly: value) else { throw outOfRange("\(value)", T.self, at: offset, codingPath()) }
            return result
        default:
            throw mismatch(expected: "\(T.self)", found: tag, at: offset, codingPath())
        }
    }

    /// The error for an integer that does not fit the requested type. (Its text is built only
    /// here: decoding an integer must not format it.)
    private func outOfRange(_ text: String, _ type: Any.Type, at offset: Int, _ codingPath: [any CodingKey]) -> WireError {
        WireError(.valueOutOfRange, "\(text) at \(describe(codingPath)) does not fit in \(type)", offset: offset)
    }

    func decodeDouble(at offset: Int, end: Int, _ codingPath: @autoclosure () -> [any CodingKey]) throws(WireError) -> Double {
        var reader = ByteReader(bytes, range: offset..<end)
        switch try readTag(&reader) {
        case .double: return Double(bitPattern: try reader.readLittleEndian(UInt64.self, "Double"))
        case .float: return Double(Float(bitPattern: try reader.readLittleEndian(UInt32.self, "Float")))
        case let other: throw mismatch(expected: "Double", found: other, at: offset, codingPath())
        }
    }

    func decodeFloat(at offset: Int, end: Int, _ codingPath: @autoclosure () -> [any CodingKey]) throws(WireError) -> Float {
        var reader = ByteReader(bytes, range: offset..<end)
        switch try readTag(&reader) {
        case .float: return Float(bitPattern: try reader.readLittleEndian(UInt32.self, "Float"))
        case .double: return Float(Double(bitPattern: try reader.readLittleEndian(UInt64.self, "Double")))
        case let other: throw mismatch(expected: "Float", found: other, at: offset, codingPath())
        }
    }

    func decodeString(at offset: Int, end: Int, _ codingPath: @autoclosure () -> [any CodingKey]) throws(WireError) -> String {
        var reader = ByteReader(bytes, range: offset..<end)
        let tag = try readTag(&reader)
        guard tag == .string else { throw mismatch(expected: "String", found: tag, at: offset, codingPath()) }
        return try reader.readString("string")
    }

    /// Decodes `T`, reading the format's primitives directly and anything else through
    /// `T(from:)`. (`unsafeBitCast` is safe: the metatypes are equal.)
    func decodeValue<T: Decodable>(
        _ type: T.Type, at offset: Int, end: Int, depth: Int, codingPath: @autoclosure () -> [any CodingKey]
    ) throws -> T {
        if T.self == String.self { return unsafeBitCast(try decodeString(at: offset, end: end, codingPath()), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try decodeInteger(Int.self, at: offset, end: end, codingPath()), to: T.self) }
        if T.self == Double.self { return unsafeBitCast(try decodeDouble(at: offset, end: end, codingPath()), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try decodeBool(at: offset, end: end, codingPath()), to: T.self) }
        if T.self == byteArrayType, try tag(at: offset, end: end) == .bytes {
            var reader = ByteReader(bytes, range: (offset + 1)..<end)
            return unsafeBitCast(try reader.readLengthPrefixedBytes("bytes"), to: T.self)
        }
        if T.self == UInt64.self { return unsafeBitCast(try decodeInteger(UInt64.self, at: offset, end: end, codingPath()), to: T.self) }
        if T.self == Int64.self { return unsafeBitCast(try decodeInteger(Int64.self, at: offset, end: end, codingPath()), to: T.self) }
        if T.self == UInt8.self { return unsafeBitCast(try decodeInteger(UInt8.self, at: offset, end: end, codingPath()), to: T.self) }
        if T.self == Float.self { return unsafeBitCast(try decodeFloat(at: offset, end: end, codingPath()), to: T.self) }
        return try T(from: BinaryDecoderImpl(storage: self, offset: offset, end: end, depth: depth, codingPath: codingPath()))
    }
}

@available(*, unavailable, message: "used by one decode call on one thread")
extension BinaryDecodingStorage: Sendable {}
