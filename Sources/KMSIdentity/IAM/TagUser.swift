import KMSCore

enum TagUser: QueryOperation {
    struct Request: Sendable {
        var userName: String
        var tags: [ResourceTag]
    }

    static let service = QueryService.iam
    static let name = "TagUser"
    static let action: String? = "iam:TagUser"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(userName: try parameters.string("UserName", length: 1...128)!, tags: try parameters.tags())
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["userName": .string(request.userName), "tags": .list(request.tags.map { .fields(["key": .string($0.key), "value": .string($0.value)]) })]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        return QueryOutcome(writes: [.tag(.user(request.userName), request.tags)])
    }
}
