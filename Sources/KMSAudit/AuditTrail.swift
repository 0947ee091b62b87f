import Foundation
public import KMSCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// The audit sink: every request's record is committed, with the request's
/// own writes, before the request is answered. The store commits concurrent
/// requests together (`MetadataStore.commitAudited`), so they share one
/// fsync. A record that cannot be committed fails its request with an
/// internal error and keeps none of its effects (fail closed); after
/// shutdown nothing more is accepted.
///
/// As a service it signs a digest of the chain every `digestEvery` records,
/// every `digestInterval` while records arrive, and at shutdown, once the
/// requests in flight have their records.
public final class AuditTrail: AuditSink, Service {
    public struct Configuration: Sendable {
        public var digestEvery: Int
        public var digestInterval: Duration

        public init(digestEvery: Int = 1000, digestInterval: Duration = .seconds(300)) {
            self.digestEvery = digestEvery
            self.digestInterval = digestInterval
        }
    }

    public struct Statistics: Sendable, Hashable {
        public var records: Int
        public var digests: Int
    }

    private struct State {
        var inFlight = 0
        var stopped = false
        /// The newest record committed, and the newest a digest covers.
        var newestSequence: Int64 = 0
        var digestedSequence: Int64 = 0
        var digestDue = false
        var statistics = Statistics(records: 0, digests: 0)
        /// The service's loop, waiting for a digest to be due, the shutdown, or the last request in flight.
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let store: any MetadataStore
    private let signer: AuditSigner
    private let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())

    public init(store: any MetadataStore, signer: AuditSigner, configuration: Configuration = .init(), logger: Logger) {
        self.store = store
        self.signer = signer
        self.configuration = configuration
        self.logger = logger
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Whether records are still accepted (false once shutdown has begun).
    public var isAccepting: Bool { state.withLock { !$0.stopped } }

    // MARK: the sink

    public func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool {
        let accepted = state.withLock { state in
            if state.stopped { return false }
            state.inFlight += 1
            return true
        }
        guard accepted else {
            throw KMSError(.internalFailure, "The audit trail is closed: the server is shutting down.")
        }
        let entry = AuditedWrites(writes: writes, record: CloudTrailRecord.row(for: event))
        let result: AuditedCommitResult
        do {
            result = try await store.commitAudited([entry])[0]
        } catch {
            finish(committed: nil)
            logger.error("an audit record could not be committed; failing its request", metadata: ["error": "\(String(reflecting: error))"])
            throw KMSError(
                .internalFailure, "The request could not be recorded in the audit trail.",
                underlying: AuditWriteFailure(description: String(reflecting: error))
            )
        }
        switch result {
        case .committed(let sequence):
            finish(committed: sequence)
            return true
        case .conditionFailed:
            finish(committed: nil)
            return false
        case .rejected(let error):
            finish(committed: nil)
            throw error
        }
    }

    private func finish(committed sequence: Int64?) {
        wake { state in
            state.inFlight -= 1
            if let sequence {
                state.statistics.records += 1
                state.newestSequence = max(state.newestSequence, sequence)
                if !state.digestDue, state.newestSequence - state.digestedSequence >= Int64(configuration.digestEvery) {
                    state.digestDue = true
                    return true
                }
            }
            return state.stopped && state.inFlight == 0
        }
    }

    // MARK: the service

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { [configuration] in
                        // Ends, without an error, when the loop is done and cancels it.
                        while (try? await Task.sleep(for: configuration.digestInterval)) != nil {
                            self.wake { state in
                                state.digestDue = state.newestSequence > state.digestedSequence
                                return state.digestDue
                            }
                        }
                    }
                    await sealUntilStopped()
                    group.cancelAll()
                }
            } onCancel: {
                stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Takes no more records; the service seals the chain once those in flight are committed.
    public func stop() {
        wake { state in
            state.stopped = true
            return true
        }
    }

    /// Changes the state and, if `change` says so, resumes the service's loop.
    private func wake(_ change: (inout State) -> Bool) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard change(&state) else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func sealUntilStopped() async {
        while true {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.digestDue || (state.stopped && state.inFlight == 0) { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
            let finished = state.withLock { state in
                state.digestDue = false
                return state.stopped && state.inFlight == 0
            }
            await writeDigest()
            if finished { return }
        }
    }

    /// Signs a digest of the records since the last one, if there are any.
    private func writeDigest() async {
        do {
            let signer = signer
            let sealed = try await store.appendAuditSeal { basis in
                (basis.lastSequence ?? 0) > basis.previousDigestSequence ? try signer.seal(.digest, basis) : nil
            }
            if let sealed {
                state.withLock { state in
                    state.digestedSequence = max(state.digestedSequence, sealed.lastSequence)
                    state.statistics.digests += 1
                }
            }
        } catch {
            logger.error("the audit digest could not be written; will retry", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

/// Why a record could not be committed, kept as the internal error's cause for the log.
struct AuditWriteFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}
