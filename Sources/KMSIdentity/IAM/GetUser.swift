import KMSCore

enum GetUser: QueryOperation {
    struct Request: Sendable {
        var userName: String
    }

    static let service = QueryService.iam
    static let name = "GetUser"
    static let action: String? = "iam:GetUser"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(userName: try IAMShapes.userName(parameters, caller: caller))
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["userName": .string(request.userName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        let user = try await IAMShapes.requireUser(request.userName, in: context)
        return QueryOutcome([.element("User", IAMShapes.user(user, arn: context.identities.userARN(user.name)))])
    }
}
