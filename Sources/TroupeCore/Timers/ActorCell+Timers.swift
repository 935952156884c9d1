extension ActorCell {
    /// Starts (or replaces) the timer `key`: after `delay`, and then every `interval` if given, the
    /// actor handles `message`. Timer messages are delivered through the system queue, so a
    /// cancelled timer never delivers late.
    final func startTimer(key: TimerKey, message: A.Message, delay: Duration, interval: Duration?) {
        let extras = ensureExtras
        extras.timers[key]?.handle.cancel()
        extras.timerGeneration &+= 1
        let generation = extras.timerGeneration
        let deadline = system.clock.now + delay
        let timerHandle = system.clock.schedule(at: deadline) { [self] in
            sendSystem(.timerFired(key: key, generation: generation))
        }
        extras.timers[key] = ActiveTimer(
            generation: generation, handle: timerHandle,
            deliver: { [self] in handle(Envelope(message, reply: nil)) },
            interval: interval, deadline: deadline)
    }

    /// Cancels the timer `key`, if running.
    final func cancelTimer(key: TimerKey) {
        extras?.timers.removeValue(forKey: key)?.handle.cancel()
    }

    /// Cancels every timer.
    final func cancelAllTimers() {
        guard let extras, !extras.timers.isEmpty else { return }
        for (_, timer) in extras.timers { timer.handle.cancel() }
        extras.timers.removeAll()
    }

    /// Whether the timer `key` is running.
    final func isTimerActive(key: TimerKey) -> Bool {
        extras?.timers[key] != nil
    }

    /// A timer fired: deliver its message unless it was cancelled or replaced meanwhile.
    final func fireTimer(key: TimerKey, generation: UInt64) -> HandleOutcome {
        guard lifecycle == .running, let timer = extras?.timers[key], timer.generation == generation else { return .next }
        if let interval = timer.interval {
            let deadline = timer.deadline + interval
            let timerHandle = system.clock.schedule(at: deadline) { [self] in
                sendSystem(.timerFired(key: key, generation: generation))
            }
            extras?.timers[key] = ActiveTimer(
                generation: generation, handle: timerHandle, deliver: timer.deliver, interval: interval, deadline: deadline)
        } else {
            extras?.timers.removeValue(forKey: key)
        }
        return timer.deliver()
    }
}
