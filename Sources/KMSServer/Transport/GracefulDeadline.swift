import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Runs a service; once graceful shutdown begins, gives it `grace` to finish
/// its work before `onDeadline` (which closes the connections it still serves).
struct GracefulDeadline: Service {
    let base: any Service
    let grace: Duration
    let onDeadline: @Sendable () -> Void

    func run() async throws {
        let timer = Mutex<Task<Void, Never>?>(nil)
        try await withGracefulShutdownHandler {
            try await base.run()
        } onGracefulShutdown: { [grace, onDeadline] in
            timer.withLock {
                $0 = Task {
                    do {
                        try await Task.sleep(for: grace)
                        onDeadline()
                    } catch {
                        // Cancelled: the service finished in time.
                    }
                }
            }
        }
        timer.withLock { $0?.cancel() }
    }
}

/// Whether an address can be listened on, by binding it once and letting go.
enum ListenCheck {
    static func bindable(host: String, port: Int) async throws {
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
            try await channel.close()
        } catch {
            throw ListenError(description: "cannot listen on \(host):\(port): \(error)")
        }
    }

    struct ListenError: Error, CustomStringConvertible {
        let description: String
    }
}
