/// Encodes `Encodable` values in Troupe's compact binary format: tagged values, varint integers,
/// length-prefixed UTF-8 strings, little-endian floating point, and key names written once per
/// document (see `BinaryFormat.swift` for the exact layout). Several times smaller and cheaper
/// than JSON; ``BinaryDecoder`` reads it.
///
/// Keyed containers are random-access on decode, so a decoder may read keys in another order
/// than they were written, skip keys it does not know, and treat missing optional keys as `nil`.
/// Still, encoder and decoder should use the same type definitions: the format carries no type
/// names, and an integer key (a `CodingKey` whose `intValue` round-trips) is matched by number.
///
/// Containers must be used depth-first, as synthesized conformances do: once a container's parent
/// (or an earlier sibling's parent) has written something after it, writing to it again throws
/// ``WireError/Code/invalidValue``. `superEncoder()` is not supported
/// (``WireError/Code/unsupported``). A value whose `encode(to:)` writes nothing is encoded as an
/// empty keyed container.
public struct BinaryEncoder: Sendable {
    /// Contextual information for `Encodable` implementations (`Encoder.userInfo`).
    public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

    /// Creates an encoder.
    public init() {}

    /// The bytes of `value`.
    ///
    /// Throws ``WireError/Code/invalidValue`` or ``WireError/Code/unsupported`` when `value`'s
    /// `encode(to:)` misuses its encoder (see the type's documentation), and rethrows errors thrown
    /// by `encode(to:)` itself.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let storage = BinaryEncodingStorage(userInfo: userInfo)
        do {
            try storage.encodeValue(value, parentID: BinaryEncodingStorage.rootID, codingPath: [])
        } catch {
            // A misuse recorded earlier (in a method that cannot throw) is the root cause of
            // whatever failed after it.
            throw storage.firstError ?? error
        }
        return try storage.finish()
    }
}

/// The state of one `BinaryEncoder.encode` call: the output so far, the key table, and the stack
/// of open containers whose byte counts are still to be written.
final class BinaryEncodingStorage {
    /// The id of the top-level value's (virtual) parent, which is always open.
    static let rootID = 0
    /// The id of a container handed out after a misuse: writing to it throws.
    static let deadID = -1

    private struct OpenContainer {
        let id: Int
        let tagOffset: Int
        let isKeyed: Bool
    }

    // The state below is touched by one thread, never reentrantly (no access to a property spans
    // a call that could reach it again), so its dynamic exclusivity checks are switched off: they
    // cost a fifth of the encoding time.

    /// The encoded values, after one byte that is the empty key table's count: when no key was
    /// used, `finish` returns the array as it is; otherwise it writes the table in front.
    @exclusivity(unchecked) private(set) var bytes: [UInt8]
    @exclusivity(unchecked) private var keyTable: [String] = []
    /// The index of each key in `keyTable`, built once the table outgrows a linear search (the
    /// keys of a message are few, short, and mostly compared as identical small strings).
    @exclusivity(unchecked) private var keyIndices: [String: Int] = [:]
    private static let linearKeySearchLimit = 16
    /// Open containers, innermost last.
    @exclusivity(unchecked) private var open: [OpenContainer] = []
    @exclusivity(unchecked) private var nextID = 1
    /// The first misuse found in a method that cannot throw; `finish` throws it.
    private(set) var firstError: WireError?
    private let sendableUserInfo: [CodingUserInfoKey: any Sendable]
    /// `Encoder.userInfo`, converted when first asked for (most encodings never ask).
    private(set) lazy var userInfo: [CodingUserInfoKey: Any] = {
        var converted: [CodingUserInfoKey: Any] = [:]
        for (key, value) in sendableUserInfo { converted[key] = value }
        return converted
    }()

    init(userInfo: [CodingUserInfoKey: any Sendable]) {
        sendableUserInfo = userInfo
        bytes = []
        bytes.reserveCapacity(64)
        bytes.append(0)
    }

    /// Where the next value will start.
    var position: Int { bytes.count }

