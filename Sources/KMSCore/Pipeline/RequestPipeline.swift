import Foundation
import KMSCrypto
import KMSProtocol

/// Runs every operation the same way:
///
/// decode → validate → resolve keys → authorize → check key state, usage and
/// algorithm → DryRun → perform → audit (committed with the operation's own
/// writes) → encode.
///
/// Each step reads the operation's declared metadata, so an operation file
/// holds only its business logic, and authorization, audit, key stores and
/// storage each plug in at one place. A change that loses its compare-and-swap
/// to another process runs again from the top, with fresh reads.
public final class RequestPipeline: Sendable {
    public let environment: ServiceEnvironment
    public let authorizer: any Authorizer
    public let auditSink: any AuditSink
    /// Limits each key's request rate; checked once a request is authorized, so only permitted use counts.
    public let keyRateLimit: TokenBuckets?
    private let keyWriteLocks = KeyWriteLocks()

    /// Bounds the attempts of a change that keeps losing to other processes;
    /// in one process, changes to a key queue and never lose.
    static let commitAttempts = 16

    public init(environment: ServiceEnvironment, authorizer: any Authorizer, auditSink: any AuditSink, keyRateLimit: TokenBuckets? = nil) {
        self.environment = environment
        self.authorizer = authorizer
        self.auditSink = auditSink
        self.keyRateLimit = keyRateLimit
    }

    /// The wire entry point: `X-Amz-Target` and a JSON body in, a JSON body out.
    public func handle(target: String?, body: [UInt8], context: RequestContext) async throws(KMSError) -> [UInt8] {
        if let target, let operation = KMSOperations.byTarget[target] {
            return try await operation.handle(body, context: context, in: self)
        }
        guard let target, let name = OperationName(target: Substring(target)) else {
            let event = AuditEvent(eventName: Self.eventName(target), readOnly: false, context: context, region: environment.region)
            throw await failure(KMSError(.unknownOperation, "Operation \(target ?? "(none)") is not known to TrentService."), event)
        }
        // An operation of the API that this release does not implement.
        let event = AuditEvent(eventName: name.rawValue, readOnly: false, context: context, region: environment.region)
        throw await failure(KMSError.unsupported("\(name.rawValue) is not implemented by Trent yet."), event)
    }

    func handle<Operation: KMSOperation>(_: Operation.Type, body: [UInt8], context: RequestContext) async throws(KMSError) -> [UInt8] {
        let request: Operation.Request
        do {
            request = try WireCodec.decode(Operation.Request.self, from: body)
        } catch {
            throw await failure(error, makeEvent(Operation.self, context))
        }
        return try WireCodec.encode(try await run(Operation.self, request, context: context))
    }

    /// Every step but the wire codec, for a decoded request.
    public func run<Operation: KMSOperation>(
        _: Operation.Type, _ request: Operation.Request, context: RequestContext
    ) async throws(KMSError) -> Operation.Response {
        var event = makeEvent(Operation.self, context)
        event.requestParameters = Operation.auditParameters(request)
        do {
            try Operation.validate(request)
            let keys = try await resolve(Operation.keys, request)
            event.resources = keys.arns
            context.trace?.resources = keys.arns
            var changed: [KeyID] = []
            for (index, slot) in Operation.keys.enumerated() where slot.changesKey {
                changed.append(keys.entries[index].key.record.id)
            }
            if changed.isEmpty {
                return try await attempt(Operation.self, request, keys: keys, context: context, event: &event)
            }
            return try await keyWriteLocks.withLocks(on: changed) { () async throws(KMSError) -> Operation.Response in
                // Read again now that no other local request is changing these keys.
                let fresh = try await resolve(Operation.keys, request)
                return try await attempt(Operation.self, request, keys: fresh, context: context, event: &event)
            }
        } catch {
            throw await failure(error, event)
        }
    }

    private func attempt<Operation: KMSOperation>(
        _: Operation.Type, _ request: Operation.Request, keys first: ResolvedKeys, context: RequestContext, event: inout AuditEvent
    ) async throws(KMSError) -> Operation.Response {
        var keys = first
        for attempt in 0..<Self.commitAttempts {
            if attempt > 0 {
                await Self.backOff(attempt)
                keys = try await resolve(Operation.keys, request)
                event.resources = keys.arns
            }
            if !Operation.authorizesItself {
                try await authorize(Operation.self, request, keys: keys, context: context)
            }
            if attempt == 0, let keyRateLimit {
                for arn in keys.arns where !keyRateLimit.take(arn) { throw RateLimits.exceeded }
            }
            try check(Operation.keys, request, keys: keys, operation: Operation.name)
            if Operation.isDryRun(request) {
                throw KMSError(.dryRun, "The request would have succeeded, but the DryRun flag is set.")
            }
            let operationContext = OperationContext(environment: environment, request: context, authorizer: authorizer)
            let outcome = try await KMSError.fromBackend {
                try await OperationScope.$current.withValue((Operation.name.rawValue, context)) {
                    try await Operation.perform(request, keys: keys, in: operationContext)
                }
            }
            event.responseElements = Operation.auditResponse(outcome.response, in: environment)
            event.resources = keys.arns + Operation.createdResources(outcome.response)
            context.trace?.resources = event.resources
            if try await commit(outcome.writes, recording: event) {
                recordUsage(Operation.self, keys: keys, context: context, eventID: event.eventID)
                return outcome.response
            }
        }
        throw KMSError(.throttling, "Rate exceeded: the key kept changing while this request ran; try again.")
    }

    // MARK: steps

