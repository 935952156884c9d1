import CTroupeBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// troupe-bench: Troupe against Swift's native `actor`, measured in the same run.
// Build and run in release, in its own scratch path:
//   swift run -c release --scratch-path .build-release troupe-bench [--runs 3] [--scale 1.0] [--only tell,ask]
// Prints one JSON row per runtime and scenario (medians of the runs), then a summary row.

struct Options {
    var runs = 3
    var scale = 1.0
    var only: Set<String>? = nil
    var troupeOnly = false

    init(arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--runs": runs = Int(iterator.next() ?? "") ?? runs
            case "--scale": scale = Double(iterator.next() ?? "") ?? scale
            case "--only": only = Set((iterator.next() ?? "").split(separator: ",").map(String.init))
            case "--troupe-only": troupeOnly = true
            default:
                writeStandardError("usage: troupe-bench [--runs N] [--scale F] [--only tell,ask-sequential,ask-concurrent,fanout,cpu,spawn] [--troupe-only]\n")
                exit(2)
            }
        }
    }

    func count(_ base: Int) -> Int { max(1, Int(Double(base) * scale)) }
    func wants(_ scenario: String) -> Bool { only?.contains(scenario) ?? true }
}

let options = Options(arguments: CommandLine.arguments)
var rows: [Row] = []

@MainActor
func emit(_ row: Row) {
    rows.append(row)
    print(row.json)
}

/// Runs `body` `runs` times off the main actor (as the issue asks: callers are tasks, not the
/// main actor) and returns the median run.
func median(_ runs: Int, _ body: @escaping @Sendable () async throws -> Sample) async throws -> Sample {
    var samples: [Sample] = []
    for _ in 0..<runs { samples.append(try await Task.detached { try await body() }.value) }
    var result = Measure.median(samples)
    // Memory per actor is only visible in the run that grew the heap (the first); later runs
    // reuse the memory the earlier ones freed. Report the largest, and the first run's rate.
    if let bytes = samples.compactMap({ $0.extra["bytes_per_actor"] }).max() {
        result.extra["bytes_per_actor"] = bytes
        result.extra["first_run_throughput"] = samples[0].extra["run_throughput"] ?? 0
        result.extra["run_throughput"] = nil
    }
    return result
}

/// Runs `body` `runs` times off the main actor and returns the fastest run.
func best(_ runs: Int, _ body: @escaping @Sendable () async throws -> Sample) async throws -> Sample {
    var samples: [Sample] = []
    for _ in 0..<runs { samples.append(try await Task.detached { try await body() }.value) }
    return samples.min { $0.elapsedNanoseconds < $1.elapsedNanoseconds }!
}

@MainActor
func throughput(_ runtime: String, _ scenario: String) -> Double? {
    rows.first { $0.runtime == runtime && $0.scenario == scenario }?.throughput
}

