#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one scenario under many seeds, each in a fresh ``Simulation``, and reports the seeds that
/// failed, so that a rare interleaving found once can be replayed exactly.
///
/// ```swift
/// let report = await SeedSweep(seeds: 0..<200).run { simulation in
///     let system = try simulation.makeSystem()
///     ...
/// }
/// try report.check()   // throws, listing failing seeds and how to replay them
/// let trace = try await SeedSweep.replay(seed: 17) { simulation in ... }
/// ```
///
/// Setting the environment variable `TROUPE_SEED` (e.g. `TROUPE_SEED=17 swift test --filter ...`)
/// makes every sweep run that one seed only: the replay of a failure from CI.
public struct SeedSweep: Sendable {
    /// The seeds to run, in order.
    public let seeds: [UInt64]
    /// The settings of each simulation.
    public let settings: SimulationSettings

    /// A sweep over `seeds`, or over `TROUPE_SEED` alone when that is set and
    /// `honorsEnvironment` is `true` (the default).
    public init(seeds: some Sequence<UInt64>, settings: SimulationSettings = .init(), honorsEnvironment: Bool = true) {
        if honorsEnvironment, let pinned = SeedSweep.environmentSeed {
            self.seeds = [pinned]
        } else {
            self.seeds = Array(seeds)
        }
        self.settings = settings
    }

    /// Runs `scenario` once per seed, one after the other, and reports every failure: a thrown
    /// error, a failed expectation, a stall or a limit. Never throws itself.
    public func run(_ scenario: @escaping @Sendable (Simulation) async throws -> Void) async -> SeedSweepReport {
        var failures: [SeedSweepReport.Failure] = []
        for seed in seeds {
            let simulation = Simulation(seed: seed, settings: settings)
            do {
                try await simulation.run { try await scenario(simulation) }
            } catch {
                failures.append(.init(seed: seed, error: "\(error)", traceTail: simulation.trace.tail(20)))
            }
        }
        return SeedSweepReport(seedsRun: seeds.count, failures: failures)
    }

    /// Runs `scenario` under `seed` alone and returns its trace; rethrows its failure. The same
    /// seed gives the same trace as in the sweep that found it.
    @discardableResult
    public static func replay(
        seed: UInt64, settings: SimulationSettings = .init(), _ scenario: @escaping @Sendable (Simulation) async throws -> Void
    ) async throws -> SimulationTrace {
        let simulation = Simulation(seed: seed, settings: settings)
        try await simulation.run { try await scenario(simulation) }
        return simulation.trace
    }

    /// The seed in `TROUPE_SEED`, if it is set to an unsigned integer.
    public static var environmentSeed: UInt64? {
        guard let raw = getenv("TROUPE_SEED") else { return nil }
        return UInt64(String(cString: raw))
    }
}

/// What a ``SeedSweep`` found.
public struct SeedSweepReport: Sendable, CustomStringConvertible {
    /// One failing seed.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The seed that failed.
        public let seed: UInt64
        /// The error it failed with.
        public let error: String
        /// The last steps of its trace.
        public let traceTail: String

        public var description: String {
            "seed \(seed): \(error)\n  replay: TROUPE_SEED=\(seed) swift test --filter <test>, or SeedSweep.replay(seed: \(seed))"
        }
    }

    /// How many seeds ran.
    public let seedsRun: Int
    /// The seeds that failed, in the order they ran.
    public let failures: [Failure]

    /// The failing seeds.
    public var failingSeeds: [UInt64] { failures.map(\.seed) }

    /// Whether every seed passed.
    public var passed: Bool { failures.isEmpty }

    public var description: String {
        guard !failures.isEmpty else { return "\(seedsRun) seeds, all passed" }
        let seeds = failingSeeds.map(String.init).joined(separator: ", ")
        let details = failures.map(\.description).joined(separator: "\n")
        return "\(seedsRun) seeds, \(failures.count) failed: \(seeds)\n\(details)"
    }

    /// Throws a ``TestKitError`` listing the failing seeds, if any failed.
    public func check(fileID: String = #fileID, line: Int = #line) throws {
        guard !passed else { return }
        throw TestKitError(.seedsFailed, description, fileID: fileID, line: line)
    }
}
