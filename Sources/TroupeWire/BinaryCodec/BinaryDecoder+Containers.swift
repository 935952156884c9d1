/// The `Decoder` handed to `init(from:)`: the value at `offset..<end`.
struct BinaryDecoderImpl: Decoder {
    let storage: BinaryDecodingStorage
    let offset: Int
    let end: Int
    /// How many containers enclose this value.
    let depth: Int
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { storage.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let content = try storage.containerContent(at: offset, end: end, expected: .keyed, depth: depth + 1, codingPath: codingPath)
        return KeyedDecodingContainer(
            BinaryKeyedDecodingContainer<Key>(storage: storage, content: content, depth: depth + 1, codingPath: codingPath)
        )
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let content = try storage.containerContent(at: offset, end: end, expected: .unkeyed, depth: depth + 1, codingPath: codingPath)
        return BinaryUnkeyedDecodingContainer(storage: storage, content: content, depth: depth + 1, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BinarySingleValueDecodingContainer(storage: storage, offset: offset, end: end, depth: depth, codingPath: codingPath)
    }
}

/// A keyed container: entries `keyRef value` in `content`. A class so that the position after the
/// last entry found can be remembered: decoding in encode order then finds each key at once.
final class BinaryKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let storage: BinaryDecodingStorage
    private let content: Range<Int>
    private let depth: Int
    let codingPath: [any CodingKey]
    // Touched by one thread, never reentrantly: no dynamic exclusivity checks needed.
    /// Where the search for the next key starts.
    @exclusivity(unchecked) private var hint: Int
    @exclusivity(unchecked) private var cachedKeys: [Key]?

    init(storage: BinaryDecodingStorage, content: Range<Int>, depth: Int, codingPath: [any CodingKey]) {
        self.storage = storage
        self.content = content
        self.depth = depth
        self.codingPath = codingPath
        self.hint = content.lowerBound
    }

    private enum EntryKey {
        case string(Int)
        case int(Int64)
    }

    /// Reads the entry at `offset`: its key and its value's range.
    private func entry(at offset: Int) throws(WireError) -> (key: EntryKey, value: Range<Int>) {
        var reader = ByteReader(storage.bytes, range: offset..<content.upperBound)
        let reference = try reader.readVarint("key reference")
        let key: EntryKey
        if reference == 0 {
            key = .int(try reader.readZigZag("integer key"))
        } else {
            guard reference <= UInt64(storage.keys.count) else {
                throw WireError(.malformed, "key reference \(reference) but the key table has \(storage.keys.count) key(s)", offset: offset)
            }
            key = .string(Int(reference - 1))
        }
        let valueEnd = try storage.skipValue(at: reader.position, limit: content.upperBound)
        return (key, reader.position..<valueEnd)
    }

    private func matches(_ entryKey: EntryKey, _ key: Key) -> Bool {
        switch entryKey {
        case .string(let index): storage.keys[index] == key.stringValue
        case .int(let int): key.intValue.map { Int64($0) == int } ?? false
        }
    }

    /// The range of the value for `key`, or `nil` if there is no entry for it. Searches from the
    /// hint to the end, then from the start to the hint.
    private func find(_ key: Key) throws(WireError) -> Range<Int>? {
        var offset = hint
        while offset < content.upperBound {
            let (entryKey, value) = try entry(at: offset)
            if matches(entryKey, key) {
                hint = value.upperBound
                return value
            }
            offset = value.upperBound
        }
        offset = content.lowerBound
        while offset < hint {
            let (entryKey, value) = try entry(at: offset)
            if matches(entryKey, key) {
                hint = value.upperBound
                return value
            }
            offset = value.upperBound
        }
        return nil
    }

    private func require(_ key: Key) throws(WireError) -> Range<Int> {
        guard let value = try find(key) else {
            throw WireError(.keyNotFound, "no value for key '\(key.stringValue)' at \(describe(codingPath))")
        }
        return value
    }

