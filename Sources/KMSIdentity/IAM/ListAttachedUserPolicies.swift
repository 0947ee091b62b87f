import KMSCore

enum ListAttachedUserPolicies: QueryOperation {
    typealias Listing = OwnerPolicies.Listing

    static let service = QueryService.iam
    static let name = "ListAttachedUserPolicies"
    static let action: String? = "iam:ListAttachedUserPolicies"
    static let readOnly = true

    static func decode(_ parameters: QueryParameters, caller: Principal) throws(KMSError) -> Listing {
        Listing(owner: try OwnerPolicies.owner(parameters, role: false), parameters: parameters)
    }

    static func resource(_ request: Listing, in identities: Identities) -> String { OwnerPolicies.ownerARN(request.owner, in: identities) }
    static func auditParameters(_ request: Listing) -> AuditFields { OwnerPolicies.auditOwner(request.owner) }

    static func perform(_ request: Listing, in context: QueryContext) async throws(KMSError) -> QueryOutcome {
        try await OwnerPolicies.listAttached(request.owner, parameters: request.parameters, in: context)
    }
}
