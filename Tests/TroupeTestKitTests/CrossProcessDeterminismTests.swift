#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import Troupe
import TroupeTestKit

/// Runs the relay scenario under seed 2026 and prints its trace between markers: the body of the
/// exit tests below, each of which runs in a process of its own (with its own `Hasher` seed).
func printRelayTrace() async {
    let simulation = Simulation(seed: 2026)
    do {
        let sum = try await simulation.run { try await relayScenario(simulation) }
        print("TRACE-BEGIN sum=\(sum)")
        print(simulation.trace.description)
        print("TRACE-END")
    } catch {
        print("TRACE-FAILED \(error)")
    }
    print("PID \(getpid())")
    fflush(nil)
}

/// The process id a child printed.
func childPID(_ output: [UInt8]) -> String? {
    String(decoding: output, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("PID ") }.map(String.init)
}

/// The text between the markers in a child process's output.
func traceSection(_ output: [UInt8]) -> String? {
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
    guard let start = lines.firstIndex(where: { $0.hasPrefix("TRACE-BEGIN") }),
          let end = lines.firstIndex(where: { $0 == "TRACE-END" }), start < end else { return nil }
    return lines[start...end].joined(separator: "\n")
}

@Suite("Determinism across processes")
struct CrossProcessDeterminismTests {
    @Test("two processes running one seed print identical traces")
    func identicalTraces() async throws {
        let first = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            await printRelayTrace()
        }
        let second = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            await printRelayTrace()
        }
        let a = try #require(first.flatMap { traceSection($0.standardOutputContent) })
        let b = try #require(second.flatMap { traceSection($0.standardOutputContent) })
        #expect(a.split(separator: "\n").count > 50)
        #expect(a == b)
        // Really two other processes.
        let pids = [first, second].compactMap { $0.flatMap { childPID($0.standardOutputContent) } }
        #expect(Set(pids).count == 2)
        #expect(!pids.contains("PID \(getpid())"))
    }
}
