import KMSCore

enum ListUsers: QueryOperation {
    struct Request: Sendable {
        var parameters: QueryParameters
    }

    static let service = QueryService.iam
    static let name = "ListUsers"
    static let action: String? = "iam:ListUsers"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        _ = try IAMShapes.page([String](), key: { $0 }, parameters: parameters)
        return Request(parameters: parameters)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { "arn:aws:iam::\(identities.accountID):user/" }
    static func auditParameters(_ request: Request) -> AuditFields { [:] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        // The root identity is the account, not a user, as in IAM.
        let users = try await context.read { try await $0.listUsers() }.filter { $0.name != Identities.rootUserName }
        let page = try IAMShapes.page(users, key: \.name, parameters: request.parameters)
        let items = page.items.map { IAMShapes.user($0, arn: context.identities.userARN($0.name), withTags: false) }
        return QueryOutcome([.members("Users", items)] + page.trailer)
    }
}