@MainActor
func runAll() async throws {
    let runs = options.runs
    // Spawn first, in a fresh heap, so that its first run shows the memory an actor really takes.
    if options.wants("spawn") {
        let n = options.count(1_000_000)
        emit(Row(runtime: "troupe", scenario: "spawn", messages: n, sample: try await median(runs) { try await TroupeScenarios.spawn(actors: n) }))
        if !options.troupeOnly { emit(Row(runtime: "native", scenario: "spawn", messages: n, sample: try await median(runs) { await NativeScenarios.spawn(actors: n) })) }
    }
    if options.wants("tell") {
        let n = options.count(5_000_000)
        emit(Row(runtime: "troupe", scenario: "tell", messages: n, sample: try await median(runs) { try await TroupeScenarios.tell(messages: n) }))
        if !options.troupeOnly { emit(Row(runtime: "native-stream", scenario: "tell", messages: n, sample: try await median(runs) { await NativeScenarios.tellStream(messages: n) })) }
    }
    if options.wants("ask-sequential") {
        let n = options.count(1_000_000)
        emit(Row(runtime: "troupe", scenario: "ask-sequential", messages: n, sample: try await median(runs) { try await TroupeScenarios.askSequential(messages: n) }))
        if !options.troupeOnly { emit(Row(runtime: "native", scenario: "ask-sequential", messages: n, sample: try await median(runs) { await NativeScenarios.askSequential(messages: n) })) }
    }
    if options.wants("ask-concurrent") {
        let callers = 1_000
        let perCaller = options.count(1_000)
        let n = callers * perCaller
        emit(Row(runtime: "troupe", scenario: "ask-concurrent", messages: n, sample: try await median(runs) { try await TroupeScenarios.askConcurrent(callers: callers, perCaller: perCaller) }))
        if !options.troupeOnly { emit(Row(runtime: "native", scenario: "ask-concurrent", messages: n, sample: try await median(runs) { await NativeScenarios.askConcurrent(callers: callers, perCaller: perCaller) })) }
    }
    if options.wants("fanout") {
        let n = options.count(5_000_000)
        emit(Row(runtime: "troupe", scenario: "fanout", messages: n, sample: try await median(runs) { try await TroupeScenarios.fanout(actors: 1_000, messages: n) }))
        if !options.troupeOnly { emit(Row(runtime: "native-stream", scenario: "fanout", messages: n, sample: try await median(runs) { await NativeScenarios.fanout(actors: 1_000, messages: n) })) }
    }
    if options.wants("cpu") {
        let n = options.count(10_000)
        let iterations = calibrateCrunch(target: .microseconds(10))
        let serialStart = Measure.clock.now
        var expected: UInt64 = 0
        for seed in 0..<n { expected &+= crunch(UInt64(seed), iterations: iterations) }
        let serial = Measure.nanoseconds(Measure.clock.now - serialStart)
        let total = expected
        emit(Row(runtime: "serial", scenario: "cpu", messages: n, sample: Sample(elapsedNanoseconds: serial, rssBytes: Measure.residentBytes(), extra: ["iterations": Double(iterations)])))
        var troupe = try await best(max(5, runs)) { try await TroupeScenarios.cpu(actors: 8, messages: n, iterations: iterations, expected: total) }
        troupe.extra["speedup"] = (Double(serial) / Double(troupe.elapsedNanoseconds) * 100).rounded() / 100
        troupe.extra["load"] = Measure.loadAverage()
        emit(Row(runtime: "troupe", scenario: "cpu", messages: n, sample: troupe))
        var native = try await best(max(5, runs)) { await NativeScenarios.cpu(actors: 8, messages: n, iterations: iterations, expected: total) }
        native.extra["speedup"] = (Double(serial) / Double(native.elapsedNanoseconds) * 100).rounded() / 100
        native.extra["load"] = Measure.loadAverage()
        if !options.troupeOnly { emit(Row(runtime: "native-stream", scenario: "cpu", messages: n, sample: native)) }
    }
    if options.wants("tell"), !options.troupeOnly {
        // Last: five million pending tasks take gigabytes that the process keeps afterwards.
        let n = options.count(5_000_000)
        emit(Row(runtime: "native-task", scenario: "tell", messages: n, sample: try await median(runs) { await NativeScenarios.tellTasks(messages: n) }))
    }
}

do {
    try await runAll()
} catch {
    writeStandardError("benchmark failed: \(error)\n")
    exit(1)
}

@MainActor
func ratio(_ scenario: String, _ baseline: String) -> String {
    guard let ours = throughput("troupe", scenario), let theirs = throughput(baseline, scenario) else { return "n/a" }
    return "\((ours / theirs * 10).rounded() / 10)x"
}

@MainActor
func rate(_ scenario: String) -> String {
    guard let ours = throughput("troupe", scenario) else { return "n/a" }
    return "\((ours / 1e5).rounded() / 10)M/s"
}

let speedup = rows.first { $0.runtime == "troupe" && $0.scenario == "cpu" }?.sample.extra["speedup"].map { "\($0)" } ?? "n/a"
let bytes = rows.first { $0.runtime == "troupe" && $0.scenario == "spawn" }?.sample.extra["bytes_per_actor"].map { "\(Int($0))" } ?? "n/a"
let summary = "tell \(rate("tell")) (\(ratio("tell", "native-stream")) native stream, \(ratio("tell", "native-task")) native task); "
    + "ask seq \(rate("ask-sequential")) (\(ratio("ask-sequential", "native"))); "
    + "ask conc \(rate("ask-concurrent")) (\(ratio("ask-concurrent", "native"))); "
    + "fanout \(rate("fanout")) (\(ratio("fanout", "native-stream"))); "
    + "cpu speedup \(speedup); spawn \(rate("spawn")) actors/s, \(bytes) B/actor; load \(Measure.loadAverage())"
// How fast the machine itself is in this run: absolute rates move with it from day to day.
let mutexNanoseconds = (troupe_bench_mutex_ns(20_000_000) * 100).rounded() / 100
let pageFaultMicroseconds = (troupe_bench_page_fault_us(20_000) * 100).rounded() / 100
print("{\"summary\": \"\(summary)\", \"load_average\": \(Measure.loadAverage()), \"machine_mutex_ns\": \(mutexNanoseconds), \"machine_page_fault_us\": \(pageFaultMicroseconds)}")
