import CTroupeBench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One measured run of one scenario on one runtime.
struct Sample {
    var elapsedNanoseconds: Int64
    var p50Nanoseconds: Int64? = nil
    var p99Nanoseconds: Int64? = nil
    var rssBytes: Int
    var extra: [String: Double] = [:]
}

/// The row printed for a scenario and runtime: the median of its runs.
struct Row {
    let runtime: String
    let scenario: String
    let messages: Int
    let sample: Sample

    var throughput: Double {
        Double(messages) / (Double(sample.elapsedNanoseconds) / 1e9)
    }

    var json: String {
        var fields: [String] = [
            "\"runtime\": \"\(runtime)\"",
            "\"scenario\": \"\(scenario)\"",
            "\"messages\": \(messages)",
            "\"elapsed_ns\": \(sample.elapsedNanoseconds)",
            "\"throughput\": \(Int(throughput))",
            "\"rss\": \(sample.rssBytes)",
        ]
        if let p50 = sample.p50Nanoseconds { fields.append("\"p50_ns\": \(p50)") }
        if let p99 = sample.p99Nanoseconds { fields.append("\"p99_ns\": \(p99)") }
        for (key, value) in sample.extra.sorted(by: { $0.key < $1.key }) {
            fields.append("\"\(key)\": \(value)")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

enum Measure {
    static let clock = ContinuousClock()

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Times `body` and reports its elapsed time and the resident set size afterwards.
    static func run(_ body: () async throws -> Void) async rethrows -> Sample {
        let start = clock.now
        try await body()
        let elapsed = clock.now - start
        return Sample(elapsedNanoseconds: nanoseconds(elapsed), rssBytes: residentBytes())
    }

    /// The process's resident set size in bytes (Linux: /proc/self/statm), optionally after
    /// returning free heap memory to the system first (malloc_trim).
    static func residentBytes(trim: Bool = false) -> Int {
        if trim { troupe_bench_trim() }
        #if os(Linux)
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard fscanf_pair(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return 0
        #endif
    }

    /// The 1-minute load average.
    static func loadAverage() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        let count = getloadavg(&loads, 3)
        return count > 0 ? loads[0] : -1
    }

    static func median(_ samples: [Sample]) -> Sample {
        samples.sorted { $0.elapsedNanoseconds < $1.elapsedNanoseconds }[samples.count / 2]
    }

    static func percentile(_ values: [Int64], _ fraction: Double) -> Int64 {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }
}

#if os(Linux)
/// Reads the first two integers of /proc/self/statm without varargs `fscanf`.
private func fscanf_pair(_ file: UnsafeMutablePointer<FILE>, _ first: inout Int, _ second: inout Int) -> Bool {
    var buffer = [CChar](repeating: 0, count: 128)
    guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
    let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let parts = text.split(separator: " ")
    guard parts.count >= 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return false }
    first = a
    second = b
    return true
}
#endif

/// Runs `body`, timing it when `index` is a multiple of 100 (timing every call would cost two
/// clock reads per message and distort the rate being measured).
@inline(__always)
func sampleLatency<T>(_ index: Int, into latencies: inout [Int64], _ body: () async throws -> T) async rethrows -> T {
    guard index % 100 == 0 else { return try await body() }
    let start = Measure.clock.now
    let result = try await body()
    latencies.append(Measure.nanoseconds(Measure.clock.now - start))
    return result
}

/// Fails the benchmark loudly when a scenario's final check does not hold.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        writeStandardError("CHECK FAILED: \(message())\n")
        exit(1)
    }
}

/// Writes `text` to standard error (file descriptor 2).
func writeStandardError(_ text: String) {
    var text = text
    text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
}
