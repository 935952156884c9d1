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
        let extras = ensureExtras
        extras.stopReason = reason
        cancelAllTimers()
        for (_, task) in extras.reentrantTasks { task.cancel() }
        if extras.children.isEmpty {
            finishStop()
        } else {
            let childReason: TerminationReason = reason.kind == .systemShutdown ? .systemShutdown : .stopped
            for child in extras.sortedChildren {
                child.sendSystem(.stop(childReason))
            }
        }
    }

    /// Stops for good once the children have: `postStop`, then everything still queued is failed
    /// or sent to dead letters, watchers are told, and the parent learns.
    final func finishStop() {
        let reason = extras?.stopReason ?? .stopped
        if actor != nil {
            actor!.postStop(context: context)
            actor = nil
        }
        mutex.lock()
        lifecycle = .terminated
        let pending = inbox
        inbox = Deque()
        let waiting = overflow?.waiters ?? []
        overflow = nil
        let watchers = shared?.watchers ?? []
        ensureShared.finalReason = reason
        shared?.watchers = []
        systemQueue.removeAll()
        systemPending.store(false, ordering: .relaxed)
        mutex.unlock()

        let stopped = stoppedError
        if !batch.isEmpty { system.metrics.queued.subtract(batch.count, ordering: .relaxed) }
        for envelope in batch { dropOnStop(envelope, stopped) }
        batch = Deque()
        for envelope in pending { dropOnStop(envelope, stopped) }
        for (_, envelope, continuation) in waiting {
            dropOnStop(envelope, stopped)
            continuation.resume(throwing: stopped)
        }
        if let stash = extras?.stash as? StashBuffer<A.Message> {
            for envelope in stash.envelopes { dropOnStop(envelope, stopped) }
            extras?.stash = nil
        }
        for (target, key) in extras?.watching ?? [] {
            target.removeWatcher(key)
        }
        extras?.watching = []
        system.receptionist.remove(self)
        let terminated = ActorTerminated(id: id, name: name, reason: reason)
        for (_, notify) in watchers {
            notify(terminated)
        }
        logger.debug("actor stopped", metadata: ["actor.reason": "\(reason)"])
        parent?.sendSystem(.childTerminated(id))
        system.actorTerminated(self)
        system.metrics.actorStopped()
        if props.dispatcherOwner !== system.sharedDispatcher {
            props.dispatcherOwner.shutdown()
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
