import KMSCore

enum DetachRolePolicy: QueryOperation {
    typealias Request = OwnerPolicies.Attachment

    static let service = QueryService.iam
    static let name = "DetachRolePolicy"
    static let action: String? = "iam:DetachRolePolicy"

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Request {
        try OwnerPolicies.decodeAttachment(parameters, role: true)
    }

    static func resource(_ request: Request, in identities: Identities) -> String { OwnerPolicies.ownerARN(request.owner, in: identities) }
    static func auditParameters(_ request: Request) -> AuditFields { OwnerPolicies.auditAttachment(request) }

    static func perform(_ request: Request, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await OwnerPolicies.detach(request, in: context)
    }
}
