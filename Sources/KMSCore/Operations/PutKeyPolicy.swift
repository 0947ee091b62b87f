public import KMSProtocol

public enum PutKeyPolicy: KMSOperation {
    public static let name = OperationName.PutKeyPolicy
    public static let action = KMSAction("kms:PutKeyPolicy")
    public static let readOnly = false
    public static let keys: [KeySlot<PutKeyPolicyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management, changesKey: true),
    ]

    public static func validate(_ request: PutKeyPolicyRequest) throws(KMSError) {
        try KeyPolicyName.validate(request.PolicyName)
    }

    public static func conditions(_ request: PutKeyPolicyRequest) -> [String: [String]] {
        ["kms:BypassPolicyLockoutSafetyCheck": [request.BypassPolicyLockoutSafetyCheck == true ? "true" : "false"]]
    }

    public static func auditParameters(_ request: PutKeyPolicyRequest) -> AuditFields {
        [
            "keyId": .string(request.KeyId),
            "policyName": .string(request.PolicyName ?? KeyPolicyRules.policyName),
            "policy": .string(request.Policy),
            "bypassPolicyLockoutSafetyCheck": request.BypassPolicyLockoutSafetyCheck.map(AuditValue.bool),
        ]
    }

    public static func perform(_ request: PutKeyPolicyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<Empty> {
        let key = keys[.key]
        try await KeyPolicyRules.validate(request.Policy, in: context.environment)
        try await KeyPolicyRules.checkLockout(request.Policy, keyARN: key.arn, bypass: request.BypassPolicyLockoutSafetyCheck, in: context)
        var updated = key.record
        updated.policy = request.Policy
        return Outcome(Empty(), writes: [.updateKey(updated)])
    }
}
