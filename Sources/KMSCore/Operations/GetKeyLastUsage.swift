import Foundation
public import KMSProtocol

public enum GetKeyLastUsage: KMSOperation {
    public static let name = OperationName.GetKeyLastUsage
    public static let action = KMSAction("kms:GetKeyLastUsage")
    public static let readOnly = true
    public static let keys: [KeySlot<GetKeyLastUsageRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    /// The setting that holds when this data directory began tracking usage.
    static let trackingStartSetting = "key-usage-tracking-start"

    public static func auditParameters(_ request: GetKeyLastUsageRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    /// The later of what this process holds in memory and what any process has written.
    public static func perform(_ request: GetKeyLastUsageRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<GetKeyLastUsageResponse> {
        let env = context.environment
        let key = keys[.key]
        let stored = try await env.storage { try await $0.keyLastUsage(key.record.id) }
        let last = [stored, env.usage.pendingUsage(of: key.record.id)].compactMap { $0 }.max { $0.timestamp < $1.timestamp }
        let start = try await trackingStart(in: env)
        return Outcome(GetKeyLastUsageResponse(
            KeyId: key.arn, KeyLastUsage: last.map { KeyLastUsage(Operation: $0.operation, Timestamp: $0.timestamp, KmsRequestId: $0.requestID, CloudTrailEventId: $0.eventID) },
            TrackingStartDate: start, KeyCreationDate: key.record.createdAt
        ))
    }

    /// Set when the server first starts with usage tracking (or, failing that, at the first question).
    static func trackingStart(in environment: ServiceEnvironment) async throws(KMSError) -> Date {
        let now = Array(String(environment.now().timeIntervalSince1970).utf8)
        let stored = try await environment.storage { try await $0.initializeSetting(trackingStartSetting, to: now) }
        return Date(timeIntervalSince1970: Double(String(decoding: stored, as: UTF8.self)) ?? environment.now().timeIntervalSince1970)
    }
}
