import KMSCore

enum DeleteUserPolicy: QueryOperation {
    typealias Request = OwnerPolicies.Inline

    static let service = QueryService.iam
    static let name = "DeleteUserPolicy"
    static let action: String? = "iam:DeleteUserPolicy"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        try OwnerPolicies.decodeInline(parameters, role: false, withDocument: false)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { OwnerPolicies.ownerARN(request.owner, in: identities) }
    static func auditParameters(_ request: Request) -> AuditFields { OwnerPolicies.auditInline(request) }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await OwnerPolicies.delete(request, in: context)
    }
}