    /// Remembers `error` if it is the first one, and returns it.
    @discardableResult
    func record(_ error: WireError) -> WireError {
        if firstError == nil { firstError = error }
        return error
    }

    /// Closes every container opened after container `id`, so that the next bytes belong to `id`.
    /// Throws if `id` is no longer open (it was used after its parent moved on).
    func prepareWrite(in id: Int, _ codingPath: @autoclosure () -> [any CodingKey]) throws(WireError) {
        if id == BinaryEncodingStorage.rootID {
            while let top = open.popLast() { try close(top) }
            return
        }
        guard open.contains(where: { $0.id == id }) else {
            throw record(WireError(
                .invalidValue,
                "a container at \(describe(codingPath())) was written to after its parent moved on (containers must be used depth-first)"
            ))
        }
        while let top = open.last, top.id != id {
            open.removeLast()
            try close(top)
        }
    }

    private func close(_ container: OpenContainer) throws(WireError) {
        let contentStart = container.tagOffset + BinaryTag.containerHeaderSize
        let length = bytes.count - contentStart
        guard UInt64(length) <= UInt64(UInt32.max) else {
            throw record(WireError(.invalidValue, "a container of \(length) bytes is over the format's 4 GiB limit"))
        }
        bytes.setLittleEndian(UInt32(length), at: container.tagOffset + 1)
    }

    /// Opens a container for the value that starts at `valueStart` (in container `parentID`) and
    /// returns its id, or the id of the container already opened for that value (a type that asks
    /// its encoder for the same kind of container twice, as `super.encode(to: encoder)` does).
    func openContainer(keyed: Bool, parentID: Int, valueStart: Int, codingPath: @autoclosure () -> [any CodingKey]) -> Int {
        if let existing = open.last(where: { $0.tagOffset == valueStart }) {
            if existing.isKeyed == keyed { return existing.id }
            record(WireError(.invalidValue, "the value at \(describe(codingPath())) asked for both a keyed and an unkeyed container"))
            return BinaryEncodingStorage.deadID
        }
        guard bytes.count == valueStart else {
            record(WireError(.invalidValue, "the value at \(describe(codingPath())) asked for a container after it had encoded something"))
            return BinaryEncodingStorage.deadID
        }
        do {
            try prepareWrite(in: parentID, codingPath())
        } catch {
            return BinaryEncodingStorage.deadID
        }
        let id = nextID
        nextID += 1
        open.append(OpenContainer(id: id, tagOffset: bytes.count, isKeyed: keyed))
        bytes.append(keyed ? BinaryTag.keyed.rawValue : BinaryTag.unkeyed.rawValue)
        bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        return id
    }

    /// Writes the key of a keyed-container entry: an integer key if `key.intValue` round-trips
    /// through `Key(intValue:)`, else a reference into the key table.
    func writeKey<Key: CodingKey>(_ key: Key) {
        if let int = key.intValue, Key(intValue: int)?.stringValue == key.stringValue {
            bytes.appendVarint(0)
            bytes.appendZigZag(Int64(int))
            return
        }
        let name = key.stringValue
        let index: Int
        if let known = keyTable.count <= BinaryEncodingStorage.linearKeySearchLimit ? linearKeyIndex(name) : keyIndices[name] {
            index = known
        } else {
            index = keyTable.count
            keyTable.append(name)
            if keyTable.count > BinaryEncodingStorage.linearKeySearchLimit {
                if keyIndices.isEmpty {
                    for (index, name) in keyTable.enumerated() { keyIndices[name] = index }
                } else {
                    keyIndices[name] = index
                }
            }
        }
        bytes.appendVarint(UInt64(index) + 1)
    }

    private func linearKeyIndex(_ name: String) -> Int? {
        var index = 0
        while index < keyTable.count {
            if keyTable[index] == name { return index }
            index += 1
        }
        return nil
    }

    // MARK: Primitives