    var allKeys: [Key] {
        if let cachedKeys { return cachedKeys }
        var keys: [Key] = []
        var offset = content.lowerBound
        // A malformed entry ends the list; decoding that entry's value throws the error.
        while offset < content.upperBound, let found = try? entry(at: offset) {
            switch found.key {
            case .string(let index): Key(stringValue: storage.keys[index]).map { keys.append($0) }
            case .int(let int): Int(exactly: int).flatMap(Key.init(intValue:)).map { keys.append($0) }
            }
            offset = found.value.upperBound
        }
        cachedKeys = keys
        return keys
    }

    func contains(_ key: Key) -> Bool {
        (try? find(key)) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        let value = try require(key)
        return try storage.decodeNil(at: value.lowerBound, end: value.upperBound)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        let value = try require(key)
        return try storage.decodeBool(at: value.lowerBound, end: value.upperBound, self.codingPath + [key])
    }

    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        let value = try require(key)
        return try storage.decodeString(at: value.lowerBound, end: value.upperBound, self.codingPath + [key])
    }

    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        let value = try require(key)
        return try storage.decodeDouble(at: value.lowerBound, end: value.upperBound, self.codingPath + [key])
    }

    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        let value = try require(key)
        return try storage.decodeFloat(at: value.lowerBound, end: value.upperBound, self.codingPath + [key])
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T {
        let value = try require(key)
        return try storage.decodeInteger(T.self, at: value.lowerBound, end: value.upperBound, self.codingPath + [key])
    }

    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, key) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = try require(key)
        return try storage.decodeValue(T.self, at: value.lowerBound, end: value.upperBound, depth: depth, codingPath: self.codingPath + [key])
    }

    /// The value for `key` through `decode`, or `nil` if there is no entry or it is `nil`: one
    /// search instead of the default's three (`contains`, `decodeNil`, `decode`).
    private func ifPresent<T>(_ key: Key, _ decode: (Range<Int>) throws -> T) throws -> T? {
        guard let value = try find(key), try !storage.decodeNil(at: value.lowerBound, end: value.upperBound) else { return nil }
        return try decode(value)
    }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try ifPresent(key) { try storage.decodeBool(at: $0.lowerBound, end: $0.upperBound, self.codingPath + [key]) }
    }

    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try ifPresent(key) { try storage.decodeString(at: $0.lowerBound, end: $0.upperBound, self.codingPath + [key]) }
    }

    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try ifPresent(key) { try storage.decodeDouble(at: $0.lowerBound, end: $0.upperBound, self.codingPath + [key]) }
    }

    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try ifPresent(key) { try storage.decodeFloat(at: $0.lowerBound, end: $0.upperBound, self.codingPath + [key]) }
    }

    private func integerIfPresent<T: FixedWidthInteger>(_ type: T.Type, _ key: Key) throws -> T? {
        try ifPresent(key) { try storage.decodeInteger(T.self, at: $0.lowerBound, end: $0.upperBound, self.codingPath + [key]) }
    }

    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try integerIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try integerIfPresent(type, key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try ifPresent(key) {
            try storage.decodeValue(T.self, at: $0.lowerBound, end: $0.upperBound, depth: depth, codingPath: self.codingPath + [key])
        }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try require(key)
        return try BinaryDecoderImpl(storage: storage, offset: value.lowerBound, end: value.upperBound, depth: depth, codingPath: codingPath + [key])
            .container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        let value = try require(key)
        return try BinaryDecoderImpl(storage: storage, offset: value.lowerBound, end: value.upperBound, depth: depth, codingPath: codingPath + [key])
            .unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw WireError(.unsupported, "superDecoder() at \(describe(codingPath)) is not supported by BinaryDecoder")
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw WireError(.unsupported, "superDecoder(forKey:) at \(describe(codingPath + [key])) is not supported by BinaryDecoder")
    }
}

@available(*, unavailable, message: "used by one decode call on one thread")
extension BinaryKeyedDecodingContainer: Sendable {}

