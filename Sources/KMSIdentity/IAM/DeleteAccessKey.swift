import KMSCore

enum DeleteAccessKey: QueryOperation {
    struct Request: Sendable {
        var userName: String
        var accessKeyID: String
    }

    static let service = QueryService.iam
    static let name = "DeleteAccessKey"
    static let action: String? = "iam:DeleteAccessKey"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(
            userName: try IAMShapes.userName(parameters, caller: caller), accessKeyID: try parameters.string("AccessKeyId", length: 16...128)!
        )
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["userName": .string(request.userName), "accessKeyId": .string(request.accessKeyID)]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        return QueryOutcome(writes: [.deleteAccessKey(id: request.accessKeyID, userName: request.userName)])
    }
}
