import Logging
import Synchronization

/// The ordered phases of a system's shutdown and the tasks registered in each.
///
/// ``ActorSystem/shutdown()`` runs the phases in order; the tasks of one phase run concurrently,
/// each phase bounded by ``ActorSystemSettings/shutdownPhaseTimeout`` (a task still running then is
/// cancelled and logged). After the last phase every actor is stopped. Errors thrown by tasks are
/// logged and do not stop the shutdown.
///
/// ```swift
/// system.coordinatedShutdown.addTask(in: .serviceUnbind, name: "close listener") {
///     try await listener.close()
/// }
/// ```
public final class CoordinatedShutdown: Sendable {
    /// One phase; phases run in ascending `order`.
    public struct Phase: Hashable, Sendable, Comparable, CustomStringConvertible {
        /// The phase's name, for logs.
        public let name: String
        /// Its position; lower runs first.
        public let order: Int

        /// Creates a custom phase between the predefined ones (spaced 100 apart).
        public init(name: String, order: Int) {
            self.name = name
            self.order = order
        }

        public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.order < rhs.order }
        public var description: String { name }

        /// Stop accepting new work from outside (e.g. mark the node unready).
        public static let beforeServiceUnbind = Phase(name: "before-service-unbind", order: 100)
        /// Close listeners.
        public static let serviceUnbind = Phase(name: "service-unbind", order: 200)
        /// Wait for in-flight requests.
        public static let serviceRequestsDone = Phase(name: "service-requests-done", order: 300)
        /// Stop services.
        public static let serviceStop = Phase(name: "service-stop", order: 400)
        /// Before leaving a cluster.
        public static let beforeClusterShutdown = Phase(name: "before-cluster-shutdown", order: 500)
        /// Leave the cluster.
        public static let clusterLeave = Phase(name: "cluster-leave", order: 600)
        /// Cluster shut down.
        public static let clusterShutdown = Phase(name: "cluster-shutdown", order: 700)
        /// Last chance before actors are stopped.
        public static let beforeActorSystemTerminate = Phase(name: "before-actor-system-terminate", order: 800)
    }

    private struct Entry: Sendable {
        let name: String
        let task: @Sendable () async throws -> Void
    }

    private let tasks = Locked<[Phase: [Entry]]>([:])

    init() {}

    /// Registers `task` to run in `phase`.
    public func addTask(in phase: Phase, name: String, _ task: @escaping @Sendable () async throws -> Void) {
        tasks.withLock { $0[phase, default: []].append(Entry(name: name, task: task)) }
    }

    /// The phases that have tasks, in order.
    public var phases: [Phase] {
        tasks.withLock { $0.keys.sorted() }
    }

    func run(system: ActorSystem) async {
        let plan = tasks.withLock { tasks in tasks.keys.sorted().map { ($0, tasks[$0]!) } }
        for (phase, entries) in plan {
            system.logger.debug("shutdown phase", metadata: ["shutdown.phase": "\(phase)"])
            let timeout = system.settings.shutdownPhaseTimeout
            await withTaskGroup(of: Bool.self) { group in
                for entry in entries {
                    group.addTask {
                        do {
                            try await entry.task()
                        } catch {
                            system.logger.warning("shutdown task failed", metadata: [
                                "shutdown.phase": "\(phase)", "shutdown.task": "\(entry.name)", "error": "\(error)",
                            ])
                        }
                        return true
                    }
                }
                group.addTask {
                    (try? await system.clock.sleep(for: timeout)) != nil ? false : true
                }
                var remaining = entries.count
                while remaining > 0, let finished = await group.next() {
                    if finished {
                        remaining -= 1
                    } else {
                        system.logger.warning("shutdown phase timed out; cancelling its tasks", metadata: ["shutdown.phase": "\(phase)"])
                        break
                    }
                }
                group.cancelAll()
            }
        }
    }
}
