import Testing
import TroupeWire

@Suite("Binary codec errors and hostile input")
struct BinaryCodecErrorTests {
    @Test("another type than encoded is typeMismatch")
    func typeMismatch() throws {
        let bytes = try BinaryEncoder().encode("text")
        let error = expectWireError(.typeMismatch) { _ = try BinaryDecoder().decode(Int.self, from: bytes) }
        #expect(error?.message.contains("String") == true)
        expectWireError(.typeMismatch) { _ = try BinaryDecoder().decode(Order.self, from: try BinaryEncoder().encode([1, 2])) }
        expectWireError(.typeMismatch) { _ = try BinaryDecoder().decode(Shape.self, from: try BinaryEncoder().encode(Int?.none)) }
    }

    @Test("a number that does not fit is valueOutOfRange, with its coding path")
    func outOfRange() throws {
        expectWireError(.valueOutOfRange) { _ = try BinaryDecoder().decode(UInt8.self, from: try BinaryEncoder().encode(300)) }
        expectWireError(.valueOutOfRange) { _ = try BinaryDecoder().decode(UInt.self, from: try BinaryEncoder().encode(-1)) }
        struct WideItem: Codable { var sku: String; var quantity: Int }
        let wide = try BinaryEncoder().encode([WideItem(sku: "a", quantity: 70_000)])
        let error = expectWireError(.valueOutOfRange) { _ = try BinaryDecoder().decode([Item].self, from: wide) }
        #expect(error?.message.contains("[0].quantity") == true)
    }

    @Test("containers nested deeper than maximumDepth are nestingTooDeep")
    func nesting() throws {
        let bytes = try BinaryEncoder().encode(Tree.deep(200))
        expectWireError(.nestingTooDeep) { _ = try BinaryDecoder().decode(Tree.self, from: bytes) }
        #expect(try BinaryDecoder(maximumDepth: 1000).decode(Tree.self, from: bytes) == Tree.deep(200))
    }

    @Test("superEncoder and superDecoder are unsupported")
    func superCoders() throws {
        expectWireError(.unsupported) { _ = try BinaryEncoder().encode(UsesSuperEncoder()) }
        let bytes = try BinaryEncoder().encode(["value": 1])
        expectWireError(.unsupported) { _ = try BinaryDecoder().decode(UsesSuperEncoder.self, from: bytes) }
    }

    @Test("writing to a container after its parent moved on is invalidValue")
    func containerMisuse() {
        expectWireError(.invalidValue) { _ = try BinaryEncoder().encode(MisusesContainers()) }
    }

    @Test("every strict prefix of a document is truncated")
    func everyPrefixIsTruncated() throws {
        let bytes = try BinaryEncoder().encode(Order.sample)
        for length in 0..<bytes.count {
            expectWireError(.truncated) { _ = try BinaryDecoder().decode(Order.self, from: Array(bytes[..<length])) }
        }
    }

    @Test("trailing bytes and unknown tags are malformed")
    func malformed() throws {
        let bytes = try BinaryEncoder().encode(Item(sku: "a", quantity: 1, price: nil))
        expectWireError(.malformed) { _ = try BinaryDecoder().decode(Item.self, from: bytes + [0x00]) }
        expectWireError(.malformed) { _ = try BinaryDecoder().decode(Int.self, from: [0x00, 0x7F]) }
        // A key reference past the end of the key table.
        expectWireError(.malformed) { _ = try BinaryDecoder().decode(Item.self, from: [0x00, 0x0A, 0x02, 0, 0, 0, 0x05, 0x00]) }
        // Invalid UTF-8 in a string.
        expectWireError(.malformed) { _ = try BinaryDecoder().decode(String.self, from: [0x00, 0x07, 0x01, 0xC0]) }
        // A varint longer than 64 bits.
        expectWireError(.malformed) {
            _ = try BinaryDecoder().decode(UInt64.self, from: [0x00, 0x04] + Array(repeating: 0xFF, count: 10) + [0x01])
        }
    }

    @Test("huge counts and lengths are truncated without allocating them")
    func hugeCounts() {
        // A key table of 2^62 keys.
        expectWireError(.truncated) {
            _ = try BinaryDecoder().decode(Int.self, from: [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40, 0x00])
        }
        // A container of 4 GiB.
        expectWireError(.truncated) { _ = try BinaryDecoder().decode([Int].self, from: [0x00, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0x03, 0x02]) }
        // A string of 2^63 - 1 bytes.
        expectWireError(.truncated) {
            _ = try BinaryDecoder().decode(String.self, from: [0x00, 0x07, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        }
        // Bytes of 2^32 length.
        expectWireError(.truncated) { _ = try BinaryDecoder().decode([UInt8].self, from: [0x00, 0x08, 0x80, 0x80, 0x80, 0x80, 0x10]) }
    }

    @Test("seeded random bytes and mutated documents throw WireError or decode, never crash")
    func garbageNeverCrashes() throws {
        var random = SplitMix64(seed: 0xC0DE)
        let valid = try BinaryEncoder().encode(Order.sample)
        var failures = 0
        var unexpectedErrors: [String] = []
        for iteration in 0..<4000 {
            var input: [UInt8]
            if iteration % 2 == 0 {
                // Random bytes after a small key table, so that the body is reached often.
                input = [0x02, 0x01, 0x61, 0x01, 0x62] + random.bytes(count: random.next(below: 48))
            } else {
                input = valid
                for _ in 0..<(1 + random.next(below: 3)) {
                    input[random.next(below: input.count)] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            let decoder = BinaryDecoder()
            for attempt in 0..<6 {
                do {
                    switch attempt {
                    case 0: _ = try decoder.decode(Order.self, from: input)
                    case 1: _ = try decoder.decode(Shape.self, from: input)
                    case 2: _ = try decoder.decode(Tree.self, from: input)
                    case 3: _ = try decoder.decode([String: [Int?]].self, from: input)
                    case 4: _ = try decoder.decode([Item].self, from: input)
                    default: _ = try decoder.decode(AllPrimitives.self, from: input)
                    }
                } catch is WireError {
                    failures += 1
                } catch is DecodingError {
                    // Thrown by synthesized conformances themselves: an enum container without
                    // exactly one key, a raw value that names no case.
                    failures += 1
                } catch {
                    unexpectedErrors.append("\(error)")
                }
            }
        }
        #expect(unexpectedErrors.count == 0, "only WireError and DecodingError are thrown: \(unexpectedErrors.prefix(3))")
        #expect(failures > 12_000, "most garbage is rejected")
    }
}
