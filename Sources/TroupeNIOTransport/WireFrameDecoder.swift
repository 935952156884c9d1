import NIOCore
import TroupeWire

/// What a connection's ``WireFrameDecoder`` hands each envelope to: its connection handler.
protocol EnvelopeReceiver: AnyObject {
    /// An envelope arrived; `context` is the decoder's (writes from it go out through TLS).
    func received(_ envelope: WireEnvelope, context: ChannelHandlerContext)
}

/// Splits the inbound byte stream into length-prefixed frames (see `FrameEncoder`) and decodes each
/// into a `WireEnvelope`, which it hands straight to its connection's handler: passed down the
/// pipeline, every envelope was boxed on the heap as `NIOAny` and copied out again. A length over
/// the maximum (including 2^32-1) is refused as soon as its four bytes arrive, before any of the
/// frame is buffered; a bad frame is an error that closes the connection (the stream cannot be
/// resynchronised).
struct WireFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Never

    let maximumFrameSize: Int
    let receiver: any EnvelopeReceiver

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        guard UInt64(length) <= UInt64(maximumFrameSize) else {
            throw WireError(.frameTooLarge, "frame announces \(length) bytes; the maximum frame size is \(maximumFrameSize)")
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        guard let bytes = buffer.readBytes(length: Int(length)) else { return .needMoreData }
        let envelope = try WireEnvelope(serializedBytes: bytes)
        receiver.received(envelope, context: context)
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at the end of the stream is dropped with the connection.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Frames `bytes` (a serialized envelope) with its 4-byte big-endian length.
func frame(_ bytes: [UInt8], allocator: ByteBufferAllocator) -> ByteBuffer {
    var buffer = allocator.buffer(capacity: 4 + bytes.count)
    buffer.writeFrame(bytes)
    return buffer
}

extension ByteBuffer {
    /// Appends `bytes` (a serialized envelope) as one frame: its 4-byte big-endian length, then it.
    mutating func writeFrame(_ bytes: [UInt8]) {
        writeInteger(UInt32(bytes.count))
        writeBytes(bytes)
    }
}