    func writeNil() { bytes.append(BinaryTag.null.rawValue) }
    func write(_ value: Bool) { bytes.append(value ? BinaryTag.true.rawValue : BinaryTag.false.rawValue) }
    func write(_ value: String) { bytes.appendTagged(BinaryTag.string.rawValue, lengthPrefixed: value) }
    func write(_ value: Double) { bytes.appendTagged(BinaryTag.double.rawValue, littleEndian: value.bitPattern) }
    func write(_ value: Float) { bytes.appendTagged(BinaryTag.float.rawValue, littleEndian: value.bitPattern) }
    func write<T: FixedWidthInteger & SignedInteger>(_ value: T) {
        let raw = Int64(value)
        bytes.appendTagged(BinaryTag.signed.rawValue, varint: UInt64(bitPattern: (raw << 1) ^ (raw >> 63)))
    }
    func write<T: FixedWidthInteger & UnsignedInteger>(_ value: T) {
        bytes.appendTagged(BinaryTag.unsigned.rawValue, varint: UInt64(value))
    }
    func writeBytes(_ value: [UInt8]) { bytes.appendTagged(BinaryTag.bytes.rawValue, lengthPrefixed: value) }

    /// Writes `value` if its type is a primitive of the format, without going through
    /// `encode(to:)`; returns whether it did. (`unsafeBitCast` is safe: the metatypes are equal.)
    private func writePrimitive<T>(_ value: T) -> Bool {
        if T.self == String.self { write(unsafeBitCast(value, to: String.self)) }
        else if T.self == Int.self { write(unsafeBitCast(value, to: Int.self)) }
        else if T.self == Double.self { write(unsafeBitCast(value, to: Double.self)) }
        else if T.self == Bool.self { write(unsafeBitCast(value, to: Bool.self)) }
        else if T.self == byteArrayType { writeBytes(unsafeBitCast(value, to: [UInt8].self)) }
        else if T.self == UInt64.self { write(unsafeBitCast(value, to: UInt64.self)) }
        else if T.self == Int64.self { write(unsafeBitCast(value, to: Int64.self)) }
        else if T.self == UInt8.self { write(unsafeBitCast(value, to: UInt8.self)) }
        else if T.self == Float.self { write(unsafeBitCast(value, to: Float.self)) }
        else if T.self == UInt.self { write(unsafeBitCast(value, to: UInt.self)) }
        else if T.self == Int32.self { write(unsafeBitCast(value, to: Int32.self)) }
        else if T.self == UInt32.self { write(unsafeBitCast(value, to: UInt32.self)) }
        else if T.self == Int16.self { write(unsafeBitCast(value, to: Int16.self)) }
        else if T.self == UInt16.self { write(unsafeBitCast(value, to: UInt16.self)) }
        else if T.self == Int8.self { write(unsafeBitCast(value, to: Int8.self)) }
        else { return false }
        return true
    }

    /// Encodes one value into the slot that starts at the current position, in container
    /// `parentID` (which the caller has prepared for writing).
    func encodeValue<T: Encodable>(_ value: T, parentID: Int, codingPath: @autoclosure () -> [any CodingKey]) throws {
        if writePrimitive(value) { return }
        let start = bytes.count
        try value.encode(to: BinaryEncoderImpl(storage: self, parentID: parentID, valueStart: start, codingPath: codingPath()))
        if bytes.count == start {
            // `encode(to:)` wrote nothing: keep the stream well formed with an empty keyed container.
            try prepareWrite(in: parentID, codingPath())
            bytes.append(BinaryTag.keyed.rawValue)
            bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
        }
    }

    /// Closes all containers and returns the document: key table, then the encoded value.
    func finish() throws(WireError) -> [UInt8] {
        while let top = open.popLast() { try close(top) }
        if let firstError { throw firstError }
        if keyTable.isEmpty { return bytes }  // starts with the count 0
        var document: [UInt8] = []
        var tableSize = 10
        for key in keyTable { tableSize += 10 + key.utf8.count }
        document.reserveCapacity(tableSize + bytes.count)
        document.appendVarint(UInt64(keyTable.count))
        for key in keyTable { document.appendLengthPrefixed(key) }
        document.append(contentsOf: bytes[1...])
        return document
    }
}

@available(*, unavailable, message: "used by one encode call on one thread")
extension BinaryEncodingStorage: Sendable {}
