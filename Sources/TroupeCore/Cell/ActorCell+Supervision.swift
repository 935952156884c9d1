import Logging

extension ActorCell {
    /// Applies the supervision strategy to a failure. Returns whether the current turn may go on
    /// handling messages (after `resume`, or an immediate restart).
    @usableFromInline
    final func handleFailure(_ error: any Error) -> Bool {
        guard lifecycle == .running else { return false }
        let strategy = props.supervision
        let directive = strategy.decide(error)
        logger.debug("handler failed", metadata: ["error": "\(error)", "supervision.directive": "\(directive)"])
        switch directive.kind {
        case .resume:
            return true
        case .stop:
            beginStop(TerminationReason(.failed, error: error))
            return false
        case .escalate:
            if let parent {
                parent.sendSystem(.escalated(child: label, error: error))
            } else {
                logger.warning("top-level actor escalated a failure; stopping it", metadata: ["error": "\(error)"])
            }
            beginStop(TerminationReason(.failed, error: error))
            return false
        case .restart:
            if strategy.restartPolicy == .temporary {
                beginStop(TerminationReason(.failed, error: error))
                return false
            }
            return restart(after: error)
        }
    }

    /// Restarts within the strategy's limit, after its backoff. Returns whether the turn may go on.
    final func restart(after error: any Error) -> Bool {
        let strategy = props.supervision
        let now = system.clock.now
        let extras = ensureExtras
        guard extras.restarts.record(at: now, limit: strategy.maxRestarts, within: strategy.window) else {
            logger.debug("restart limit exceeded", metadata: ["supervision.max_restarts": "\(strategy.maxRestarts)"])
            beginStop(TerminationReason(.restartLimitExceeded, error: error))
            return false
        }
        system.metrics.restarted()
        system.eventStream.publish(ActorRestarted(id: id, name: name, path: path, error: error))
        if actor != nil {
            actor!.preRestart(error: error, context: context)
        }
        cancelAllTimers()
        for child in extras.sortedChildren {
            child.sendSystem(.stop(.stopped))
        }
        unstashAll()
        let delay = strategy.backoff?.delay(attempt: extras.restarts.count - 1, random: system.random) ?? .zero
        if delay > .zero {
            mutex.withLock { lifecycle = .suspended }
            system.clock.schedule(after: delay) { [self] in
                sendSystem(.restartAfterBackoff)
            }
            return false
        }
        return recreate()
    }

    /// Replaces the instance with a fresh one from the factory and runs its `preStart`.
    final func recreate() -> Bool {
        do {
            actor = try factory()
            try actor!.preStart(context: context)
            logger.debug("actor restarted")
        } catch {
            return handleFailure(error)
        }
        return deliverDeferredSignals()
    }

    /// Delivers the signals that arrived during a restart backoff to the fresh instance.
    final func deliverDeferredSignals() -> Bool {
        guard let extras, !extras.deferredSignals.isEmpty else { return true }
        let signals = extras.deferredSignals
        extras.deferredSignals = []
        for signal in signals {
            do {
                try actor!.receiveSignal(signal, context: context)
            } catch {
                if !handleFailure(error) { return false }
            }
        }
        return true
    }
}
