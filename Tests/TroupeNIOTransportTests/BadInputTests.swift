import NIOCore
import NIOPosix
import Testing
@testable import TroupeNIOTransport
import TroupeTestKit

/// A started transport with a recorder, and a way to check it still works after bad input.
struct Listener {
    let transport: NIOTransport
    let recorder = TransportRecorder()

    static func start() async throws -> Listener {
        let listener = Listener(transport: NIOTransport(address: NodeAddress(systemName: "target", host: "127.0.0.1", port: 0), security: .plaintext))
        try await listener.transport.start(delegate: listener.recorder)
        return listener
    }

    /// A well-behaved peer still gets an envelope through.
    func expectStillServing(_ sequence: UInt64) async throws {
        let peer = NIOTransport(address: NodeAddress(systemName: "good", host: "127.0.0.1", port: 0), security: .plaintext)
        try await peer.start(delegate: TransportRecorder())
        let envelope = WireEnvelope(kind: .tell, recipient: "x", messageType: MessageTypeID(name: "Ping"), correlationID: sequence)
        try peer.send(envelope, to: transport.localAddress)
        let received = try await recorder.waitForEnvelopes(count: 1, from: peer.localAddress)
        #expect(received.last?.correlationID == sequence)
        await peer.close()
    }
}

/// Connects a raw TCP client, writes `bytes`, and waits until the server closes the connection.
func sendAndExpectClose(_ bytes: [UInt8], to address: NodeAddress, thenClose: Bool = false) async throws {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: address.host, port: Int(address.port)).get()
    try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    if thenClose { try await channel.close() }
    try await channel.closeFuture.get()
}

/// A frame: a 4-byte big-endian length, then `body`.
func framed(_ body: [UInt8], announcing length: UInt32? = nil) -> [UInt8] {
    let length = length ?? UInt32(body.count)
    return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)] + body
}

func helloBytes(version: UInt8 = Handshake.protocolVersion) throws -> [UInt8] {
    let identity = NodeIdentity(address: NodeAddress(systemName: "raw", host: "127.0.0.1", port: 9), incarnation: 1)
    return framed(Handshake.frame(Handshake.helloType, from: identity, version: version).serializedBytes())
}

@Suite("NIO transport: bad input closes only that connection", .timeLimit(.minutes(1)))
struct BadInputTests {
    @Test("garbage after a valid hello")
    func garbage() async throws {
        let listener = try await Listener.start()
        try await sendAndExpectClose(try helloBytes() + framed([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]), to: listener.transport.localAddress)
        try await listener.expectStillServing(1)
        await listener.transport.close()
    }

    @Test("a frame length of 2^32-1 is refused before anything is buffered")
    func hugeLength() async throws {
        let listener = try await Listener.start()
        try await sendAndExpectClose(try helloBytes() + framed([], announcing: .max), to: listener.transport.localAddress)
        try await listener.expectStillServing(2)
        await listener.transport.close()
    }

    @Test("a frame one byte over the maximum frame size")
    func oversized() async throws {
        let listener = try await Listener.start()
        let length = UInt32(listener.transport.settings.maximumFrameSize + 1)
        try await sendAndExpectClose(try helloBytes() + framed([1, 2, 3], announcing: length), to: listener.transport.localAddress)
        try await listener.expectStillServing(3)
        await listener.transport.close()
    }

    @Test("a truncated frame, then the client hangs up")
    func truncated() async throws {
        let listener = try await Listener.start()
        try await sendAndExpectClose(try helloBytes() + Array(framed(Array(repeating: 7, count: 100)).prefix(50)), to: listener.transport.localAddress, thenClose: true)
        try await listener.expectStillServing(4)
        #expect(listener.recorder.events.received.count == 1, "nothing from the raw client was delivered")
        await listener.transport.close()
    }

    @Test("a hello of another protocol version")
    func wrongVersion() async throws {
        let listener = try await Listener.start()
        try await sendAndExpectClose(try helloBytes(version: Handshake.protocolVersion + 1), to: listener.transport.localAddress)
        try await listener.expectStillServing(5)
        await listener.transport.close()
    }

    @Test("a first frame that is not a hello")
    func noHello() async throws {
        let listener = try await Listener.start()
        let envelope = WireEnvelope(kind: .tell, recipient: "x", messageType: MessageTypeID(name: "Ping"))
        try await sendAndExpectClose(framed(envelope.serializedBytes()), to: listener.transport.localAddress)
        try await listener.expectStillServing(6)
        #expect(listener.recorder.events.received.count == 1)
        await listener.transport.close()
    }
}
