public import KMSProtocol

public enum ScheduleKeyDeletion: KMSOperation {
    public static let name = OperationName.ScheduleKeyDeletion
    public static let action = KMSAction("kms:ScheduleKeyDeletion")
    public static let readOnly = false
    public static let keys: [KeySlot<ScheduleKeyDeletionRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: ScheduleKeyDeletionRequest) throws(KMSError) {
        try Validate.value(window(request), field: "pendingWindowInDays", in: 1...365)
        try KeyLifecycle.validatePendingWindow(window(request))
    }

    public static func auditParameters(_ request: ScheduleKeyDeletionRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "pendingWindowInDays": request.PendingWindowInDays.map(AuditValue.int),
        ]
    }

    public static func auditResponse(_ response: ScheduleKeyDeletionResponse, in environment: ServiceEnvironment) -> AuditFields? {
        [
            "keyId": .string(response.KeyId),
            "deletionDate": .date(response.DeletionDate),
            "keyState": .string(response.KeyState),
            "pendingWindowInDays": .int(response.PendingWindowInDays),
        ]
    }

    public static func perform(
        _ request: ScheduleKeyDeletionRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<ScheduleKeyDeletionResponse> {
        let key = keys[.key]
        let window = window(request)
        let scheduled = try KeyLifecycle.scheduleDeletion(key.record, arn: key.arn, windowInDays: window, now: context.environment.now())
        return Outcome(
            ScheduleKeyDeletionResponse(
                KeyId: key.arn, DeletionDate: scheduled.deletionDate!, KeyState: scheduled.state.rawValue, PendingWindowInDays: window
            ),
            writes: scheduled.writes(replacing: key.record)
        )
    }

    private static func window(_ request: ScheduleKeyDeletionRequest) -> Int {
        request.PendingWindowInDays ?? KeyLifecycle.defaultPendingWindowInDays
    }
}
