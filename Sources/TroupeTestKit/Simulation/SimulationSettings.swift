/// Settings of a ``Simulation``. Every field has a documented default.
public struct SimulationSettings: Sendable {
    /// How far virtual time may advance in one ``Simulation/run(_:)`` before it fails with
    /// ``TestKitError/Code/timeLimitExceeded``. Default: one hour.
    public var timeLimit: Duration = .seconds(3600)
    /// How many steps (turns and task steps) one run may take before it fails with
    /// ``TestKitError/Code/stepLimitExceeded``: a livelock guard. Default: 10 million.
    public var stepLimit: Int = 10_000_000
    /// Messages an actor handles per turn in the simulation's systems. Default: 4, lower than a real
    /// system's 100, so that turns of different actors interleave more.
    public var throughput: Int = 4
    /// How long (real time) a run waits for work to arrive from outside the simulation (a Swift
    /// actor, `Task.sleep`) when nothing inside can run and no timer is pending, before it fails
    /// with ``TestKitError/Code/stalled``. A deadlock detector, not part of any result. Default: 5 s.
    public var stallTimeout: Duration = .seconds(5)
    /// Whether every step is recorded in ``Simulation/trace``. Default: `true`.
    public var recordsTrace = true

    /// Creates the default settings.
    public init() {}
}
