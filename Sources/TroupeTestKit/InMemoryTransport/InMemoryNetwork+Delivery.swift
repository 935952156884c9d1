import TroupeCore
import TroupeWire

/// The endpoint operations behind ``InMemoryTransport``: start, send, close, and delivery.
extension InMemoryNetwork {
    func start(_ transport: InMemoryTransport, delegate: any TransportDelegate) throws(TransportError) {
        try state.withLock { (state: inout NetworkState) throws(TransportError) in
            switch state.phases[transport.serial] {
            case .started:
                throw TransportError(.alreadyStarted, "the endpoint at \(transport.localAddress) was already started")
            case .closed:
                throw TransportError(.closed, "the endpoint at \(transport.localAddress) was closed")
            case nil:
                break
            }
            guard state.listeners[transport.localAddress] == nil else {
                throw TransportError(.addressInUse, "another endpoint listens at \(transport.localAddress)")
            }
            state.phases[transport.serial] = .started(transport: transport, delegate: delegate)
            state.listeners[transport.localAddress] = transport.serial
        }
    }

    func send(_ envelope: WireEnvelope, from transport: InMemoryTransport, to address: NodeAddress) throws(TransportError) {
        // Serialize and decode like a real wire: refuses oversized frames, drops in-process-only
        // details such as the message type's name.
        let bytes = envelope.serializedBytes()
        guard bytes.count <= maximumFrameSize else {
            throw TransportError(
                .frameTooLarge,
                "an envelope of \(bytes.count) bytes for '\(envelope.recipient)' at \(address) is over the maximum frame size \(maximumFrameSize)"
            )
        }
        let received: WireEnvelope
        do {
            received = try WireEnvelope(serializedBytes: bytes)
        } catch {
            throw TransportError(.protocolViolation, "an envelope did not survive serialization", underlying: error)
        }

        let from = transport.localAddress
        let key = LinkKey(from: from, to: address)
        let (timers, drainNow) = try state.withLock { (state: inout NetworkState) throws(TransportError) -> ([ActorInstant], Bool) in
            switch state.phases[transport.serial] {
            case .started: break
            case .closed: throw TransportError(.closed, "the endpoint at \(from) is closed")
            case nil: throw TransportError(.notStarted, "the endpoint at \(from) has not been started")
            }
            guard let receiverSerial = state.listeners[address] else {
                throw TransportError(.unknownAddress, "no endpoint listens at \(address)")
            }
            return enqueue(received, key: key, senderSerial: transport.serial, receiverSerial: receiverSerial, in: &state)
        }
        for deadline in timers {
            clock.schedule(at: deadline) { [self] in drain(key) }
        }
        if drainNow { drain(key) }
    }

    /// Applies the link's partition and faults to one sent envelope and queues what survives.
    /// Returns the deadlines to schedule drains at, and whether to drain now. Lock held.
    private func enqueue(
        _ envelope: WireEnvelope, key: LinkKey, senderSerial: UInt64, receiverSerial: UInt64, in state: inout NetworkState
    ) -> (timers: [ActorInstant], drainNow: Bool) {
        let faults = state.faults(for: key)
        // Taken out of the dictionary (not copied) so that appending does not copy the queue.
        var link = state.links.removeValue(forKey: key) ?? LinkState()
        defer { state.links[key] = link }
        link.stats.sent += 1

        if state.blocked.contains(key) {
            link.stats.dropped += 1
            return ([], false)
        }
        state.associations.insert(Association(key.from, key.to))
        if faults.dropProbability > 0 && random.nextUnit() < faults.dropProbability {
            link.stats.dropped += 1
            return ([], false)
        }
        var copies = 1
        if faults.duplicateProbability > 0 && random.nextUnit() < faults.duplicateProbability {
            copies = 2
            link.stats.duplicated += 1
        }
        let holdBack = faults.reorderProbability > 0 && link.held == nil && random.nextUnit() < faults.reorderProbability

        let now = clock.now
        var timers: [ActorInstant] = []
        var inFlight: [InFlightEnvelope] = []
        for _ in 0..<copies {
            var deliverAt: ActorInstant?
            if faults.isDelayed {
                var delay = faults.delay
                if faults.jitter > .zero {
                    delay += .nanoseconds(Int64(random.nextUnit() * Double(faults.jitter.nanoseconds)))
                }
                if delay > .zero {
                    deliverAt = now + delay
                    timers.append(now + delay)
                }
            }
            inFlight.append(InFlightEnvelope(envelope: envelope, deliverAt: deliverAt, senderSerial: senderSerial, receiverSerial: receiverSerial))
        }
        if holdBack {
            link.held = inFlight.removeFirst()
        } else if let held = link.held {
            // The held envelope goes right after this one: the two swap places.
            inFlight.append(held)
            link.held = nil
        }
        for item in inFlight { link.enqueue(item) }
        let drainNow = !link.isDraining && link.first?.isReady(now: now) == true
        return (timers, drainNow)
    }

    /// Whether the link has a due envelope at its head and nobody delivering it. Lock held.
    func shouldDrain(_ key: LinkKey, state: NetworkState) -> Bool {
        guard let link = state.links[key], !link.isDraining else { return false }
        return link.first?.isReady(now: clock.now) == true
    }

    /// Delivers the due envelopes at the head of `key`'s queue, one at a time and in order, calling
    /// each receiver's delegate without the lock. Only one thread drains a link at a time; one
    /// that finds another draining returns at once (the other delivers what it queued).
    func drain(_ key: LinkKey) {
        var next: PendingDelivery? = state.withLock { state in
            guard state.links[key]?.isDraining == false else { return nil }
            state.links[key]?.isDraining = true
            return state.nextDelivery(key, now: clock.now)
        }
        while let delivery = next {
            delivery.delegate.transport(delivery.transport, received: delivery.envelope, from: key.from)
            next = state.withLock { $0.nextDelivery(key, now: clock.now) }
        }
    }

    func runDrains(_ keys: [LinkKey]) {
        for key in keys { drain(key) }
    }

    func close(_ transport: InMemoryTransport) {
        let address = transport.localAddress
        let notifications: [PendingNotification] = state.withLock { state in
            guard case .started = state.phases[transport.serial] else {
                state.phases[transport.serial] = .closed
                return []
            }
            state.phases[transport.serial] = .closed
            state.listeners[address] = nil
            for key in state.links.keys where key.from == address || key.to == address {
                _ = state.links[key]?.dropAll()
            }
            var notifications: [PendingNotification] = []
            for association in state.associations where association.contains(address) {
                notifications += state.dissociate(association.first, association.second, error: nil, except: address)
            }
            return notifications
        }
        notifications.forEach { $0.post() }
    }
}
