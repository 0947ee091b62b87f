import KMSCore

enum CreateAccessKey: QueryOperation {
    struct Request: Sendable {
        var userName: String
    }

    static let service = QueryService.iam
    static let name = "CreateAccessKey"
    static let action: String? = "iam:CreateAccessKey"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(userName: try IAMShapes.userName(parameters, caller: caller))
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["userName": .string(request.userName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        let key = try await context.identities.newAccessKey(for: request.userName)
        return QueryOutcome(
            [.element("AccessKey", [
                .text("UserName", key.issued.UserName), .text("AccessKeyId", key.issued.AccessKeyId), .text("Status", "Active"),
                .text("SecretAccessKey", key.issued.SecretAccessKey), .date("CreateDate", context.request.time),
            ])],
            writes: [key.write]
        )
    }
}
