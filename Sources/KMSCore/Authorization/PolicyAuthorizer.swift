public import Foundation
import KMSPolicy
import KMSCrypto
import Synchronization

/// Decides as AWS does, for KMS keys, IAM entities and role trust:
///
/// 1. An explicit Deny in the caller's identity policies or in the resource's
///    policy (key policy, trust policy) refuses the request.
/// 2. A resource policy that names the caller allows it.
/// 3. A resource policy that names only the caller's account (its `root`)
///    delegates to IAM: an identity policy must allow it too.
/// 4. A grant on the key for the operation, whose constraints the request's
///    encryption context meets, allows it.
/// 5. Without a resource policy (IAM actions, CreateKey, ListKeys) identity
///    policies decide; the account root may do everything.
///
/// Policies are read through the caching store and parsed once per distinct text.
public final class PolicyAuthorizer: Authorizer {
    public let store: any MetadataStore
    private let parsed = Mutex<[String: PolicyDocument]>([:])
    private static let parsedCapacity = 4096

    public init(store: any MetadataStore) {
        self.store = store
    }

    public func authorize(_ request: AuthorizationRequest) async throws(KMSError) {
        let principal = request.context.principal
        var identityTexts: [String] = []
        if let owner = principal.policyOwner { identityTexts = try await identityPolicies(of: owner) }
        let evaluation = PolicyRequest(
            action: request.action.description, resource: request.resource, principal: Self.policyPrincipal(principal),
            context: try await conditionContext(request, policies: identityTexts + [request.resourcePolicy ?? ""])
        )
        var identityAllows = principal.kind == .root
        for text in identityTexts {
            switch try document(text, kind: .identity).evaluate(evaluation) {
            case .explicitDeny: throw Self.denied(request, "with an explicit deny in an identity-based policy")
            case .allow: identityAllows = true
            case .notApplicable: break
            }
        }
        guard let resourcePolicy = request.resourcePolicy else {
            if identityAllows { return }
            throw Self.denied(request, "because no identity-based policy allows the \(request.action) action")
        }
        let resourceResult = try document(resourcePolicy, kind: .resource).evaluate(evaluation)
        switch resourceResult {
        case .explicitDeny: throw Self.denied(request, "with an explicit deny in a resource-based policy")
        case .allow(.direct): return
        case .allow(.account) where identityAllows: return
        case .allow(.account), .notApplicable: break
        }
        if let key = request.key, try await grantAllows(request, key: key) { return }
        if case .allow(.account) = resourceResult {
            throw Self.denied(request, "because no identity-based policy allows the \(request.action) action")
        }
        throw Self.denied(request, "because no resource-based policy allows the \(request.action) action")
    }

    // MARK: grants

    private func grantAllows(_ request: AuthorizationRequest, key: ResolvedKey) async throws(KMSError) -> Bool {
        let operation = request.action.description.dropFirst("kms:".count)
        let principal = request.context.principal
        let grants = try await KMSError.fromBackend { try await store.grants(for: key.record.id) }
        return grants.contains { grant in
            (grant.granteePrincipal == principal.arn || grant.granteePrincipal == principal.session?.roleARN)
                && grant.operations.contains { $0 == operation }
                && GrantRules.admits(grant.constraints, request.encryptionContext)
        }
    }

    // MARK: inputs

    private func identityPolicies(of owner: PolicyOwner) async throws(KMSError) -> [String] {
        try await KMSError.fromBackend {
            async let inline = store.inlinePolicies(of: owner)
            async let attached = store.attachedPolicies(of: owner)
            return try await inline.map(\.document) + attached.map(\.document)
        }
    }

    /// A stored policy, parsed once. Stored policies were validated when
    /// written, so one that no longer parses is an internal fault, never an allow.
    private func document(_ text: String, kind: PolicyKind) throws(KMSError) -> PolicyDocument {
        if let cached = parsed.withLock({ $0[text] }) { return cached }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(text, kind: kind)
        } catch {
            throw KMSError.internalFailure(error)
        }
        parsed.withLock { cache in
            if cache.count >= Self.parsedCapacity { cache.removeAll(keepingCapacity: true) }
            cache[text] = document
        }
        return document
    }

    static func policyPrincipal(_ principal: Principal) -> PolicyPrincipal {
        PolicyPrincipal(
            arn: principal.arn, accountID: principal.accountID, roleARN: principal.session?.roleARN, isAccountRoot: principal.kind == .root
        )
    }

    /// The condition keys of a request: the operation's own, the key's, the
    /// caller's and the request's circumstances.
    private func conditionContext(_ request: AuthorizationRequest, policies: [String]) async throws(KMSError) -> PolicyContext {
        let principal = request.context.principal
        var context = PolicyContext()
        for (key, values) in request.conditions {
            context.set(key, values, multiValued: Self.multiValuedKeys.contains(key))
        }
        if !request.encryptionContext.isEmpty {
            for (key, value) in request.encryptionContext { context.set("kms:EncryptionContext:\(key)", [value]) }
            context.set("kms:EncryptionContextKeys", Array(request.encryptionContext.keys), multiValued: true)
        }
        if let key = request.key {
            let record = key.record
            context.set("kms:KeySpec", [record.keySpec.rawValue])
            context.set("kms:KeyUsage", [record.keyUsage.rawValue])
            context.set("kms:KeyOrigin", [record.origin.rawValue])
            for tag in record.tags { context.set("aws:ResourceTag/\(tag.key)", [tag.value]) }
            // Costs a store read, so only looked up when a policy could read it.
            if policies.contains(where: { $0.range(of: "kms:ResourceAliases", options: .caseInsensitive) != nil }) {
                let aliases = try await KMSError.fromBackend { try await store.listAliases(for: record.id, after: nil, limit: 100) }
                context.set("kms:ResourceAliases", aliases.map(\.name), multiValued: true)
            }
        }
        context.set("kms:CallerAccount", [principal.accountID])
        context.set("aws:PrincipalArn", [principal.session?.roleARN ?? principal.arn])
        context.set("aws:PrincipalAccount", [principal.accountID])
        context.set("aws:PrincipalType", [Self.principalType(principal.kind)])
        context.set("aws:userid", [principal.principalID])
        if principal.kind == .user, let name = principal.userName { context.set("aws:username", [name]) }
        for (key, value) in principal.tags { context.set("aws:PrincipalTag/\(key)", [value]) }
        if let address = request.context.sourceIPAddress { context.set("aws:SourceIp", [address]) }
        let time = request.context.time
        context.set("aws:CurrentTime", [time.formatted(.iso8601)])
        context.set("aws:EpochTime", [String(Int(time.timeIntervalSince1970))])
        context.set("aws:SecureTransport", [request.context.secureTransport ? "true" : "false"])
        return context
    }

    static let multiValuedKeys: Set<String> = ["aws:TagKeys", "kms:GrantOperations", "kms:EncryptionContextKeys", "kms:ResourceAliases"]

    private static func principalType(_ kind: Principal.Kind) -> String {
        switch kind {
        case .root: "Account"
        case .user: "User"
        case .assumedRole: "AssumedRole"
        }
    }

    static func denied(_ request: AuthorizationRequest, _ reason: String) -> KMSError {
        KMSError(
            .accessDenied,
            "User: \(request.context.principal.arn) is not authorized to perform: \(request.action) on resource: \(request.resource) \(reason)"
        )
    }
}
