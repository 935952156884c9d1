/// CPU work that the optimiser cannot remove: a chain of multiply-xorshift steps whose result is
/// accumulated and checked against a serial run.
@inline(never)
func crunch(_ seed: UInt64, iterations: Int) -> UInt64 {
    var x = seed | 1
    for _ in 0..<iterations {
        x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        x ^= x >> 29
    }
    return x
}

/// Iterations of `crunch` that take about `target` on this machine.
func calibrateCrunch(target: Duration) -> Int {
    var iterations = 1_000
    while true {
        let start = ContinuousClock.now
        var sink: UInt64 = 0
        for seed in 0..<200 { sink &+= crunch(UInt64(seed), iterations: iterations) }
        let perCall = (ContinuousClock.now - start) / 200
        if sink == 42 { print("") }  // keeps `sink` alive
        if perCall >= target / 2 || iterations > 10_000_000 {
            let scale = Double(Measure.nanoseconds(target)) / Double(max(1, Measure.nanoseconds(perCall)))
            return max(1, Int(Double(iterations) * scale))
        }
        iterations *= 4
    }
}
