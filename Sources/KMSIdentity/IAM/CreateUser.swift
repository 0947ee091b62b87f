import KMSCore

enum CreateUser: QueryOperation {
    struct Request: Sendable {
        var userName: String
        var tags: [ResourceTag]
    }

    static let service = QueryService.iam
    static let name = "CreateUser"
    static let action: String? = "iam:CreateUser"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        let name = try parameters.required("UserName")
        try Identities.validateName(name, of: "User")
        return Request(userName: name, tags: try parameters.tags())
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["userName": .string(request.userName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let user = try context.identities.newUser(named: request.userName, tags: request.tags)
        return QueryOutcome(
            [.element("User", IAMShapes.user(user, arn: context.identities.userARN(user.name)))], writes: [.createUser(user)]
        )
    }
}
