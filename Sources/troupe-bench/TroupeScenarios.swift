import Troupe
#if canImport(Glibc)
import Glibc
#endif

/// The scenarios on Troupe actors, written as a user would.
enum TroupeScenarios {
    static func makeSystem() -> ActorSystem {
        var settings = ActorSystemSettings()
        settings.metricsInterval = nil
        if let threads = getenv("TROUPE_THREADS").flatMap({ Int(String(cString: $0)) }) {
            settings.dispatcherThreads = threads
        }
        if let turns = getenv("TROUPE_LINGER_TURNS").flatMap({ Int(String(cString: $0)) }) {
            settings.lingerTurns = turns
        }
        return ActorSystem(name: "bench", settings: settings)
    }

    static func tell(messages: Int) async throws -> Sample {
        let system = makeSystem()
        let sink = try system.spawn(Sink())
        let sample = try await Measure.run {
            for value in 0..<messages { sink.tell(.add(value)) }
            let total = try await sink.total()
            check(total == messages, "tell: \(total) != \(messages)")
        }
        try await system.shutdown()
        return sample
    }

    static func askSequential(messages: Int) async throws -> Sample {
        let system = makeSystem()
        let adder = try system.spawn(Adder())
        var latencies: [Int64] = []
        latencies.reserveCapacity(messages / 100 + 1)
        var sample = try await Measure.run {
            var last = 0
            for index in 0..<messages {
                last = try await sampleLatency(index, into: &latencies) { try await adder.increment(by: 1) }
            }
            check(last == messages, "ask sequential: \(last) != \(messages)")
        }
        sample.p50Nanoseconds = Measure.percentile(latencies, 0.5)
        sample.p99Nanoseconds = Measure.percentile(latencies, 0.99)
        try await system.shutdown()
        return sample
    }

    static func askConcurrent(callers: Int, perCaller: Int) async throws -> Sample {
        let system = makeSystem()
        let adder = try system.spawn(Adder())
        var latencies: [Int64] = []
        var sample = try await Measure.run {
            latencies = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for _ in 0..<callers {
                    group.addTask {
                        var local: [Int64] = []
                        for index in 0..<perCaller {
                            _ = try await sampleLatency(index, into: &local) { try await adder.increment(by: 1) }
                        }
                        return local
                    }
                }
                var all: [Int64] = []
                for try await local in group { all += local }
                return all
            }
            let total = try await adder.increment(by: 0)
            check(total == callers * perCaller, "ask concurrent: \(total) != \(callers * perCaller)")
        }
        sample.p50Nanoseconds = Measure.percentile(latencies, 0.5)
        sample.p99Nanoseconds = Measure.percentile(latencies, 0.99)
        try await system.shutdown()
        return sample
    }

    static func fanout(actors: Int, messages: Int) async throws -> Sample {
        let system = makeSystem()
        let sinks = try (0..<actors).map { _ in try system.spawn(Sink()) }
        let sample = try await Measure.run {
            var index = 0
            for value in 0..<messages {
                sinks[index].tell(.add(value))
                index += 1
                if index == actors { index = 0 }
            }
            var total = 0
            for sink in sinks { total += try await sink.total() }
            check(total == messages, "fanout: \(total) != \(messages)")
        }
        try await system.shutdown()
        return sample
    }

    static func cpu(actors: Int, messages: Int, iterations: Int, expected: UInt64) async throws -> Sample {
        let system = makeSystem()
        let crunchers = try (0..<actors).map { _ in try system.spawn(Cruncher(iterations: iterations)) }
        let sample = try await Measure.run {
            for seed in 0..<messages {
                crunchers[seed % actors].tell(.crunchSeed(UInt64(seed)))
            }
            var result: UInt64 = 0
            for cruncher in crunchers { result &+= try await cruncher.result() }
            check(result == expected, "cpu: result \(result) != serial \(expected)")
        }
        try await system.shutdown()
        return sample
    }

    static func spawn(actors: Int) async throws -> Sample {
        let system = makeSystem()
        var refs: [ActorRef<Idle>] = []
        refs.reserveCapacity(actors)
        let before = Measure.residentBytes()
        var sample = try await Measure.run {
            for _ in 0..<actors { refs.append(try system.spawn(Idle())) }
        }
        sample.extra["run_throughput"] = (Double(actors) / (Double(sample.elapsedNanoseconds) / 1e9)).rounded()
        // The refs array was reserved before, but its pages become resident while it fills:
        // 8 bytes per actor come off the RSS delta.
        let bytesPerActor = Double(sample.rssBytes - before) / Double(actors) - 8
        var answered = 0
        for ref in refs { answered += try await ref.ping() }
        check(answered == actors, "spawn: \(answered) of \(actors) answered")
        sample.extra["bytes_per_actor"] = bytesPerActor.rounded()
        refs.removeAll()
        try await system.shutdown()
        return sample
    }
}
