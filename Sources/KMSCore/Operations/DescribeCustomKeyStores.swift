public import KMSProtocol

public enum DescribeCustomKeyStores: KMSOperation {
    public static let name = OperationName.DescribeCustomKeyStores
    public static let action = KMSAction("kms:DescribeCustomKeyStores")
    public static let readOnly = true
    public static let keys: [KeySlot<DescribeCustomKeyStoresRequest>] = []

    public static func validate(_ request: DescribeCustomKeyStoresRequest) throws(KMSError) {
        if let id = request.CustomKeyStoreId { try CustomKeyStores.validateID(id) }
        if let name = request.CustomKeyStoreName { try CustomKeyStores.validateName(name, field: "customKeyStoreName") }
        if request.CustomKeyStoreId != nil, request.CustomKeyStoreName != nil {
            throw KMSError.validation("Specify either CustomKeyStoreId or CustomKeyStoreName, not both.")
        }
        try Validate.value(request.Limit ?? 1000, field: "limit", in: 1...1000)
        try Validate.marker(request.Marker)
    }

    public static func auditParameters(_ request: DescribeCustomKeyStoresRequest) -> AuditFields {
        [
            "customKeyStoreId": request.CustomKeyStoreId.map(AuditValue.string),
            "customKeyStoreName": request.CustomKeyStoreName.map(AuditValue.string),
            "limit": request.Limit.map(AuditValue.int),
            "marker": request.Marker.map(AuditValue.string),
        ]
    }

    public static func perform(
        _ request: DescribeCustomKeyStoresRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<DescribeCustomKeyStoresResponse> {
        let env = context.environment
        var stores = try await env.storage { try await $0.customKeyStores() }
        if let id = request.CustomKeyStoreId { stores = stores.filter { $0.id == id } }
        if let name = request.CustomKeyStoreName { stores = stores.filter { $0.name == name } }
        if stores.isEmpty, request.CustomKeyStoreId != nil || request.CustomKeyStoreName != nil {
            throw KMSError(.customKeyStoreNotFound, "AWS KMS cannot find a custom key store with the specified key store name or ID.")
        }
        // The marker is the ID of the last store of the previous page.
        if let marker = request.Marker {
            guard let last = stores.firstIndex(where: { $0.id == marker }) else { throw KMSError(.invalidMarker, "Invalid marker.") }
            stores.removeFirst(last + 1)
        }
        let limit = request.Limit ?? 1000
        let page = stores.prefix(limit)
        let truncated = stores.count > limit
        return Outcome(DescribeCustomKeyStoresResponse(
            CustomKeyStores: page.map { CustomKeyStores.listEntry($0, in: env) },
            NextMarker: truncated ? page.last?.id : nil,
            Truncated: truncated
        ))
    }
}
