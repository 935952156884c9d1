import NIOCore
import NIOPosix

/// A second floor: the raw swift-nio echo of ``RawEcho``, but driven the way a remote ask is, by
/// Swift tasks that each write one frame and suspend until its echo resumes them. What it adds to
/// ``RawEcho`` is the cost of Swift concurrency alone (a continuation per request, a task resumed
/// from the event loop), with no actors, no envelopes and no codec.
enum RawTaskEcho {
    /// Holds the askers' continuations in request order; the echo server answers in order.
    final class ClientHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let frameSize: Int
        var pendingBytes = 0
        var waiting = CircularBuffer<CheckedContinuation<Void, Never>>()
        var flushScheduled = false

        init(frameSize: Int) { self.frameSize = frameSize }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pendingBytes += unwrapInboundIn(data).readableBytes
            while pendingBytes >= frameSize {
                pendingBytes -= frameSize
                waiting.removeFirst().resume()
            }
        }
    }

    /// Round trips per second for `roundTrips` echoes of `frameSize` bytes, asked by `askers`
    /// tasks, each waiting for its reply before it asks again.
    static func run(frameSize: Int, askers: Int, roundTrips: Int) async throws -> Double {
        let group = MultiThreadedEventLoopGroup.singleton
        let (server, port) = try await RawEcho.startServer()
        let loop = group.next()
        let client = try await ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port).get()
        let handler = try await loop.submit {
            let handler = ClientHandler(frameSize: frameSize)
            try client.pipeline.syncOperations.addHandler(handler)
            return NIOLoopBound(handler, eventLoop: loop)
        }.get()
        let frame = ByteBuffer(bytes: [UInt8](repeating: 0x5A, count: frameSize))
        let start = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<askers {
                group.addTask {
                    for _ in 0..<(roundTrips / askers) {
                        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                            loop.execute {
                                // Writes that gather before the flush go out together, as the
                                // transport's outbox does.
                                handler.value.waiting.append(continuation)
                                client.write(frame, promise: nil)
                                guard !handler.value.flushScheduled else { return }
                                handler.value.flushScheduled = true
                                loop.execute {
                                    handler.value.flushScheduled = false
                                    client.flush()
                                }
                            }
                        }
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        try await client.close()
        try await server.close()
        return Double(roundTrips / askers * askers) / seconds(elapsed)
    }
}
