import Troupe

// swift run troupe-demo: the model at work in a few seconds.

@Actor
struct Counter {
    var count = 0
    @Handler mutating func increment(by amount: Int) -> Int { count += amount; return count }
    @Handler func current() -> Int { count }
}

/// A job that fails when it meets corrupt input.
struct CorruptInput: Error, CustomStringConvertible {
    let job: Int
    var description: String { "corrupt input in job \(job)" }
}

/// A worker: processes jobs, and throws on a corrupt one, which makes its supervisor restart it.
@Actor
struct Worker {
    let number: Int
    let trace: Trace
    var processed = 0

    @Handler mutating func process(job: Int, corrupt: Bool) throws -> String {
        if corrupt {
            trace.log("worker-\(number) job \(job): FAILED (\(CorruptInput(job: job))); jobs done so far: \(processed)")
            throw CorruptInput(job: job)
        }
        processed += 1
        return "job \(job) done by worker-\(number) (its job #\(processed))"
    }

    mutating func preStart(context: ActorContext<Worker>) throws {
        trace.log("worker-\(number) started (\(context.path))")
    }

    mutating func preRestart(error: any Error, context: ActorContext<Worker>) {
        trace.log("worker-\(number) restarting: its state (jobs done: \(processed)) starts fresh, its ref stays valid")
    }
}

/// Spawns the workers as its children and registers them under a reception key.
@Actor
struct Pool {
    static let workers = ReceptionKey<Worker>("workers")
    let size: Int
    let trace: Trace

    mutating func preStart(context: ActorContext<Pool>) throws {
        let trace = self.trace
        for number in 1...size {
            let worker = try context.spawn(
                Worker(number: number, trace: trace), name: "worker-\(number)",
                options: SpawnOptions(supervision: .restart(maxRestarts: 3, within: .seconds(10))))
            try context.system.receptionist.register(worker, key: Pool.workers)
        }
    }

    @Handler func workerCount() -> Int { size }
}

/// Prints numbered trace lines with the time since start.
final class Trace: Sendable {
    private let start = ContinuousClock.now
    func log(_ line: String) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds * 1_000) + Double(elapsed.components.attoseconds) / 1e15
        print("  [\(String(format3(milliseconds))) ms] \(line)")
    }
}

func format3(_ value: Double) -> String {
    let scaled = Int((value * 10).rounded())
    let text = "\(scaled / 10).\(scaled % 10)"
    return String(repeating: " ", count: max(0, 7 - text.count)) + text
}

let trace = Trace()
let system = ActorSystem(name: "demo")

print("Troupe demo: actors are units of state that talk only by messages.\n")
print("1. The README example: a counter, asked and told, found again by name")
let counter = try system.spawn(Counter(), name: "counter/main")
trace.log("spawned \(counter)")
let five = try await counter.increment(by: 5)
trace.log("ask  counter.increment(by: 5) -> \(five)")
counter.tell(.increment(by: 1))
trace.log("tell counter.tell(.increment(by: 1))   (fire and forget)")
let found = try await system.lookup(Counter.self, name: "counter/main")
let six = try await found.current()
trace.log("lookup \"counter/main\", ask current() -> \(six)")

print("\n2. A supervised pool: 4 workers behind a round-robin router; job 7 is corrupt")
let restarts = system.eventStream.subscribe(to: ActorRestarted.self)
let pool = try system.spawn(Pool(size: 4, trace: trace), name: "pool")
_ = try await pool.workerCount()
let router = Router(system: system, key: Pool.workers, strategy: .roundRobin)
var succeeded = 0
var failed = 0
for job in 1...12 {
    guard let worker = router.next() else { break }
    do {
        let result = try await worker.process(job: job, corrupt: job == 7)
        succeeded += 1
        if job % 3 == 0 || job == 8 { trace.log(result) }
    } catch {
        failed += 1
        trace.log("the asker of job \(job) got the handler's error: \(error)")
        let retry = try await worker.process(job: job, corrupt: false)
        trace.log("retried on the same ref: \(retry)")
    }
}
for await restart in restarts {
    trace.log("event stream: \(restart)")
    break
}
trace.log("\(succeeded) jobs succeeded, \(failed) failed and was retried after the restart")

print("\n3. Message rate: one sender telling one actor")
let rateCounter = try system.spawn(Counter())
let messages = 2_000_000
let start = ContinuousClock.now
for _ in 0..<messages { rateCounter.tell(.increment(by: 1)) }
let total = try await rateCounter.current()
let seconds = Double((ContinuousClock.now - start).components.attoseconds) / 1e18 + Double((ContinuousClock.now - start).components.seconds)
trace.log("\(total) messages handled in \(format3(seconds * 1000).trimmingPrefixSpaces) ms: \(Int(Double(total) / seconds / 1_000)) thousand msg/s (debug builds are ~10x slower than release)")

print("\n4. Shutdown: coordinated phases, then every actor stops (children first)")
system.coordinatedShutdown.addTask(in: .serviceStop, name: "say goodbye") {
    trace.log("coordinated shutdown: phase service-stop ran")
}
try await system.shutdown()
trace.log("system terminated; live actors: \(system.liveActorCount); dead letters: \(system.deadLetters.count)")

extension String {
    var trimmingPrefixSpaces: String { String(drop { $0 == " " }) }
}
