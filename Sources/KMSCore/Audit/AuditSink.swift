/// Where the record of every request goes: the seam of the audit trail.
///
/// The pipeline calls it once per request, for successes and failures alike,
/// with the complete record and the request's own store writes, before the
/// caller gets an answer. An implementation commits both in one atomic store
/// transaction, so a change is never kept without its record.
public protocol AuditSink: Sendable {
    /// Makes `event` durable together with `writes` (empty for reads and
    /// failures). Returns false, keeping nothing, when a conditional write
    /// lost (see `MetadataStore.commit`); the pipeline then runs the request
    /// again. A throw fails the request with an internal error.
    func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool
}

/// No audit trail: records nothing and commits the request's own writes.
/// For unit tests of other parts, and for the benchmark's unaudited
/// baseline, which `trent serve` refuses outside a benchmark.
public struct NoAuditTrail: AuditSink {
    public let store: any MetadataStore

    public init(store: any MetadataStore) {
        self.store = store
    }

    public func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool {
        writes.isEmpty ? true : try await store.commit(writes)
    }
}

extension AuditSink {
    /// Records a failed request and returns the error to answer with; if the
    /// record cannot be kept, the answer is an internal error (fail closed).
    public func recordFailure(_ error: KMSError, _ event: AuditEvent) async -> KMSError {
        var failed = event
        failed.responseElements = nil
        // IAM and STS write their Query protocol's error codes.
        failed.errorCode = event.isQueryProtocol ? error.code.queryName : error.code.awsName
        failed.errorMessage = error.message
        do {
            _ = try await commit([], recording: failed)
            return error
        } catch {
            return KMSError.internalFailure(error)
        }
    }
}
