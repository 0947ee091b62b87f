public import KMSProtocol

public enum ScheduleKeyDeletion: KMSOperation {
    public static let name = OperationName.ScheduleKeyDeletion

    public static func handle(_ request: ScheduleKeyDeletionRequest, in context: OperationContext) async throws(KMSError) -> ScheduleKeyDeletionResponse {
        let env = context.environment
        let window = request.PendingWindowInDays ?? KeyLifecycle.defaultPendingWindowInDays
        try Validate.value(window, field: "pendingWindowInDays", in: 1...365)
        let now = env.now()
        let scheduled = try await env.updateKey(request.KeyId) { (record) throws(KMSError) in
            try KeyLifecycle.scheduleDeletion(record, arn: env.keyARN(record.id), windowInDays: window, now: now)
        }
        return ScheduleKeyDeletionResponse(
            KeyId: env.keyARN(scheduled.id),
            DeletionDate: scheduled.deletionDate!,
            KeyState: scheduled.state.rawValue,
            PendingWindowInDays: window
        )
    }
}
