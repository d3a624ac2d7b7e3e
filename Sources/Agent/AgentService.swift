import PosixThread
import ServiceLifecycle

/// Runs the loop on a thread of its own (its libzmq sockets and blocking `zmq_poll` stay off the cooperative pool)
/// and stops it on graceful shutdown (SIGTERM, SIGINT) or cancellation.
struct AgentService: Service {
    let loop: AgentLoop

    func run() async throws {
        let loop = loop
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    PosixThread.start(name: "lookout-poll") {
                        loop.run()
                        continuation.resume()
                    }
                }
            } onCancel: {
                loop.requestStop()
            }
        } onGracefulShutdown: {
            loop.requestStop()
        }
    }
}

/// Owns `--demo`'s simulated zmc processes for the agent's lifetime; removes their segments at shutdown,
/// after the agent (services stop in reverse order).
struct DemoService: Service {
    let stopSimulator: @Sendable () -> Void

    func run() async throws {
        try? await gracefulShutdown()
        stopSimulator()
    }
}
