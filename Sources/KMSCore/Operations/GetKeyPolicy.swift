public import KMSProtocol

public enum GetKeyPolicy: KMSOperation {
    public static let name = OperationName.GetKeyPolicy
    public static let action = KMSAction("kms:GetKeyPolicy")
    public static let readOnly = true
    public static let keys: [KeySlot<GetKeyPolicyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    public static func validate(_ request: GetKeyPolicyRequest) throws(KMSError) {
        try KeyPolicyName.validate(request.PolicyName)
    }

    public static func auditParameters(_ request: GetKeyPolicyRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "policyName": .string(request.PolicyName ?? KeyPolicyRules.policyName)]
    }

    public static func perform(_ request: GetKeyPolicyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<GetKeyPolicyResponse> {
        Outcome(GetKeyPolicyResponse(Policy: keys[.key].record.policy, PolicyName: KeyPolicyRules.policyName))
    }
}

/// Every KMS key has one policy, named `default`.
enum KeyPolicyName {
    static func validate(_ name: String?) throws(KMSError) {
        guard let name else { return }
        try Validate.length(name, field: "policyName", in: 1...128)
        guard name == KeyPolicyRules.policyName else {
            throw KMSError.notFound("The policy name \(name) is not found; every KMS key has one policy, named default.")
        }
    }
}
