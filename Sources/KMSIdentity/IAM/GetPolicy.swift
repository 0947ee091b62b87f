import KMSCore

enum GetPolicy: QueryOperation {
    struct Request: Sendable {
        var policyARN: String
    }

    static let service = QueryService.iam
    static let name = "GetPolicy"
    static let action: String? = "iam:GetPolicy"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(policyARN: try IAMShapes.policyARN(parameters))
    }

    static func resource(_ request: Request, in identities: Identities) -> String { request.policyARN }
    static func auditParameters(_ request: Request) -> AuditFields { ["policyArn": .string(request.policyARN)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        guard let policy = try await context.read({ try await $0.managedPolicy(request.policyARN) }) else {
            throw KMSError.notFound("Policy \(request.policyARN) was not found.")
        }
        return QueryOutcome([.element("Policy", IAMShapes.managedPolicy(policy))])
    }
}
