import KMSCore

enum GetRole: QueryOperation {
    struct Request: Sendable {
        var roleName: String
    }

    static let service = QueryService.iam
    static let name = "GetRole"
    static let action: String? = "iam:GetRole"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(roleName: try parameters.string("RoleName", length: 1...64)!)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.roleARN(request.roleName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["roleName": .string(request.roleName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let role = try await IAMShapes.requireRole(request.roleName, in: context)
        return QueryOutcome([.element("Role", IAMShapes.role(role, arn: context.identities.roleARN(role.name)))])
    }
}
