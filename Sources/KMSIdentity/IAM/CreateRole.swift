import KMSCore

enum CreateRole: QueryOperation {
    struct Request: Sendable {
        var roleName: String
        var trustPolicy: String
        var description: String?
        var maxSessionDuration: Int
        var tags: [ResourceTag]
    }

    static let service = QueryService.iam
    static let name = "CreateRole"
    static let action: String? = "iam:CreateRole"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        let name = try parameters.required("RoleName")
        try Identities.validateName(name, of: "Role")
        let trust = try parameters.string("AssumeRolePolicyDocument", length: 1...131_072)!
        try IAMShapes.validateTrustPolicy(trust)
        return Request(
            roleName: name, trustPolicy: trust, description: try parameters.string("Description", length: 0...1000, required: false),
            maxSessionDuration: try parameters.integer("MaxSessionDuration", in: 3600...43200) ?? 3600, tags: try parameters.tags()
        )
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.roleARN(request.roleName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["roleName": .string(request.roleName), "assumeRolePolicyDocument": .string(request.trustPolicy),
         "maxSessionDuration": .int(request.maxSessionDuration)]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let role = RoleRecord(
            name: request.roleName, id: Identities.generateID(prefix: "AROA"), trustPolicy: request.trustPolicy,
            description: request.description, maxSessionDuration: request.maxSessionDuration, createdAt: context.request.time,
            tags: request.tags
        )
        return QueryOutcome([.element("Role", IAMShapes.role(role, arn: context.identities.roleARN(role.name)))], writes: [.createRole(role)])
    }
}
