import KMSCore

enum UpdateAccessKey: QueryOperation {
    struct Request: Sendable {
        var userName: String
        var accessKeyID: String
        var status: AccessKeyStatus
    }

    static let service = QueryService.iam
    static let name = "UpdateAccessKey"
    static let action: String? = "iam:UpdateAccessKey"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        let id = try parameters.string("AccessKeyId", length: 16...128)!
        let statusText = try parameters.required("Status")
        guard let status = AccessKeyStatus(rawValue: statusText) else {
            throw Validate.notInEnumeration(statusText, field: "status", allowed: ["Active", "Inactive"])
        }
        return Request(userName: try IAMShapes.userName(parameters, caller: caller), accessKeyID: id, status: status)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { identities.userARN(request.userName) }
    static func auditParameters(_ request: Request) -> AuditFields {
        ["userName": .string(request.userName), "accessKeyId": .string(request.accessKeyID), "status": .string(request.status.rawValue)]
    }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        _ = try await IAMShapes.requireUser(request.userName, in: context)
        return QueryOutcome(writes: [.setAccessKeyStatus(id: request.accessKeyID, userName: request.userName, request.status)])
    }
}
