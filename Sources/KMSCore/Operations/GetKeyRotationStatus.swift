public import KMSProtocol

public enum GetKeyRotationStatus: KMSOperation {
    public static let name = OperationName.GetKeyRotationStatus
    public static let action = KMSAction("kms:GetKeyRotationStatus")
    public static let readOnly = true
    public static let keys: [KeySlot<GetKeyRotationStatusRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management),
    ]

    public static func auditParameters(_ request: GetKeyRotationStatusRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    /// On-demand rotations complete within the request, so none is ever in progress (no OnDemandRotationStartDate).
    public static func perform(_ request: GetKeyRotationStatusRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<GetKeyRotationStatusResponse> {
        let key = keys[.key]
        try KeyRotation.checkRotatable(key.record, arn: key.arn, automatically: false)
        let record = key.record
        return Outcome(GetKeyRotationStatusResponse(
            KeyRotationEnabled: record.rotationPeriodInDays != nil, KeyId: key.arn, RotationPeriodInDays: record.rotationPeriodInDays,
            NextRotationDate: record.nextRotationDate
        ))
    }
}
