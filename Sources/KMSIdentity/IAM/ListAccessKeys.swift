import KMSCore

enum ListAccessKeys: QueryOperation {
    struct Request: Sendable {
        var userName: String
        var parameters: QueryParameters
    }

    static let service = QueryService.iam
    static let name = "ListAccessKeys"
    static let action: String? = "iam:ListAccessKeys"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        _ = try IAMShapes.page([String](), key: { $0 }, parameters: parameters)
        return Request(userName: try IAMShapes.userName(parameters, caller: caller), parameters: parameters)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["userName": .string(request.userName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        let keys = try await context.read { try await $0.listAccessKeys(userName: request.userName) }.sorted { $0.id < $1.id }
        let page = try IAMShapes.page(keys, key: \.id, parameters: request.parameters)
        let items = page.items.map { key -> [XMLNode] in
            [.text("UserName", key.userName), .text("AccessKeyId", key.id), .text("Status", key.status.rawValue), .date("CreateDate", key.createdAt)]
        }
        return QueryOutcome([.members("AccessKeyMetadata", items)] + page.trailer + [.text("UserName", request.userName)])
    }
}
