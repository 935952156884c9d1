/// Appending the wire's primitive encodings to a byte array.
extension Array where Element == UInt8 {
    /// Appends `value` as an unsigned LEB128 varint: 7 bits per byte, least significant group
    /// first, the high bit set on every byte but the last (1 to 10 bytes).
    @inlinable
    mutating func appendVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends `value` zigzag-mapped (0, -1, 1, -2, ... to 0, 1, 2, 3, ...) as a varint, so that
    /// small negative numbers stay short.
    @inlinable
    mutating func appendZigZag(_ value: Int64) {
        appendVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Appends `string` as a varint byte count followed by its UTF-8 bytes.
    @inlinable
    mutating func appendLengthPrefixed(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count))
            append(contentsOf: utf8)
        }
    }

    /// Appends `bytes` as a varint byte count followed by the bytes.
    @inlinable
    mutating func appendLengthPrefixed(_ bytes: [UInt8]) {
        appendVarint(UInt64(bytes.count))
        append(contentsOf: bytes)
    }

    /// Appends `value` in little-endian byte order.
    @inlinable
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var value = value.littleEndian
        Swift.withUnsafeBytes(of: &value) { append(contentsOf: $0) }
    }

    /// Appends `value` in big-endian (network) byte order.
    @inlinable
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var value = value.bigEndian
        Swift.withUnsafeBytes(of: &value) { append(contentsOf: $0) }
    }

    /// Overwrites the four bytes at `offset` with `value` in little-endian order.
    @inlinable
    mutating func setLittleEndian(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    /// Overwrites the four bytes at `offset` with `value` in big-endian order.
    @inlinable
    mutating func setBigEndian(_ value: UInt32, at offset: Int) {
        self[offset] = UInt8(truncatingIfNeeded: value >> 24)
        self[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        self[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        self[offset + 3] = UInt8(truncatingIfNeeded: value)
    }

    // One call per tagged value, so that a class-held buffer is accessed (and exclusivity-checked)
    // once per value rather than once per part.

    /// Appends `tag` and `value` as a varint.
    @inlinable
    mutating func appendTagged(_ tag: UInt8, varint value: UInt64) {
        append(tag)
        appendVarint(value)
    }

    /// Appends `tag` and `value` in little-endian order.
    @inlinable
    mutating func appendTagged<T: FixedWidthInteger>(_ tag: UInt8, littleEndian value: T) {
        append(tag)
        appendLittleEndian(value)
    }

    /// Appends `tag` and `string` as a varint byte count and UTF-8.
    @inlinable
    mutating func appendTagged(_ tag: UInt8, lengthPrefixed string: String) {
        append(tag)
        appendLengthPrefixed(string)
    }

    /// Appends `tag` and `bytes` with a varint byte count.
    @inlinable
    mutating func appendTagged(_ tag: UInt8, lengthPrefixed bytes: [UInt8]) {
        append(tag)
        appendLengthPrefixed(bytes)
    }
}