    private func resolve<Request>(_ slots: [KeySlot<Request>], _ request: Request) async throws(KMSError) -> ResolvedKeys {
        if slots.isEmpty { return .none }
        var entries: [(role: KeyRole, key: ResolvedKey)] = []
        entries.reserveCapacity(slots.count)
        for slot in slots {
            let record: KeyRecord
            var ciphertext: CiphertextBlob?
            switch slot.source {
            case .field(let field, let name, let aliases):
                record = try await environment.resolveKey(field(request), field: name, allowAlias: aliases)
            case .ciphertext(let blob, let keyHint):
                (record, ciphertext) = try await environment.resolveCiphertextKey(blob(request), keyHint: keyHint(request))
            case .aliasTarget(let name):
                record = try await environment.resolveAliasTarget(name(request))
            }
            entries.append((slot.role, ResolvedKey(record: record, arn: environment.keyARN(record.id), ciphertext: ciphertext)))
        }
        return ResolvedKeys(entries: entries)
    }

    private func authorize<Operation: KMSOperation>(
        _: Operation.Type, _ request: Operation.Request, keys: ResolvedKeys, context: RequestContext
    ) async throws(KMSError) {
        let conditions = Operation.conditions(request)
        if keys.entries.isEmpty {
            try await authorizer.authorize(AuthorizationRequest(action: Operation.action, resource: "*", context: context, conditions: conditions))
            return
        }
        for resource in Operation.identityResources(request, in: environment) {
            try await authorizer.authorize(AuthorizationRequest(action: Operation.action, resource: resource, context: context, conditions: conditions))
        }
        for (index, slot) in Operation.keys.enumerated() {
            let key = keys.entries[index].key
            var algorithm: String?
            if case .encryption(let named)? = slot.algorithm { algorithm = named(request) ?? "SYMMETRIC_DEFAULT" }
            var alias: String?
            if case .field(let field, _, aliases: true) = slot.source { alias = AliasName.named(in: field(request)) }
            try await authorizer.authorize(AuthorizationRequest(
                action: slot.action, resource: key.arn, key: key, context: context, conditions: conditions,
                encryptionContext: slot.encryptionContext?(request) ?? [:], encryptionAlgorithm: algorithm, requestAlias: alias
            ))
        }
    }

    private func check<Request>(_ slots: [KeySlot<Request>], _ request: Request, keys: ResolvedKeys, operation: OperationName) throws(KMSError) {
        for (index, slot) in slots.enumerated() {
            let key = keys.entries[index].key
            let record = key.record
            try KeyLifecycle.check(slot.access, record, arn: key.arn)
            if !slot.usages.isEmpty, !slot.usages.contains(record.keyUsage) {
                throw KMSError(.invalidKeyUsage, "\(key.arn) key usage is \(record.keyUsage.rawValue) which is not valid for \(operation.rawValue).")
            }
            switch slot.algorithm {
            case .encryption(let named)?:
                // None named is SYMMETRIC_DEFAULT, which an asymmetric key refuses.
                let algorithm = named(request) ?? "SYMMETRIC_DEFAULT"
                if !record.keySpec.encryptionAlgorithms.contains(algorithm) {
                    throw KMSError(
                        .invalidKeyUsage,
                        "\(key.arn) key usage is \(record.keyUsage.rawValue) with key spec \(record.keySpec.rawValue), which does not support \(algorithm)."
                    )
                }
            case .mac(let named)?:
                let algorithm = named(request)
                if !record.keySpec.macAlgorithms.contains(algorithm) {
                    throw KMSError(
                        .invalidKeyUsage,
                        "\(key.arn) key spec is \(record.keySpec.rawValue), which does not support MAC algorithm \(algorithm)."
                    )
                }
            case .signing(let named)?:
                let algorithm = named(request)
                if !record.keySpec.signingAlgorithms.contains(algorithm) {
                    throw KMSError(
                        .invalidKeyUsage,
                        "\(key.arn) key usage is \(record.keyUsage.rawValue) with key spec \(record.keySpec.rawValue), which does not support \(algorithm)."
                    )
                }
            case nil:
                break
            }
        }
    }

    private func recordUsage<Operation: KMSOperation>(_: Operation.Type, keys: ResolvedKeys, context: RequestContext, eventID: String) {
        for (index, slot) in Operation.keys.enumerated() where slot.recordsUsage {
            environment.usage.record(
                keys.entries[index].key.record.id,
                KeyUseRecord(operation: Operation.name.rawValue, timestamp: context.time, requestID: context.requestID, eventID: eventID)
            )
        }
    }

    private func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws(KMSError) -> Bool {
        try await KMSError.fromBackend { try await auditSink.commit(writes, recording: event) }
    }

    private func failure(_ error: KMSError, _ event: AuditEvent) async -> KMSError {
        await auditSink.recordFailure(error, event)
    }

    private func makeEvent<Operation: KMSOperation>(_: Operation.Type, _ context: RequestContext) -> AuditEvent {
        AuditEvent(eventName: Operation.name.rawValue, readOnly: Operation.readOnly, context: context, region: environment.region)
    }

    private static func eventName(_ target: String?) -> String {
        guard let target else { return "(none)" }
        return target.hasPrefix(OperationName.targetPrefix) ? String(target.dropFirst(OperationName.targetPrefix.count)) : target
    }

    /// A short random pause before another attempt, so that processes
    /// contending for one key spread out.
    private static func backOff(_ attempt: Int) async {
        let ceiling = 1 << min(attempt, 6)
        try? await Task.sleep(for: .milliseconds(Int.random(in: 1...ceiling)))
    }
}
