public import KMSProtocol

public enum DescribeKey: KMSOperation {
    public static let name = OperationName.DescribeKey

    public static func handle(_ request: DescribeKeyRequest, in context: OperationContext) async throws(KMSError) -> DescribeKeyResponse {
        try Validate.grantTokens(request.GrantTokens)
        let record = try await context.environment.resolveKey(request.KeyId)
        return DescribeKeyResponse(KeyMetadata: record.metadata(in: context.environment))
    }
}
