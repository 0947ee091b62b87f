import KMSCore

enum DeleteUser: QueryOperation {
    struct Request: Sendable {
        var userName: String
    }

    static let service = QueryService.iam
    static let name = "DeleteUser"
    static let action: String? = "iam:DeleteUser"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(userName: try parameters.string("UserName", length: 1...128)!)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields { ["userName": .string(request.userName)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        guard request.userName != Identities.rootUserName else {
            throw KMSError(.deleteConflict, "The root identity cannot be deleted.")
        }
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        return QueryOutcome(writes: [.deleteUser(request.userName)])
    }
}
