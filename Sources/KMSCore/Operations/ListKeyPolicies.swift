public import KMSProtocol

public enum ListKeyPolicies: KMSOperation {
    public static let name = OperationName.ListKeyPolicies
    public static let action = KMSAction("kms:ListKeyPolicies")
    public static let readOnly = true
    public static let keys: [KeySlot<ListKeyPoliciesRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .readOnly),
    ]

    public static func validate(_ request: ListKeyPoliciesRequest) throws(KMSError) {
        try Validate.value(request.Limit ?? 100, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
    }

    public static func auditParameters(_ request: ListKeyPoliciesRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "limit": request.Limit.map(AuditValue.int), "marker": request.Marker.map(AuditValue.string)]
    }

    public static func perform(_ request: ListKeyPoliciesRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<ListKeyPoliciesResponse> {
        // The one policy is on the first page; a marker can only come after it.
        Outcome(ListKeyPoliciesResponse(PolicyNames: request.Marker == nil ? [KeyPolicyRules.policyName] : [], NextMarker: nil, Truncated: false))
    }
}
