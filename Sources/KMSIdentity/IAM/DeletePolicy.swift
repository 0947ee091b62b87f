import KMSCore

enum DeletePolicy: QueryOperation {
    struct Request: Sendable {
        var policyARN: String
    }

    static let service = QueryService.iam
    static let name = "DeletePolicy"
    static let action: String? = "iam:DeletePolicy"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        Request(policyARN: try IAMShapes.policyARN(parameters))
    }

    static func resource(_ request: Request, in identities: Identities) -> String { request.policyARN }
    static func auditParameters(_ request: Request) -> AuditFields { ["policyArn": .string(request.policyARN)] }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        QueryOutcome(writes: [.deleteManagedPolicy(arn: request.policyARN)])
    }
}
