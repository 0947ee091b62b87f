import KMSCore

enum TagRole: QueryOperation {
    struct Request: Sendable {
        var roleName: String
        var tags: [ResourceTag]
    }

    static let service = QueryService.iam
    static let name = "TagRole"
    static let action: String? = "iam:TagRole"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(roleName: try parameters.string("RoleName", length: 1...64)!, tags: try parameters.tags())
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.roleARN(request.roleName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["roleName": .string(request.roleName), "tags": .list(request.tags.map { .fields(["key": .string($0.key), "value": .string($0.value)]) })]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireRole(request.roleName, in: context)
        return QueryOutcome(writes: [.tag(.role(request.roleName), request.tags)])
    }
}
