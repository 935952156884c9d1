import NIOCore
import NIOPosix

/// The floor: raw swift-nio request-reply over loopback with frames of the same size, no
/// framing logic, no actors. The server echoes bytes; the client keeps `inFlight` frames
/// outstanding and counts round trips.
enum RawEcho {
    final class EchoServerHandler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.write(data, promise: nil)
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            context.flush()
        }
    }

    final class EchoClientHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let frame: ByteBuffer
        let inFlight: Int
        var remaining: Int
        var pendingBytes = 0
        let done: EventLoopPromise<Void>

        init(frame: ByteBuffer, inFlight: Int, roundTrips: Int, done: EventLoopPromise<Void>) {
            self.frame = frame
            self.inFlight = inFlight
            self.remaining = roundTrips
            self.done = done
        }

        func channelActive(context: ChannelHandlerContext) {
            for _ in 0..<min(inFlight, remaining) { context.write(wrapOutboundOut(frame), promise: nil) }
            context.flush()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pendingBytes += unwrapInboundIn(data).readableBytes
            var sent = false
            while pendingBytes >= frame.readableBytes {
                pendingBytes -= frame.readableBytes
                remaining -= 1
                if remaining == 0 {
                    done.succeed()
                    return
                }
                if remaining >= inFlight {
                    context.write(wrapOutboundOut(frame), promise: nil)
                    sent = true
                }
            }
            if sent { context.flush() }
        }
    }

    /// A server on 127.0.0.1 that echoes every byte it reads, and its port.
    static func startServer() async throws -> (any Channel, Int) {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoServerHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (server, server.localAddress!.port!)
    }

    /// Round trips per second for `roundTrips` echoes of `frameSize` bytes, `inFlight` at a time.
    static func run(frameSize: Int, inFlight: Int, roundTrips: Int) async throws -> Double {
        let group = MultiThreadedEventLoopGroup.singleton
        let (server, port) = try await startServer()
        let done = group.next().makePromise(of: Void.self)
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0x5A, count: frameSize))
        let start = ContinuousClock.now
        let client = try await ClientBootstrap(group: done.futureResult.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        EchoClientHandler(frame: frame, inFlight: inFlight, roundTrips: roundTrips, done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await done.futureResult.get()
        let elapsed = ContinuousClock.now - start
        try await client.close()
        try await server.close()
        return Double(roundTrips) / seconds(elapsed)
    }
}

func seconds(_ duration: Duration) -> Double {
    let (whole, attoseconds) = duration.components
    return Double(whole) + Double(attoseconds) / 1e18
}
