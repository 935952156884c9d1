// Remote benchmark: two nodes on 127.0.0.1 (in one process), over mutual TLS and over plaintext
// TCP, against raw swift-nio plaintext request-reply of the same frame size measured in the same
// run. Prints one JSON row per scenario and transport (medians of --runs, default 3).
//
//   swift run -c release --scratch-path .build-release troupe-remote-bench [--runs N] [--scale F]
//       [--transport tls|plaintext] [--only sequential,concurrent,tell] [--executor nio] [--no-baseline]
//       [--codec]
import Foundation
import NIOCore
import NIOPosix
import Troupe
import TroupeNIOTransport
import TroupeRemote

/// `--executor nio`: Swift concurrency's global executor becomes NIO's event loops (NIO's own
/// opt-in), so a task that asks a remote actor runs on the loop its replies arrive on. It must
/// be installed before any task runs, hence a flag for the whole process.
let nioExecutor = CommandLine.arguments.firstIndex(of: "--executor").map { CommandLine.arguments[$0 + 1] == "nio" } ?? false
if nioExecutor {
    guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
        fatalError("could not install NIO's event loops as the global executor")
    }
}

@Actor(codable: true)
struct BenchEcho {
    var received = 0
    @Handler func echo(_ value: Int) -> Int { value }
    @Handler mutating func tally(_ value: Int) { received += 1 }
    @Handler func told() -> Int { received }
}


func option(_ name: String, default value: Double) -> Double {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let parsed = Double(arguments[index + 1]) else { return value }
    return parsed
}

func stringOption(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let runs = Int(option("--runs", default: 3))
/// `--transport tls` or `plaintext`: measure only that one (for profiling). Default: both.
let transports = stringOption("--transport").map { [$0] } ?? ["tls", "plaintext"]
let scale = option("--scale", default: 1)
/// `--no-baseline`: skip the raw swift-nio runs (to profile Troupe alone; ratios print as nan).
let skipBaseline = CommandLine.arguments.contains("--no-baseline")
/// `--only sequential,concurrent,tell`: run only these scenarios. Default: all.
let only = Set((stringOption("--only") ?? "sequential,concurrent,tell").split(separator: ",").map(String.init))

func median(_ values: [Double]) -> Double {
    values.sorted()[values.count / 2]
}

func makeNode(_ name: String, security: TransportSecurity) async throws -> RemoteNode {
    var settings = ActorSystemSettings()
    settings.metricsInterval = nil
    settings.askTimeout = .seconds(60)
    let system = ActorSystem(name: name, settings: settings)
    let registry = RemoteRegistry()
    try registry.register(BenchEcho.self)
    var transportSettings = NIOTransport.Settings()
    // The tell scenario sends its 500k messages in one burst, faster than the socket drains them:
    // let the outbox hold them all rather than turn the excess into dead letters.
    transportSettings.outboundQueueLimit = 1_000_000
    let node = RemoteNode(
        system: system,
        transport: NIOTransport(address: NodeAddress(systemName: name, host: "127.0.0.1", port: 0), security: security, settings: transportSettings),
        registry: registry)
    try await node.start()
    return node
}

/// The frame size of one ask: what the raw echo sends.
let askFrameSize: Int = {
    let payload = (try? BinaryEncoder().encode(BenchEcho.Message.echo(12345))) ?? []
    let envelope = WireEnvelope(kind: .ask, recipient: "echo", messageType: MessageTypeID(name: "BenchEcho.Message"), correlationID: 12345, payload: payload)
    return 4 + envelope.serializedBytes().count
}()

func row(_ scenario: String, _ transport: String, _ troupe: Double, baseline: Double, baselineName: String, count: Int, taskFloor: Double? = nil) {
    let floor = taskFloor.map { ", \"raw_nio_task_askers\": \($0.isNaN ? 0 : Int($0))" } ?? ""
    print("{\"scenario\": \"\(scenario)\", \"transport\": \"\(transport)\", \"executor\": \"\(nioExecutor ? "nio" : "default")\", \"count\": \(count), \"throughput\": \(Int(troupe)), \"\(baselineName)\": \(baseline.isNaN ? 0 : Int(baseline)), \"ratio\": \(baseline.isNaN ? 0 : (troupe / baseline * 100).rounded() / 100)\(floor), \"frame_bytes\": \(askFrameSize)}")
}

/// `--codec`: nanoseconds per encode and per decode of one message with the binary codec, then exit.
if CommandLine.arguments.contains("--codec") {
    let message = BenchEcho.Message.tally(12345)
    let rounds = 1_000_000
    var start = ContinuousClock.now
    var bytes: [UInt8] = []
    for _ in 0..<rounds { bytes = try BinaryEncoder().encode(message) }
    let encode = seconds(ContinuousClock.now - start) / Double(rounds) * 1e9
    start = ContinuousClock.now
    var decoded = 0
    for _ in 0..<rounds {
        if case .tally(let value) = try BinaryDecoder().decode(BenchEcho.Message.self, from: bytes) { decoded &+= value }
    }
    let decode = seconds(ContinuousClock.now - start) / Double(rounds) * 1e9
    precondition(decoded == 12345 * rounds)
    // The same message through Foundation's JSON coders, for scale.
    let jsonRounds = rounds / 10
    start = ContinuousClock.now
    var json = Data()
    for _ in 0..<jsonRounds { json = try JSONEncoder().encode(message) }
    let jsonEncode = seconds(ContinuousClock.now - start) / Double(jsonRounds) * 1e9
    start = ContinuousClock.now
    for _ in 0..<jsonRounds {
        if case .tally(let value) = try JSONDecoder().decode(BenchEcho.Message.self, from: json) { decoded &+= value }
    }
    let jsonDecode = seconds(ContinuousClock.now - start) / Double(jsonRounds) * 1e9
    print("{\"scenario\": \"codec\", \"bytes\": \(bytes.count), \"encode_ns\": \(Int(encode)), \"decode_ns\": \(Int(decode)), \"json_bytes\": \(json.count), \"json_encode_ns\": \(Int(jsonEncode)), \"json_decode_ns\": \(Int(jsonDecode))}")
    exit(0)
}

let sequentialCount = Int(20_000 * scale)
let concurrentCount = Int(200_000 * scale)
let tellCount = Int(500_000 * scale)
let authority = try DevelopmentCertificateAuthority()

/// Runs the three scenarios between two fresh nodes; returns (sequential, concurrent, tell) rates.
func measure(_ security: (String) throws -> TransportSecurity) async throws -> (Double, Double, Double) {
    let a = try await makeNode("a", security: try security("a"))
    let b = try await makeNode("b", security: try security("b"))
    try b.system.spawn(BenchEcho(), name: "echo")
    let echo = try a.ref(BenchEcho.self, name: "echo", on: b.address)
    _ = try await echo.echo(1)  // connect both ways

    var sequential = 0.0, concurrent = 0.0, tell = 0.0
    if only.contains("sequential") {
        let start = ContinuousClock.now
        for value in 0..<sequentialCount { _ = try await echo.echo(value) }
        sequential = Double(sequentialCount) / seconds(ContinuousClock.now - start)
    }

    if only.contains("concurrent") {
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for asker in 0..<100 {
                group.addTask {
                    for value in 0..<(concurrentCount / 100) { _ = try await echo.echo(asker &+ value) }
                }
            }
            try await group.waitForAll()
        }
        concurrent = Double(concurrentCount) / seconds(ContinuousClock.now - start)
    }

    if only.contains("tell") {
        let before = try await echo.told()
        let start = ContinuousClock.now
        for value in 0..<tellCount { echo.tell(.tally(value)) }
        let after = try await echo.told()
        tell = Double(tellCount) / seconds(ContinuousClock.now - start)
        precondition(after - before == tellCount, "tell: \(after - before) of \(tellCount) arrived")
    }

    await a.close()
    await b.close()
    try await a.system.shutdown()
    try await b.system.shutdown()
    return (sequential, concurrent, tell)
}

