import ServiceLifecycle

extension ActorSystem: Service {
    /// Runs until the system has shut down. A graceful shutdown of the service group (SIGTERM with
    /// `ServiceGroup`'s signal handling) runs ``shutdown()``, coordinated shutdown included.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.terminated
        } onGracefulShutdown: {
            self.beginShutdown()
        }
    }
}
