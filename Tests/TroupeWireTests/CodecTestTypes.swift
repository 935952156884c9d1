import TroupeWire

struct AllPrimitives: Sendable, Codable, Equatable {
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var bool: Bool
    var float: Float
    var double: Double
    var string: String

    static let minimums = AllPrimitives(
        int: .min, int8: .min, int16: .min, int32: .min, int64: .min, uint: .min, uint8: .min, uint16: .min, uint32: .min,
        uint64: .min, bool: false, float: -.greatestFiniteMagnitude, double: -.greatestFiniteMagnitude, string: ""
    )
    static let maximums = AllPrimitives(
        int: .max, int8: .max, int16: .max, int32: .max, int64: .max, uint: .max, uint8: .max, uint16: .max, uint32: .max,
        uint64: .max, bool: true, float: .greatestFiniteMagnitude, double: .greatestFiniteMagnitude,
        string: String(repeating: "long ünïcødé 🎭 ", count: 100)
    )
    static let small = AllPrimitives(
        int: -1, int8: 1, int16: -64, int32: 64, int64: -65, uint: 127, uint8: 128, uint16: 255, uint32: 16_384,
        uint64: 1 << 35, bool: true, float: .leastNonzeroMagnitude, double: -0.0, string: "a"
    )
}

enum Status: String, Sendable, Codable, Equatable {
    case active, suspended
}

enum Priority: Int, Sendable, Codable, Equatable {
    case low = 1, high = 9
}

struct Empty: Sendable, Codable, Equatable {}

struct Item: Sendable, Codable, Equatable {
    var sku: String
    var quantity: UInt16
    var price: Double?
}

enum Shape: Sendable, Codable, Equatable {
    case point
    case circle(radius: Double)
    case rectangle(width: Double, height: Double)
    case labeled(String, Int)
    case tagged(Status?)
    indirect case group([Shape])

    static let all: [Shape] = [
        .point, .circle(radius: 2.5), .rectangle(width: 1, height: -1), .labeled("x", -7), .tagged(nil), .tagged(.active),
        .group([]), .group([.point, .group([.circle(radius: 0)])]),
    ]
}

indirect enum Tree: Sendable, Codable, Equatable {
    case leaf(Int)
    case node(Tree, Tree)

    /// A left-leaning tree `depth` nodes deep.
    static func deep(_ depth: Int) -> Tree {
        var tree = Tree.leaf(0)
        for level in 1...depth { tree = .node(tree, .leaf(level)) }
        return tree
    }
}

struct Order: Sendable, Codable, Equatable {
    var id: UInt64
    var customer: String?
    var items: [Item]
    var shape: Shape
    var status: Status
    var priority: Priority
    var metadata: [String: String]
    var counts: [Int: [String]]
    var matrix: [[Int]]
    var sparse: [Int?]
    var blob: [UInt8]
    var empty: Empty
    var note: String?
    var tags: Set<String>
    var nested: [String: [String: Int]]
    var tree: Tree

    static let sample = Order(
        id: 0xDEAD_BEEF,
        customer: "Ada",
        items: [Item(sku: "A-1", quantity: 3, price: 9.99), Item(sku: "B-2", quantity: 0, price: nil)],
        shape: .group([.circle(radius: 1), .labeled("l", 2)]),
        status: .suspended,
        priority: .high,
        metadata: ["region": "eu", "": "empty key", "012": "leading zero"],
        counts: [-1: ["a"], 0: [], Int.max: ["b", "c"]],
        matrix: [[1, 2, 3], [], [-4]],
        sparse: [nil, 0, 1, nil, -1],
        blob: [0, 1, 0xFF],
        empty: Empty(),
        note: nil,
        tags: ["x", "y"],
        nested: ["outer": ["inner": 1]],
        tree: .node(.leaf(1), .node(.leaf(2), .leaf(3)))
    )
}

/// Version 1 and 2 of a message, for schema-evolution tests.
struct ProfileV1: Codable, Equatable {
    var name: String
    var age: Int
}

struct ProfileV2: Codable, Equatable {
    var name: String
    var age: Int
    var email: String?
}

struct ProfileV2Required: Codable, Equatable {
    var name: String
    var age: Int
    var email: String
}

/// Decodes its keys in the reverse of the order it encodes them.
struct ReversedDecoding: Codable, Equatable {
    var first: Int
    var second: String
    var third: [Int]

    enum CodingKeys: CodingKey { case first, second, third }

    init(first: Int, second: String, third: [Int]) {
        self.first = first
        self.second = second
        self.third = third
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        third = try container.decode([Int].self, forKey: .third)
        second = try container.decode(String.self, forKey: .second)
        first = try container.decode(Int.self, forKey: .first)
    }
}

/// A key type with integer values, written as integer keys.
struct IntKeyed: Codable, Equatable {
    var a: Int
    var b: String

    enum CodingKeys: Int, CodingKey { case a = 1, b = -2 }
}

/// A class hierarchy that shares one encoder between subclass and superclass (`super.encode(to:
/// encoder)`), merging both into one keyed container.
class Animal: Codable {
    var legs: Int
    init(legs: Int) { self.legs = legs }
}

final class Dog: Animal {
    var name: String
    enum CodingKeys: CodingKey { case name }

    init(name: String, legs: Int) {
        self.name = name
        super.init(legs: legs)
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        try super.init(from: decoder)
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try super.encode(to: encoder)
    }
}

/// Uses `superEncoder()`, which the binary codec does not support.
struct UsesSuperEncoder: Codable {
    enum CodingKeys: CodingKey { case value }

    init() {}

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        _ = try container.superDecoder()
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try 1.encode(to: container.superEncoder())
    }
}

/// Writes to a nested container after its parent moved on.
struct MisusesContainers: Encodable {
    enum CodingKeys: CodingKey { case list, after }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var list = container.nestedUnkeyedContainer(forKey: .list)
        try list.encode(1)
        try container.encode(2, forKey: .after)
        try list.encode(3)
    }
}

/// Encodes nothing at all.
struct EncodesNothing: Codable, Equatable {
    init() {}
    init(from decoder: any Decoder) throws { _ = try decoder.container(keyedBy: AnyKey.self) }
    func encode(to encoder: any Encoder) throws {}
}

/// A coding key for any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

/// Encodes itself as a two-element unkeyed container and checks `count` when decoding, as some
/// hand-written conformances do.
struct CountedPair: Codable, Equatable {
    var first: Int
    var second: String

    init(first: Int, second: String) {
        self.first = first
        self.second = second
    }

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        guard container.count == 2 else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected 2 elements, found \(container.count ?? -1)")
        }
        first = try container.decode(Int.self)
        second = try container.decode(String.self)
        guard container.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "trailing elements")
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(first)
        try container.encode(second)
    }
}
