public import Foundation
public import KMSCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// The audit sink: every request's record is committed, with the request's
/// own writes, before the request is answered, and many concurrent requests
/// share one transaction and so one fsync (group commit).
///
/// Requests queue their entries; the service's writer takes everything
/// queued, commits it as one batch, and answers each request with its own
/// outcome. A batch that cannot be committed fails every request in it with
/// an internal error and keeps none of their effects (fail closed), and
/// after shutdown nothing more is accepted.
///
/// The writer also signs a digest of the chain every `digestEvery` records,
/// every `digestInterval` while records arrive, and at shutdown.
public final class AuditTrail: AuditSink, Service {
    public struct Configuration: Sendable {
        public var digestEvery: Int
        public var digestInterval: Duration
        /// Bounds one transaction, so that a burst cannot build one huge batch.
        public var maximumBatch: Int

        public init(digestEvery: Int = 1000, digestInterval: Duration = .seconds(300), maximumBatch: Int = 4096) {
            self.digestEvery = digestEvery
            self.digestInterval = digestInterval
            self.maximumBatch = maximumBatch
        }
    }

    /// What the writer has done, for logs and the benchmark.
    public struct Statistics: Sendable, Hashable {
        public var records: Int
        /// Transactions that committed records: one fsync each.
        public var batches: Int
        public var digests: Int
    }

    private struct Pending {
        var entry: AuditedWrites
        var continuation: CheckedContinuation<AuditedCommitResult, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var writerWaiting: CheckedContinuation<Void, Never>?
        var digestRequested = false
        var stopped = false
        var statistics = Statistics(records: 0, batches: 0, digests: 0)
    }

    private let store: any MetadataStore
    private let signer: AuditSigner
    private let configuration: Configuration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let eventIDs = EventIDs()
    private let state = Mutex(State())

    public init(
        store: any MetadataStore, signer: AuditSigner, configuration: Configuration = .init(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.store = store
        self.signer = signer
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    // MARK: the sink

    public func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool {
        let entry = AuditedWrites(writes: writes, record: CloudTrailRecord.row(for: event, eventID: eventIDs.next()))
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AuditedCommitResult, any Error>) in
            let (accepted, writer) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                if state.stopped { return (false, nil) }
                state.pending.append(Pending(entry: entry, continuation: continuation))
                defer { state.writerWaiting = nil }
                return (true, state.writerWaiting)
            }
            if accepted {
                writer?.resume()
            } else {
                continuation.resume(throwing: KMSError(.internalFailure, "The audit trail is closed: the server is shutting down."))
            }
        }
        switch result {
        case .committed: return true
        case .conditionFailed: return false
        case .rejected(let error): throw error
        }
    }

    // MARK: the writer

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask { [configuration] in
                        // Ends, without an error, when the writer is done and cancels it.
                        while (try? await Task.sleep(for: configuration.digestInterval)) != nil {
                            self.wakeWriter { $0.digestRequested = true }
                        }
                    }
                    await writeUntilStopped()
                    group.cancelAll()
                }
            } onCancel: {
                stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Takes no more entries; the writer commits those queued, seals the chain and returns.
    public func stop() {
        wakeWriter { $0.stopped = true }
    }

    private func wakeWriter(_ change: (inout State) -> Void) {
        let writer = state.withLock { state -> CheckedContinuation<Void, Never>? in
            change(&state)
            defer { state.writerWaiting = nil }
            return state.writerWaiting
        }
        writer?.resume()
    }

    private func writeUntilStopped() async {
        var recordsSinceDigest = 0
        while true {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if !state.pending.isEmpty || state.stopped || state.digestRequested { return true }
                    state.writerWaiting = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
            let (batch, digestRequested, stopped) = state.withLock { state in
                let count = min(state.pending.count, configuration.maximumBatch)
                let batch = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                defer { state.digestRequested = false }
                return (batch, state.digestRequested, state.stopped && state.pending.isEmpty)
            }
            if !batch.isEmpty {
                recordsSinceDigest += await write(batch)
            }
            if recordsSinceDigest >= configuration.digestEvery || (digestRequested && recordsSinceDigest > 0) || (stopped && batch.isEmpty) {
                if await writeDigest() { recordsSinceDigest = 0 }
            }
            if stopped && batch.isEmpty { return }
        }
    }

    /// Commits one batch and answers its requests; returns how many records it kept.
    private func write(_ batch: [Pending]) async -> Int {
        let results: [AuditedCommitResult]
        do {
            results = try await store.commitAudited(batch.map(\.entry))
        } catch {
            logger.error("audit records could not be committed; failing their requests", metadata: [
                "records": "\(batch.count)", "error": "\(String(reflecting: error))",
            ])
            let failure = KMSError(.internalFailure, "The request could not be recorded in the audit trail.", underlying: AuditWriteFailure(description: String(reflecting: error)))
            for pending in batch { pending.continuation.resume(throwing: failure) }
            return 0
        }
        var kept = 0
        for (pending, result) in zip(batch, results) {
            if case .committed = result { kept += 1 }
            pending.continuation.resume(returning: result)
        }
        state.withLock { state in
            state.statistics.records += kept
            state.statistics.batches += 1
        }
        return kept
    }

    /// Signs a digest of the records since the last one; false if it could not be written.
    private func writeDigest() async -> Bool {
        do {
            let signer = signer
            let sealed = try await store.appendAuditSeal { basis in
                (basis.lastSequence ?? 0) > basis.previousDigestSequence ? try signer.seal(.digest, basis) : nil
            }
            if sealed != nil { state.withLock { $0.statistics.digests += 1 } }
            return true
        } catch {
            logger.error("the audit digest could not be written; will retry", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }
}

/// Why a batch failed, kept as the internal error's cause for the log.
struct AuditWriteFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}

/// Event IDs in UUID form: a random 64-bit prefix drawn at start-up and a
/// counter, unique without a random draw per request.
final class EventIDs: Sendable {
    private let prefix: UInt64
    private let counter = Atomic<UInt64>(0)

    init() {
        var generator = SystemRandomNumberGenerator()
        prefix = generator.next()
    }

    func next() -> String {
        let count = counter.add(1, ordering: .relaxed).newValue
        let high = Self.hex(prefix, digits: 16)
        let low = Self.hex(count, digits: 16)
        // 8-4-4-4-12, version nibble 4 and variant 8 as in a random UUID.
        let h = Array(high.utf8), l = Array(low.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        bytes += h[0..<8]; bytes.append(UInt8(ascii: "-"))
        bytes += h[8..<12]; bytes.append(UInt8(ascii: "-"))
        bytes.append(UInt8(ascii: "4")); bytes += h[13..<16]; bytes.append(UInt8(ascii: "-"))
        bytes.append(UInt8(ascii: "8")); bytes += l[1..<4]; bytes.append(UInt8(ascii: "-"))
        bytes += l[4..<16]
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