var rawSequential: [Double] = []
var rawConcurrent: [Double] = []
var taskSequential: [Double] = []
var taskConcurrent: [Double] = []
var results: [String: [(Double, Double, Double)]] = [:]
for _ in 0..<runs {
    if skipBaseline {
        rawSequential.append(.nan)
        rawConcurrent.append(.nan)
        taskSequential.append(.nan)
        taskConcurrent.append(.nan)
    } else {
        rawSequential.append(try await RawEcho.run(frameSize: askFrameSize, inFlight: 1, roundTrips: sequentialCount))
        rawConcurrent.append(try await RawEcho.run(frameSize: askFrameSize, inFlight: 100, roundTrips: concurrentCount))
        taskSequential.append(try await RawTaskEcho.run(frameSize: askFrameSize, askers: 1, roundTrips: sequentialCount))
        taskConcurrent.append(try await RawTaskEcho.run(frameSize: askFrameSize, askers: 100, roundTrips: concurrentCount))
    }
    if transports.contains("tls") {
        results["tls", default: []].append(try await measure { .mutualTLS(try authority.issue(nodeName: $0)) })
    }
    if transports.contains("plaintext") {
        results["plaintext", default: []].append(try await measure { _ in .plaintext })
    }
}

for transport in transports {
    let samples = results[transport] ?? []
    if only.contains("sequential") {
        row("ask-sequential", transport, median(samples.map(\.0)), baseline: median(rawSequential), baselineName: "raw_nio_echo", count: sequentialCount, taskFloor: median(taskSequential))
    }
    if only.contains("concurrent") {
        row("ask-concurrent-100", transport, median(samples.map(\.1)), baseline: median(rawConcurrent), baselineName: "raw_nio_echo_100_in_flight", count: concurrentCount, taskFloor: median(taskConcurrent))
    }
    if only.contains("tell") {
        row("tell", transport, median(samples.map(\.2)), baseline: median(rawConcurrent), baselineName: "raw_nio_echo_100_in_flight", count: tellCount)
    }
}
