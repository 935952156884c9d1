import Foundation
import Testing
import Troupe
import TroupeWire

/// An actor whose messages `@Actor(codable: true)` makes `Codable`.
@Actor(codable: true)
struct Mailroom {
    var log: [String] = []
    @Handler mutating func post(_ letter: String, to recipients: [String], urgent: Bool = false) { log.append(letter) }
    @Handler func weigh(grams: Double, tags: [String: Int]) -> Double { grams }
    @Handler func ping() {}
    @Handler func maybe(_ value: Int?) -> Int? { value }
}

extension Mailroom.Message: Equatable {}

/// The same handlers with the conformance Swift synthesizes, to compare the two.
@Actor
struct SynthesizedMailroom {
    @Handler mutating func post(_ letter: String, to recipients: [String], urgent: Bool = false) {}
}

extension SynthesizedMailroom.Message: Codable {}

@Suite("@Actor(codable: true)")
struct MessageCodingTests {
    @Test("every case round-trips through JSON and the binary codec: a tag per case, then its values in order")
    func roundTrip() throws {
        let messages: [Mailroom.Message] = [
            .post("hello", to: ["ann", "bo"], urgent: true),
            .weigh(grams: 12.5, tags: ["fragile": 1]),
            .ping,
            .maybe(nil),
            .maybe(7),
        ]
        for message in messages {
            #expect(try JSONDecoder().decode(Mailroom.Message.self, from: JSONEncoder().encode(message)) == message)
            #expect(try BinaryDecoder().decode(Mailroom.Message.self, from: BinaryEncoder().encode(message)) == message)
        }
        // The tag is the FNV-1a 32 hash of the handler's name and labels: the same in every build.
        let ping = try JSONEncoder().encode(Mailroom.Message.ping)
        #expect(String(decoding: ping, as: UTF8.self) == "[\(0x165d_f089 as UInt32)]")
        let post = try JSONEncoder().encode(Mailroom.Message.post("x", to: [], urgent: false))
        #expect(String(decoding: post, as: UTF8.self).hasPrefix("[\(0x6fb6_6375 as UInt32),"), "\"post(_:to:urgent:)\"")
    }

    @Test("smaller on the wire than the synthesized conformance")
    func compact() throws {
        let compact = try BinaryEncoder().encode(Mailroom.Message.post("hello", to: ["ann"], urgent: true))
        let synthesized = try BinaryEncoder().encode(SynthesizedMailroom.Message.post("hello", to: ["ann"], urgent: true))
        #expect(compact.count < synthesized.count)
    }

    @Test("a tag no case has is a DecodingError that says the sender has a handler this build does not")
    func unknownTag() throws {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Mailroom.Message.self, from: Data("[12345]".utf8))
        }
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(context.debugDescription == "no case of Mailroom.Message has the tag 12345: the sender has a handler this build does not")
    }
}
