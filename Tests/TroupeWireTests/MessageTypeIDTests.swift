import Testing
import TroupeWire

@Suite("MessageTypeID")
struct MessageTypeIDTests {
    // Constants computed independently (Python, and the published FNV-1a 64 test vectors), so that
    // ids cannot drift between builds, toolchains or machines.
    @Test(
        "the id of a name is its FNV-1a 64 hash",
        arguments: [
            ("", 0xcbf2_9ce4_8422_2325 as UInt64),
            ("a", 0xaf63_dc4c_8601_ec8c),
            ("foobar", 0x8594_4171_f739_67e8),
            ("troupe.test.Ping", 0x1015_d78e_8079_4af0),
        ]
    )
    func stableIDs(name: String, expected: UInt64) {
        let id = MessageTypeID(name: name)
        #expect(id.rawValue == expected)
        #expect(id.name == name)
    }

    @Test("equality and hashing ignore the name")
    func equalityIgnoresName() {
        let named = MessageTypeID(name: "foobar")
        let decoded = MessageTypeID(rawValue: 0x8594_4171_f739_67e8)
        #expect(named == decoded)
        #expect(Set([named, decoded]).count == 1)
        #expect(decoded.name == nil)
    }

    @Test("descriptions show the name and 16 hex digits")
    func descriptions() {
        #expect(MessageTypeID(rawValue: 0xAB).description == "0x00000000000000ab")
        #expect(MessageTypeID(name: "a").description == "a (0xaf63dc4c8601ec8c)")
    }
}
