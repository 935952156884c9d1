import Testing
import TroupeWire

@Suite("Binary codec round trips")
struct BinaryCodecTests {
    private func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try BinaryEncoder().encode(value)
        let decoded = try BinaryDecoder().decode(T.self, from: bytes)
        #expect(decoded == value, sourceLocation: sourceLocation)
    }

    @Test("all integer widths, Bool, Float, Double and String at their extremes")
    func primitives() throws {
        try roundTrip(AllPrimitives.minimums)
        try roundTrip(AllPrimitives.maximums)
        try roundTrip(AllPrimitives.small)
    }

    @Test("top-level primitives, optionals, arrays and bytes")
    func topLevelValues() throws {
        try roundTrip(Int.min)
        try roundTrip(UInt64.max)
        try roundTrip(Int8(-128))
        try roundTrip(true)
        try roundTrip("")
        try roundTrip("🎭")
        try roundTrip(3.25 as Double)
        try roundTrip(Float(-1.5))
        try roundTrip(Int?.none)
        try roundTrip(Int?.some(0))
        try roundTrip([UInt8]())
        try roundTrip([UInt8](0...255))
        try roundTrip([Int]())
        try roundTrip([[String]]([["a"], [], ["b", "c"]]))
        try roundTrip(Status.active)
        try roundTrip(Priority.high)
        try roundTrip(Empty())
    }

    @Test("a nested message with enums, dictionaries, sets, optionals and recursion")
    func nestedMessage() throws {
        try roundTrip(Order.sample)
    }

    @Test("every case of an enum with associated values")
    func enums() throws {
        for shape in Shape.all { try roundTrip(shape) }
        try roundTrip(Shape.all)
        try roundTrip(Tree.deep(50))
    }

    @Test("nil and zero stay apart in optionals")
    func nilVersusZero() throws {
        try roundTrip([nil, 0, nil, 1, -1] as [Int?])
        try roundTrip([nil, false, true] as [Bool?])
        try roundTrip(["a": nil, "b": 0] as [String: Int?])
    }

    @Test("dictionaries with String keys (including numeric-looking ones) and Int keys")
    func dictionaries() throws {
        try roundTrip(["012": 1, "12": 2, "-3": 3, "": 4, "x": 5, "9223372036854775808": 6])
        try roundTrip([Int.min: "min", -1: "minus one", 0: "zero", Int.max: "max"])
        try roundTrip([String: [Int: Bool]]())
    }

    @Test("integer coding keys round-trip")
    func integerKeys() throws {
        try roundTrip(IntKeyed(a: 5, b: "five"))
    }

    @Test("special floating-point values keep their bits")
    func floatingPoint() throws {
        for value in [Double.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .pi] {
            let decoded = try BinaryDecoder().decode(Double.self, from: BinaryEncoder().encode(value))
            #expect(decoded.bitPattern == value.bitPattern)
        }
        for value in [Float.nan, .infinity, -0.0, .leastNormalMagnitude] {
            let decoded = try BinaryDecoder().decode(Float.self, from: BinaryEncoder().encode(value))
            #expect(decoded.bitPattern == value.bitPattern)
        }
    }

    @Test("a class hierarchy sharing one encoder round-trips")
    func sharedEncoder() throws {
        let bytes = try BinaryEncoder().encode(Dog(name: "Rex", legs: 3))
        let dog = try BinaryDecoder().decode(Dog.self, from: bytes)
        #expect(dog.name == "Rex")
        #expect(dog.legs == 3)
    }

    @Test("a value that encodes nothing becomes an empty keyed container")
    func encodesNothing() throws {
        try roundTrip(EncodesNothing())
        try roundTrip([EncodesNothing(), EncodesNothing()])
    }

    @Test("unkeyed containers report their count")
    func unkeyedCount() throws {
        try roundTrip(CountedPair(first: -3, second: "three"))
        try roundTrip([CountedPair(first: 1, second: ""), CountedPair(first: 2, second: "b")])
        let three = try BinaryEncoder().encode([1, 2, 3])
        #expect(throws: DecodingError.self) { try BinaryDecoder().decode(CountedPair.self, from: three) }
    }

    @Test("keys may be decoded in another order than they were encoded")
    func decodeOrder() throws {
        try roundTrip(ReversedDecoding(first: 1, second: "two", third: [3]))
    }

    @Test("unknown keys are ignored and missing optional keys decode as nil")
    func schemaEvolution() throws {
        let v2 = ProfileV2(name: "Ada", age: 36, email: "ada@example.com")
        #expect(try BinaryDecoder().decode(ProfileV1.self, from: BinaryEncoder().encode(v2)) == ProfileV1(name: "Ada", age: 36))
        let v1 = ProfileV1(name: "Ada", age: 36)
        #expect(try BinaryDecoder().decode(ProfileV2.self, from: BinaryEncoder().encode(v1)) == ProfileV2(name: "Ada", age: 36, email: nil))
        let error = expectWireError(.keyNotFound) {
            _ = try BinaryDecoder().decode(ProfileV2Required.self, from: BinaryEncoder().encode(v1))
        }
        #expect(error?.message.contains("email") == true)
    }

    @Test("integers decode into any integer type they fit, across signedness")
    func integerConversions() throws {
        #expect(try BinaryDecoder().decode(Int8.self, from: BinaryEncoder().encode(UInt64(127))) == 127)
        #expect(try BinaryDecoder().decode(UInt16.self, from: BinaryEncoder().encode(Int(65_535))) == 65_535)
        #expect(try BinaryDecoder().decode(Double.self, from: BinaryEncoder().encode(Float(0.5))) == 0.5)
    }

    @Test("golden: the byte layout of a small struct")
    func golden() throws {
        struct Point: Codable { var x: Int; var y: Int }
        let expected: [UInt8] = [
            0x02, 0x01, 0x78, 0x01, 0x79,  // key table: "x", "y"
            0x0A, 0x06, 0x00, 0x00, 0x00,  // keyed container, 6 bytes of entries
            0x01, 0x03, 0x02,  // key 1 ("x"): signed, zigzag(1) = 2
            0x02, 0x03, 0x01,  // key 2 ("y"): signed, zigzag(-1) = 1
        ]
        #expect(try BinaryEncoder().encode(Point(x: 1, y: -1)) == expected)
    }

    @Test("key names are written once per document, not once per value")
    func keyTableIsShared() throws {
        let items = (0..<100).map { Item(sku: "s\($0)", quantity: UInt16($0), price: nil) }
        let bytes = try BinaryEncoder().encode(items)
        let name = Array("quantity".utf8)
        let occurrences = (0...(bytes.count - name.count)).filter { Array(bytes[$0..<($0 + name.count)]) == name }.count
        #expect(occurrences == 1)
        // Per item: container header (5), two entries of key (1) + tag (1) + value (≤4).
        #expect(bytes.count < 100 * 16 + 30)
    }

    @Test("encoding is deterministic")
    func deterministic() throws {
        let item = Item(sku: "a", quantity: 1, price: 2)
        #expect(try BinaryEncoder().encode(item) == BinaryEncoder().encode(item))
    }
}
