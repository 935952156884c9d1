/// The `Encoder` handed to `encode(to:)`: one value's slot in container `parentID`, starting at
/// `valueStart`.
struct BinaryEncoderImpl: Encoder {
    let storage: BinaryEncodingStorage
    let parentID: Int
    let valueStart: Int
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { storage.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let id = storage.openContainer(keyed: true, parentID: parentID, valueStart: valueStart, codingPath: codingPath)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<Key>(storage: storage, id: id, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let id = storage.openContainer(keyed: false, parentID: parentID, valueStart: valueStart, codingPath: codingPath)
        return BinaryUnkeyedEncodingContainer(storage: storage, id: id, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BinarySingleValueEncodingContainer(storage: storage, parentID: parentID, valueStart: valueStart, codingPath: codingPath)
    }
}

/// An `Encoder` for `superEncoder()`, which the format does not support: it records the error,
/// which `BinaryEncoder.encode` then throws, and hands out containers that refuse every write.
private func unsupportedSuperEncoder(_ storage: BinaryEncodingStorage, _ codingPath: [any CodingKey]) -> any Encoder {
    storage.record(WireError(.unsupported, "superEncoder() at \(describe(codingPath)) is not supported by BinaryEncoder"))
    return BinaryEncoderImpl(storage: storage, parentID: BinaryEncodingStorage.deadID, valueStart: -1, codingPath: codingPath)
}

struct BinaryKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let storage: BinaryEncodingStorage
    let id: Int
    let codingPath: [any CodingKey]

    private func begin(_ key: Key) throws(WireError) {
        try storage.prepareWrite(in: id, codingPath + [key])
        storage.writeKey(key)
    }

    mutating func encodeNil(forKey key: Key) throws { try begin(key); storage.writeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try begin(key); storage.write(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); storage.write(value) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try begin(key)
        try storage.encodeValue(value, parentID: id, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [key]
        let nestedID = (try? begin(key)) == nil
            ? BinaryEncodingStorage.deadID
            : storage.openContainer(keyed: true, parentID: id, valueStart: storage.position, codingPath: path)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(storage: storage, id: nestedID, codingPath: path))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let path = codingPath + [key]
        let nestedID = (try? begin(key)) == nil
            ? BinaryEncodingStorage.deadID
            : storage.openContainer(keyed: false, parentID: id, valueStart: storage.position, codingPath: path)
        return BinaryUnkeyedEncodingContainer(storage: storage, id: nestedID, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        unsupportedSuperEncoder(storage, codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        unsupportedSuperEncoder(storage, codingPath + [key])
    }
}

struct BinaryUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let storage: BinaryEncodingStorage
    let id: Int
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(storage: BinaryEncodingStorage, id: Int, codingPath: [any CodingKey]) {
        self.storage = storage
        self.id = id
        self.codingPath = codingPath
    }

    private mutating func begin() throws(WireError) {
        try storage.prepareWrite(in: id, codingPath + [IndexKey(count)])
        count += 1
    }

    mutating func encodeNil() throws { try begin(); storage.writeNil() }
    mutating func encode(_ value: Bool) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: String) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Double) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Float) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int8) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int16) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int32) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int64) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt8) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt16) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt32) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt64) throws { try begin(); storage.write(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let index = count
        try begin()
        try storage.encodeValue(value, parentID: id, codingPath: codingPath + [IndexKey(index)])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        let nestedID = (try? begin()) == nil
            ? BinaryEncodingStorage.deadID
            : storage.openContainer(keyed: true, parentID: id, valueStart: storage.position, codingPath: path)
        return KeyedEncodingContainer(BinaryKeyedEncodingContainer<NestedKey>(storage: storage, id: nestedID, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        let nestedID = (try? begin()) == nil
            ? BinaryEncodingStorage.deadID
            : storage.openContainer(keyed: false, parentID: id, valueStart: storage.position, codingPath: path)
        return BinaryUnkeyedEncodingContainer(storage: storage, id: nestedID, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        unsupportedSuperEncoder(storage, codingPath + [IndexKey(count)])
    }
}

struct BinarySingleValueEncodingContainer: SingleValueEncodingContainer {
    let storage: BinaryEncodingStorage
    let parentID: Int
    let valueStart: Int
    let codingPath: [any CodingKey]

    /// Checks that nothing was encoded for this value yet and makes its parent ready.
    private func begin() throws(WireError) {
        guard storage.position == valueStart else {
            throw storage.record(WireError(
                .invalidValue,
                "the single value container at \(describe(codingPath)) can encode only one value"
            ))
        }
        try storage.prepareWrite(in: parentID, codingPath)
    }

    mutating func encodeNil() throws { try begin(); storage.writeNil() }
    mutating func encode(_ value: Bool) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: String) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Double) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Float) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int8) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int16) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int32) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: Int64) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt8) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt16) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt32) throws { try begin(); storage.write(value) }
    mutating func encode(_ value: UInt64) throws { try begin(); storage.write(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try begin()
        try storage.encodeValue(value, parentID: parentID, codingPath: codingPath)
    }
}
