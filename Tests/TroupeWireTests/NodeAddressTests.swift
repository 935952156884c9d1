import Testing
import TroupeWire

@Suite("NodeAddress and NodeIdentity")
struct NodeAddressTests {
    @Test("parses name@host:port and prints it back")
    func parsesAndPrints() throws {
        let address = try NodeAddress(parsing: "orders@10.0.0.7:7337")
        #expect(address == NodeAddress(systemName: "orders", host: "10.0.0.7", port: 7337))
        #expect(address.description == "orders@10.0.0.7:7337")
        #expect(try NodeAddress(parsing: address.description) == address)
    }

    @Test("an IPv6 host is written and parsed in brackets")
    func ipv6() throws {
        let address = try NodeAddress(parsing: "sys@[::1]:65535")
        #expect(address.host == "::1")
        #expect(address.port == 65535)
        #expect(address.description == "sys@[::1]:65535")
        #expect(try NodeAddress(parsing: address.description) == address)
    }

    @Test(
        "rejects malformed addresses with invalidAddress",
        arguments: [
            "", "nohost", "@host:1", "name@:1", "name@host", "name@host:", "name@host:65536", "name@host:x1",
            "name@host:-1", "name@host:+1", "a@b@c:1", "name@::1:5", "name@[::1:5", "name@[::1]5", "name@[]:5",
            "name@host:123456", "name@host:٣",
        ]
    )
    func rejectsMalformed(_ text: String) {
        let error = expectWireError(.invalidAddress) { _ = try NodeAddress(parsing: text) }
        #expect(error?.message.contains(text) == true)
    }

    @Test("identities differ by incarnation and print it")
    func identity() {
        let address = NodeAddress(systemName: "a", host: "h", port: 1)
        let first = NodeIdentity(address: address, incarnation: 1)
        let second = NodeIdentity(address: address, incarnation: 2)
        #expect(first != second)
        #expect(first.description == "a@h:1#1")
    }

    @Test("addresses and identities round-trip through the binary codec")
    func codable() throws {
        let identity = NodeIdentity(address: NodeAddress(systemName: "a", host: "::1", port: 9), incarnation: .max)
        let bytes = try BinaryEncoder().encode(identity)
        #expect(try BinaryDecoder().decode(NodeIdentity.self, from: bytes) == identity)
    }

    @Test("an address changed part by part hashes and compares as one made with those parts")
    func changedPartsKeepHashAndEquality() {
        var address = NodeAddress(systemName: "a", host: "h", port: 1)
        var table: [NodeAddress: Int] = [address: 1]
        address.systemName = "b"
        address.host = "k"
        address.port = 2
        let fresh = NodeAddress(systemName: "b", host: "k", port: 2)
        #expect(address == fresh)
        #expect(address.hashValue == fresh.hashValue)
        #expect(table[address] == nil)
        table[fresh] = 2
        #expect(table[address] == 2)
        #expect(NodeAddress(systemName: "a", host: "h", port: 1) != NodeAddress(systemName: "a", host: "h", port: 2))
        #expect(NodeAddress(systemName: "ab", host: "h", port: 1) != NodeAddress(systemName: "a", host: "bh", port: 1))
    }
}