/// An unkeyed container: values one after another in `content`.
struct BinaryUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    private let storage: BinaryDecodingStorage
    private let contentEnd: Int
    private let depth: Int
    private var position: Int
    let codingPath: [any CodingKey]
    private let contentStart: Int
    private(set) var currentIndex = 0

    init(storage: BinaryDecodingStorage, content: Range<Int>, depth: Int, codingPath: [any CodingKey]) {
        self.storage = storage
        self.contentStart = content.lowerBound
        self.contentEnd = content.upperBound
        self.depth = depth
        self.position = content.lowerBound
        self.codingPath = codingPath
    }

    /// The number of elements, counted when asked (most decoders only use `isAtEnd`); `nil` if the
    /// elements are malformed (decoding them throws the error).
    var count: Int? {
        var count = 0
        var offset = contentStart
        while offset < contentEnd {
            guard let next = try? storage.skipValue(at: offset, limit: contentEnd) else { return nil }
            offset = next
            count += 1
        }
        return count
    }

    var isAtEnd: Bool { position >= contentEnd }

    private var elementPath: [any CodingKey] { codingPath + [IndexKey(currentIndex)] }

    /// The range of the next element; throws if there is none.
    private func next() throws(WireError) -> Range<Int> {
        guard !isAtEnd else {
            throw WireError(.truncated, "no element \(currentIndex) in the unkeyed container at \(describe(codingPath)) (it has \(count ?? 0))")
        }
        return position..<(try storage.skipValue(at: position, limit: contentEnd))
    }

    private mutating func advance(past value: Range<Int>) {
        position = value.upperBound
        currentIndex += 1
    }

    mutating func decodeNil() throws -> Bool {
        let value = try next()
        guard try storage.decodeNil(at: value.lowerBound, end: value.upperBound) else { return false }
        advance(past: value)
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool {
        let value = try next()
        defer { advance(past: value) }
        return try storage.decodeBool(at: value.lowerBound, end: value.upperBound, elementPath)
    }

    mutating func decode(_ type: String.Type) throws -> String {
        let value = try next()
        defer { advance(past: value) }
        return try storage.decodeString(at: value.lowerBound, end: value.upperBound, elementPath)
    }

    mutating func decode(_ type: Double.Type) throws -> Double {
        let value = try next()
        defer { advance(past: value) }
        return try storage.decodeDouble(at: value.lowerBound, end: value.upperBound, elementPath)
    }

    mutating func decode(_ type: Float.Type) throws -> Float {
        let value = try next()
        defer { advance(past: value) }
        return try storage.decodeFloat(at: value.lowerBound, end: value.upperBound, elementPath)
    }

    private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = try next()
        let result = try storage.decodeInteger(T.self, at: value.lowerBound, end: value.upperBound, elementPath)
        advance(past: value)
        return result
    }

    mutating func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try next()
        let result = try storage.decodeValue(T.self, at: value.lowerBound, end: value.upperBound, depth: depth, codingPath: elementPath)
        advance(past: value)
        return result
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let value = try next()
        let container = try BinaryDecoderImpl(storage: storage, offset: value.lowerBound, end: value.upperBound, depth: depth, codingPath: elementPath)
            .container(keyedBy: type)
        advance(past: value)
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let value = try next()
        let container = try BinaryDecoderImpl(storage: storage, offset: value.lowerBound, end: value.upperBound, depth: depth, codingPath: elementPath)
            .unkeyedContainer()
        advance(past: value)
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        throw WireError(.unsupported, "superDecoder() at \(describe(elementPath)) is not supported by BinaryDecoder")
    }
}

/// A single value: the value at `offset..<end`.
struct BinarySingleValueDecodingContainer: SingleValueDecodingContainer {
    let storage: BinaryDecodingStorage
    let offset: Int
    let end: Int
    let depth: Int
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { (try? storage.decodeNil(at: offset, end: end)) ?? false }
    func decode(_ type: Bool.Type) throws -> Bool { try storage.decodeBool(at: offset, end: end, codingPath) }
    func decode(_ type: String.Type) throws -> String { try storage.decodeString(at: offset, end: end, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try storage.decodeDouble(at: offset, end: end, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { try storage.decodeFloat(at: offset, end: end, codingPath) }
    func decode(_ type: Int.Type) throws -> Int { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try storage.decodeInteger(type, at: offset, end: end, codingPath) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try storage.decodeValue(T.self, at: offset, end: end, depth: depth, codingPath: codingPath)
    }
}
