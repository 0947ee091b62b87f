import Foundation

/// What one client connection may hold and for how long. A connection the
/// server gives up on is closed, never left half-open, so that no client can
/// make the process run out of descriptors or memory.
public struct ConnectionLimits: Sendable, Equatable {
    /// Connections served at once. Kept below the descriptor limit, which
    /// start-up raises to its hard maximum: the store, logs and TLS need
    /// descriptors too.
    public var maximumConnections: Int
    /// A connection waiting for its next request is closed after this long.
    public var idleTimeout: Duration
    /// From a request's first byte to the end of its headers.
    public var headerTimeout: Duration
    /// From the end of a request's headers to the end of its body.
    public var bodyTimeout: Duration
    /// All header lines of one request together.
    public var maximumHeaderBytes: Int

    public init(
        maximumConnections: Int = 4096, idleTimeout: Duration = .seconds(60), headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(20), maximumHeaderBytes: Int = 32 * 1024
    ) {
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.maximumHeaderBytes = maximumHeaderBytes
    }

    /// Descriptors kept back from the connection cap for everything else the process opens.
    public static let reservedDescriptors = 128

    /// Raises the soft descriptor limit to the hard one and returns the
    /// connections that leave room for `reservedDescriptors`.
    public static func raiseDescriptorLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 - reservedDescriptors }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let descriptors = Int(clamping: limit.rlim_cur)
        return max(1, descriptors - reservedDescriptors)
    }
}
