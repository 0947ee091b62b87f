import ArgumentParser
import NIOCore
import NIOPosix

@main
enum Entry {
    static func main() async {
        // Run Swift concurrency on NIO's event loops, so a request's handler
        // executes on the thread that did its I/O instead of hopping to
        // Dispatch and back. Blocking work (SQLite) already runs on NIO's
        // separate blocking thread pool.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await runAsync(Trent.self)
    }

    /// Generic, so that `main()` resolves to AsyncParsableCommand's async
    /// entry point rather than ParsableCommand's synchronous one.
    private static func runAsync<Command: AsyncParsableCommand>(_: Command.Type) async {
        await Command.main()
    }
}
