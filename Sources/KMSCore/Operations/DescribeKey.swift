public import KMSProtocol

public enum DescribeKey: KMSOperation {
    public static let name = OperationName.DescribeKey
    public static let action = KMSAction("kms:DescribeKey")
    public static let readOnly = true
    public static let keys: [KeySlot<DescribeKeyRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: true), action: action, access: .readOnly),
    ]

    public static func validate(_ request: DescribeKeyRequest) throws(KMSError) {
        try Validate.grantTokens(request.GrantTokens)
    }

    public static func auditParameters(_ request: DescribeKeyRequest) -> AuditFields {
        ["keyId": .string(request.KeyId)]
    }

    public static func perform(_ request: DescribeKeyRequest, keys: ResolvedKeys, in context: OperationContext) async throws(KMSError) -> Outcome<DescribeKeyResponse> {
        let record = keys[.key].record
        let env = context.environment
        let store = try await record.customKeyStoreID.asyncMap { (id) async throws(KMSError) in try await env.storage { try await $0.customKeyStore(id) } }
        return Outcome(DescribeKeyResponse(KeyMetadata: record.metadata(in: env, customKeyStore: store ?? nil)))
    }
}
