/// A bounds-checked cursor over a region of a byte array: every read checks that it stays inside
/// the region and throws ``WireError`` (``WireError/Code/truncated`` or
/// ``WireError/Code/malformed``) instead of trapping. Lengths read from the input are checked
/// against the bytes that remain before anything is allocated for them.
struct ByteReader {
    /// The whole array (shared, not copied); only `position..<end` is read.
    let bytes: [UInt8]
    /// The offset of the next byte to read.
    private(set) var position: Int
    /// The end of the readable region (exclusive).
    let end: Int

    /// A reader over `bytes[range]`; `range` must lie within `bytes`.
    init(_ bytes: [UInt8], range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "reader range outside its array")
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// A reader over all of `bytes`.
    init(_ bytes: [UInt8]) {
        self.init(bytes, range: 0..<bytes.count)
    }

    /// How many bytes are left in the region.
    var remaining: Int { end - position }

    /// Whether the whole region has been read.
    var isAtEnd: Bool { position >= end }

    func truncated(_ what: String, needed: Int) -> WireError {
        WireError(.truncated, "\(what): needs \(needed) byte(s), only \(remaining) left", offset: position)
    }

    /// Reads one byte.
    mutating func readByte(_ what: @autoclosure () -> String) throws(WireError) -> UInt8 {
        guard position < end else { throw truncated(what(), needed: 1) }
        defer { position += 1 }
        return bytes[position]
    }

    /// Reads a fixed-width integer stored in big-endian order.
    mutating func readBigEndian<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated(what(), needed: size) }
        var value: T = 0
        for index in position..<(position + size) {
            value = (value << 8) | T(truncatingIfNeeded: bytes[index])
        }
        position += size
        return value
    }

    /// Reads a fixed-width integer stored in little-endian order.
    mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(WireError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated(what(), needed: size) }
        var value: T = 0
        var index = position + size
        while index > position {
            index -= 1
            value = (value << 8) | T(truncatingIfNeeded: bytes[index])
        }
        position += size
        return value
    }

    /// Reads an unsigned LEB128 varint of at most 10 bytes; throws ``WireError/Code/malformed``
    /// if it does not fit in 64 bits.
    mutating func readVarint(_ what: @autoclosure () -> String) throws(WireError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                let consumed = position - start
                position = start
                throw WireError(.truncated, "\(what()): varint ends after \(consumed) byte(s)", offset: start)
            }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 {
                throw WireError(.malformed, "\(what()): varint does not fit in 64 bits", offset: start)
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a zigzag-mapped signed varint.
    mutating func readZigZag(_ what: @autoclosure () -> String) throws(WireError) -> Int64 {
        let raw = try readVarint(what())
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Reads a varint length and checks that that many bytes remain (so a bogus length is never
    /// allocated). Returns the length.
    mutating func readLength(_ what: @autoclosure () -> String) throws(WireError) -> Int {
        let start = position
        let length = try readVarint(what())
        guard length <= UInt64(remaining) else {
            throw WireError(.truncated, "\(what()): length \(length) but only \(remaining) byte(s) left", offset: start)
        }
        return Int(length)
    }

    /// Skips `count` bytes, which must remain.
    mutating func skip(_ count: Int, _ what: @autoclosure () -> String) throws(WireError) {
        guard count >= 0, count <= remaining else { throw truncated(what(), needed: count) }
        position += count
    }

    /// Reads `count` raw bytes, which must remain.
    mutating func readBytes(count: Int, _ what: @autoclosure () -> String) throws(WireError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw truncated(what(), needed: count) }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    /// Reads a varint length and that many bytes.
    mutating func readLengthPrefixedBytes(_ what: @autoclosure () -> String) throws(WireError) -> [UInt8] {
        let count = try readLength(what())
        return try readBytes(count: count, what())
    }

    /// Reads a varint length and that many bytes of UTF-8; throws ``WireError/Code/malformed``
    /// for invalid UTF-8.
    mutating func readString(_ what: @autoclosure () -> String) throws(WireError) -> String {
        let start = position
        let count = try readLength(what())
        let utf8 = bytes[position..<(position + count)]
        let string: String
        if Self.isASCII(utf8) {
            // Names (recipients, keys) are nearly always ASCII, which is valid UTF-8 as it is:
            // `String(validating:as:)` reached the standard library's generic validation, with a
            // generic-metadata lookup per string, which was 4% of an inbound message's time.
            string = utf8.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        } else {
            guard let validated = String(validating: utf8, as: UTF8.self) else {
                throw WireError(.malformed, "\(what()): invalid UTF-8", offset: start)
            }
            string = validated
        }
        position += count
        return string
    }

    /// Whether every byte is below 0x80.
    @inline(__always)
    private static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var combined: UInt8 = 0
            for byte in buffer { combined |= byte }
            return combined < 0x80
        }
    }
}
