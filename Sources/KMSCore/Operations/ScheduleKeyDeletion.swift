public import KMSProtocol

public enum ScheduleKeyDeletion: KMSOperation {
    public static let name = OperationName.ScheduleKeyDeletion

    public static func handle(_ request: ScheduleKeyDeletionRequest, in context: OperationContext) async throws(KMSError) -> ScheduleKeyDeletionResponse {
        let env = context.environment
        let window = request.PendingWindowInDays ?? KeyLifecycle.defaultPendingWindowInDays
        try Validate.value(window, field: "pendingWindowInDays", in: 1...365)
        let record = try await env.resolveKey(request.KeyId, allowAlias: false)
        let next = try KeyLifecycle.scheduleDeletion(record, arn: env.keyARN(record.id), windowInDays: window, now: env.now())
        try await env.storage { try await $0.updateKey(next) }
        return ScheduleKeyDeletionResponse(
            KeyId: env.keyARN(next.id),
            DeletionDate: next.deletionDate!,
            KeyState: next.state.rawValue,
            PendingWindowInDays: window
        )
    }
}
