import DequeModule
import Logging

extension ActorCell {
    /// Handles one system message during a turn. Returns `false` if the turn must end without
    /// touching the cell: it terminated (and is never scheduled again), or an async handler took
    /// over the turn.
    @usableFromInline
    final func handleSystemMessage(_ message: SystemMessage) -> Bool {
        switch message {
        case .stop(let reason):
            beginStop(reason)
        case .selfStop:
            if props.supervision.restartPolicy == .permanent, lifecycle == .running {
                _ = restart(after: ActorError(.actorStopped, "\(label) stopped itself; permanent actors are restarted"))
            } else {
                beginStop(.stopped)
            }
        case .restartAfterBackoff:
            guard lifecycle == .suspended else { break }
            mutex.withLock { lifecycle = .running }
            _ = recreate()
        case .terminated(let terminated):
            extras?.watching.removeAll { $0.0.id == terminated.id }
            if lifecycle == .suspended {
                // Waiting out a restart backoff: the fresh instance gets the signal.
                ensureExtras.deferredSignals.append(.terminated(terminated))
                break
            }
            guard lifecycle == .running, actor != nil else { break }
            do {
                try actor!.receiveSignal(.terminated(terminated), context: context)
            } catch {
                _ = handleFailure(error)
            }
        case .childTerminated(let child):
            extras?.children.removeValue(forKey: child)
            if lifecycle == .stopping, extras?.children.isEmpty ?? true {
                finishStop()
            }
        case .escalated(let child, let error):
            guard lifecycle == .running else {
                // Restarting or stopping: the children are being stopped anyway.
                logger.debug("escalated failure ignored while not running", metadata: ["actor.child": "\(child)", "error": "\(error)"])
                break
            }
            logger.debug("child escalated a failure", metadata: ["actor.child": "\(child)", "error": "\(error)"])
            _ = handleFailure(error)
        case .timerFired(let key, let generation):
            if fireTimer(key: key, generation: generation) == .wentAsync { return false }
        case .reentrantFinished(let token):
            extras?.reentrantTasks.removeValue(forKey: token)
        }
        return lifecycle != .terminated
    }

    /// Starts stopping: children first, then this actor.
    final func beginStop(_ reason: TerminationReason) {
        let alreadyStopping: Bool = mutex.withLock {
            if lifecycle == .stopping || lifecycle == .terminated { return true }
            lifecycle = .stopping
            return false
        }
        guard !alreadyStopping else { return }
        guard let extras, !extras.children.isEmpty else {
            // The common case, a million times over at shutdown: no children, no allocation.
            cancelAllTimers()
            if let extras { extras.cancelReentrantTasks() }
            finishStop(reason)
            return
        }
        extras.stopReason = reason
        cancelAllTimers()
        extras.cancelReentrantTasks()
        let childReason: TerminationReason = reason.kind == .systemShutdown ? .systemShutdown : .stopped
        for child in extras.sortedChildren {
            child.sendSystem(.stop(childReason))
        }
    }

    /// Stops for good once the children have: `postStop`, then everything still queued is failed
    /// or sent to dead letters, watchers are told, and the parent learns.
    ///
    /// Kept cheap for an idle actor without extras (shutdown stops every actor): nothing is
    /// allocated and no generic code runs for empty queues.
    final func finishStop(_ givenReason: TerminationReason? = nil) {
        let reason = givenReason ?? extras?.stopReason ?? .stopped
        if actor != nil {
            actor!.postStop(context: context)
            actor = nil
        }
        mutex.lock()
        lifecycle = .terminated
        var pending: Deque<Envelope<A.Message>>?
        if !inbox.isEmpty {
            pending = inbox
            inbox = Deque()
        }
        let waiting = overflow?.waiters
        overflow = nil
        var watchers: [(WatcherKey, @Sendable (ActorTerminated) -> Void)] = []
        if let shared {
            watchers = shared.watchers
            shared.watchers = []
            shared.finalReason = reason
        } else if reason.error != nil || (reason.kind != .stopped && reason.kind != .systemShutdown) {
            ensureShared.finalReason = reason
        } else {
            endedBySystemShutdown = reason.kind == .systemShutdown
        }
        if !systemQueue.isEmpty { systemQueue.removeAll() }
        systemPending.store(false, ordering: .relaxed)
        mutex.unlock()

        if !batch.isEmpty || pending != nil || waiting != nil || extras?.stash != nil {
            dropUnhandled(pending: pending, waiting: waiting)
        }
        if let extras, !extras.watching.isEmpty {
            for (target, key) in extras.watching {
                target.removeWatcher(key)
            }
            extras.watching = []
        }
        if name != nil || receptionistKeys.load(ordering: .acquiring) {
            system.receptionist.remove(self)
        }
        if !watchers.isEmpty {
            let terminated = ActorTerminated(id: id, name: name, reason: reason)
            for (_, notify) in watchers {
                notify(terminated)
            }
        }
        if system.logger.logLevel <= .debug {
            logger.debug("actor stopped", metadata: ["actor.reason": "\(reason)"])
        }
        parent?.sendSystem(.childTerminated(id))
        system.actorTerminated(self)
        system.metrics.actorStopped()
        if props.dispatcherOwner !== system.sharedDispatcher {
            props.dispatcherOwner.shutdown()
        }
    }

    /// Fails the asks and dead-letters the tells that will never be handled.
    private func dropUnhandled(pending: Deque<Envelope<A.Message>>?, waiting: Deque<(SenderWaiter, Envelope<A.Message>, UnsafeContinuation<Void, any Error>)>?) {
        let stopped = stoppedError
        if !batch.isEmpty {
            system.metrics.queued.subtract(batch.count, ordering: .relaxed)
            for envelope in batch { dropOnStop(envelope, stopped) }
            batch = Deque()
        }
        for envelope in pending ?? [] { dropOnStop(envelope, stopped) }
        for (_, envelope, continuation) in waiting ?? [] {
            dropOnStop(envelope, stopped)
            continuation.resume(throwing: stopped)
        }
        if let stash = extras?.stash as? StashBuffer<A.Message> {
            for envelope in stash.envelopes { dropOnStop(envelope, stopped) }
            extras?.stash = nil
        }
    }

    /// A message that will never be handled: its asker gets `error`, a told message goes to dead letters.
    final func dropOnStop(_ envelope: Envelope<A.Message>, _ error: ActorError) {
        if let reply = envelope.reply {
            reply.isDeferred = false
            reply.fail(error)
        } else {
            deadLetter(messageType: A.Message.self, reason: "actor stopped")
        }
    }

    /// The actor's logger, with its path as metadata; created on first use.
    var logger: Logger {
        let extras = ensureExtras
        if let logger = extras.logger { return logger }
        var logger = system.logger
        logger[metadataKey: "actor.path"] = "\(path)"
        extras.logger = logger
        return logger
    }
}
