/// The same scenarios on Swift's native `actor`, the baseline measured in the same run.
enum NativeScenarios {
    actor Sink {
        var count = 0
        var sum = 0
        var target = 0
        var waiter: CheckedContinuation<Void, Never>?

        func add(_ value: Int) {
            count &+= 1
            sum &+= value
            if count == target, let waiter {
                self.waiter = nil
                waiter.resume()
            }
        }

        func total() -> Int { count }

        /// Waits until `target` messages arrived (tasks-per-message have no order).
        func waitFor(_ target: Int) async {
            if count >= target { return }
            self.target = target
            await withCheckedContinuation { waiter = $0 }
        }

        /// Drains an AsyncStream mailbox.
        func consume(_ stream: AsyncStream<Int>) async -> Int {
            for await value in stream { add(value) }
            return count
        }
    }

    actor Adder {
        var total = 0
        func increment(by amount: Int) -> Int {
            total &+= amount
            return total
        }
    }

    actor Cruncher {
        let iterations: Int
        var accumulated: UInt64 = 0
        init(iterations: Int) { self.iterations = iterations }
        func crunchSeed(_ seed: UInt64) { accumulated &+= crunch(seed, iterations: iterations) }
        func consume(_ stream: AsyncStream<UInt64>) async -> UInt64 {
            for await seed in stream { crunchSeed(seed) }
            return accumulated
        }
    }

    actor Idle {
        func ping() -> Int { 1 }
    }

    static func tellTasks(messages: Int) async -> Sample {
        let sink = Sink()
        return await Measure.run {
            for value in 0..<messages {
                Task { await sink.add(value) }
            }
            await sink.waitFor(messages)
            let total = await sink.total()
            check(total == messages, "native tell: \(total) != \(messages)")
        }
    }

    static func tellStream(messages: Int) async -> Sample {
        let sink = Sink()
        return await Measure.run {
            let (stream, continuation) = AsyncStream<Int>.makeStream()
            let consumer = Task { await sink.consume(stream) }
            for value in 0..<messages { continuation.yield(value) }
            continuation.finish()
            let total = await consumer.value
            check(total == messages, "native stream tell: \(total) != \(messages)")
        }
    }

    static func askSequential(messages: Int) async -> Sample {
        let adder = Adder()
        var latencies: [Int64] = []
        latencies.reserveCapacity(messages / 100 + 1)
        var sample = await Measure.run {
            var last = 0
            for index in 0..<messages {
                last = await sampleLatency(index, into: &latencies) { await adder.increment(by: 1) }
            }
            check(last == messages, "native ask: \(last) != \(messages)")
        }
        sample.p50Nanoseconds = Measure.percentile(latencies, 0.5)
        sample.p99Nanoseconds = Measure.percentile(latencies, 0.99)
        return sample
    }

    static func askConcurrent(callers: Int, perCaller: Int) async -> Sample {
        let adder = Adder()
        var latencies: [Int64] = []
        var sample = await Measure.run {
            latencies = await withTaskGroup(of: [Int64].self) { group in
                for _ in 0..<callers {
                    group.addTask {
                        var local: [Int64] = []
                        for index in 0..<perCaller {
                            _ = await sampleLatency(index, into: &local) { await adder.increment(by: 1) }
                        }
                        return local
                    }
                }
                var all: [Int64] = []
                for await local in group { all += local }
                return all
            }
            let total = await adder.increment(by: 0)
            check(total == callers * perCaller, "native ask concurrent: \(total)")
        }
        sample.p50Nanoseconds = Measure.percentile(latencies, 0.5)
        sample.p99Nanoseconds = Measure.percentile(latencies, 0.99)
        return sample
    }

    static func fanout(actors: Int, messages: Int) async -> Sample {
        let sinks = (0..<actors).map { _ in Sink() }
        return await Measure.run {
            var continuations: [AsyncStream<Int>.Continuation] = []
            var consumers: [Task<Int, Never>] = []
            for sink in sinks {
                let (stream, continuation) = AsyncStream<Int>.makeStream()
                continuations.append(continuation)
                consumers.append(Task { await sink.consume(stream) })
            }
            var index = 0
            for value in 0..<messages {
                continuations[index].yield(value)
                index += 1
                if index == actors { index = 0 }
            }
            for continuation in continuations { continuation.finish() }
            var total = 0
            for consumer in consumers { total += await consumer.value }
            check(total == messages, "native fanout: \(total) != \(messages)")
        }
    }

    static func cpu(actors: Int, messages: Int, iterations: Int, expected: UInt64) async -> Sample {
        let crunchers = (0..<actors).map { _ in Cruncher(iterations: iterations) }
        return await Measure.run {
            var continuations: [AsyncStream<UInt64>.Continuation] = []
            var consumers: [Task<UInt64, Never>] = []
            for cruncher in crunchers {
                let (stream, continuation) = AsyncStream<UInt64>.makeStream()
                continuations.append(continuation)
                consumers.append(Task { await cruncher.consume(stream) })
            }
            for seed in 0..<messages { continuations[seed % actors].yield(UInt64(seed)) }
            for continuation in continuations { continuation.finish() }
            var result: UInt64 = 0
            for consumer in consumers { result &+= await consumer.value }
            check(result == expected, "native cpu: \(result) != \(expected)")
        }
    }

    static func spawn(actors: Int) async -> Sample {
        var refs: [Idle] = []
        refs.reserveCapacity(actors)
        let before = Measure.residentBytes()
        var sample = await Measure.run {
            for _ in 0..<actors { refs.append(Idle()) }
        }
        sample.extra["run_throughput"] = (Double(actors) / (Double(sample.elapsedNanoseconds) / 1e9)).rounded()
        sample.extra["bytes_per_actor"] = (Double(sample.rssBytes - before) / Double(actors) - 8).rounded()
        var answered = 0
        for ref in refs { answered += await ref.ping() }
        check(answered == actors, "native spawn: \(answered)")
        return sample
    }
}
