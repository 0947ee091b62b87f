import Foundation
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
        var identityPolicies: [PolicyDocument] = []
        if let owner = principal.policyOwner {
            for text in try await identityPolicyTexts(of: owner) { identityPolicies.append(try document(text, kind: .identity)) }
        }
        let resourcePolicy = try request.resourcePolicy.map { (text) throws(KMSError) in try document(text, kind: .resource) }
        // The one condition key that costs a store read is read only when some policy asks for it.
        var resourceAliases: [String]?
        let asksForAliases = { (policy: PolicyDocument) in policy.conditionKeys.contains("kms:resourcealiases") }
        if let key = request.key, identityPolicies.contains(where: asksForAliases) || resourcePolicy.map(asksForAliases) == true {
            resourceAliases = try await KMSError.fromBackend { try await store.listAliases(for: key.record.id, after: nil, limit: 100) }.map(\.name)
        }
        let evaluation = PolicyRequest(
            action: request.action.description, resource: request.resource, principal: Self.policyPrincipal(principal),
            context: Self.conditionContext(request, resourceAliases: resourceAliases)
        )
        var identityAllows = principal.kind == .root
        for policy in identityPolicies {
            switch policy.evaluate(evaluation) {
            case .explicitDeny: throw Self.denied(request, "with an explicit deny in an identity-based policy")
            case .allow: identityAllows = true
            case .notApplicable: break
            }
        }
        guard let resourcePolicy else {
            if identityAllows { return }
            throw Self.denied(request, "because no identity-based policy allows the \(request.action) action")
        }
        let resourceResult = resourcePolicy.evaluate(evaluation)
        switch resourceResult {
        case .explicitDeny: throw Self.denied(request, "with an explicit deny in a resource-based policy")
        case .allow(.direct): return
        case .allow(.account) where identityAllows: return
        case .allow(.account), .notApplicable: break
        }
        if request.considersGrants, let key = request.key, try await grantAllows(request, key: key) { return }
        if case .allow(.account) = resourceResult {
            throw Self.denied(request, "because no identity-based policy allows the \(request.action) action")
        }
        throw Self.denied(request, "because no resource-based policy allows the \(request.action) action")
    }

    // MARK: grants

    private func grantAllows(_ request: AuthorizationRequest, key: ResolvedKey) async throws(KMSError) -> Bool {
        let operation = request.action.description.dropFirst("kms:".count)
        let principal = request.context.principal
        let constrained = GrantRules.operationsWithEncryptionContext.contains(operation)
        let grants = try await KMSError.fromBackend { try await store.grants(for: key.record.id) }
        return grants.contains { grant in
            (grant.granteePrincipal == principal.arn || grant.granteePrincipal == principal.session?.roleARN)
                && grant.operations.contains { $0 == operation }
                && (!constrained || GrantRules.admits(grant.constraints, request.encryptionContext))
        }
    }

    // MARK: inputs

    private func identityPolicyTexts(of owner: PolicyOwner) async throws(KMSError) -> [String] {
        try await KMSError.fromBackend {
            try await store.inlinePolicies(of: owner).map(\.document) + store.attachedPolicies(of: owner).map(\.document)
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
    /// caller's and the request's circumstances, each computed only when a
    /// policy asks for it.
    private static func conditionContext(_ request: AuthorizationRequest, resourceAliases: [String]?) -> PolicyContext {
        let principal = request.context.principal
        let circumstances = request.context
        let record = request.key?.record
        let (conditions, encryptionContext) = (request.conditions, request.encryptionContext)
        let (algorithm, alias) = (request.encryptionAlgorithm, request.requestAlias)
        return PolicyContext { (name: String) -> (values: [String], multiValued: Bool)? in
            if let given = conditions.first(where: { $0.key.lowercased() == name }) {
                return (given.value, multiValuedKeys.contains(given.key))
            }
            if let contextKey = name.suffix(afterPrefix: "kms:encryptioncontext:") {
                return encryptionContext.first { $0.key.lowercasedEquals(contextKey) }.map { ([$0.value], false) }
            }
            if let tagKey = name.suffix(afterPrefix: "aws:resourcetag/") {
                return record?.tags.first { $0.key.lowercasedEquals(tagKey) }.map { ([$0.value], false) }
            }
            if let tagKey = name.suffix(afterPrefix: "aws:principaltag/") {
                return principal.tags.first { $0.key.lowercasedEquals(tagKey) }.map { ([$0.value], false) }
            }
            let single: String?
            switch name {
            case "kms:encryptioncontextkeys":
                return encryptionContext.isEmpty ? nil : (Array(encryptionContext.keys), true)
            case "kms:resourcealiases":
                return resourceAliases.map { ($0, true) }
            case "kms:encryptionalgorithm": single = algorithm
            case "kms:requestalias": single = alias
            case "kms:keyspec": single = record?.keySpec.rawValue
            case "kms:keyusage": single = record?.keyUsage.rawValue
            case "kms:keyorigin": single = record?.origin.rawValue
            case "kms:calleraccount", "aws:principalaccount": single = principal.accountID
            case "aws:principalarn": single = principal.session?.roleARN ?? principal.arn
            case "aws:principaltype": single = principalType(principal.kind)
            case "aws:userid": single = principal.principalID
            case "aws:username": single = principal.kind == .user ? principal.userName : nil
            case "aws:sourceip": single = circumstances.sourceIPAddress
            case "aws:currenttime": single = circumstances.time.formatted(.iso8601)
            case "aws:epochtime": single = String(Int(circumstances.time.timeIntervalSince1970))
            case "aws:securetransport": single = circumstances.secureTransport ? "true" : "false"
            default: single = nil
            }
            return single.map { ([$0], false) }
        }
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

extension String {
    /// The rest of a lowercased condition key after an ASCII prefix such as `aws:principaltag/`, or nil.
    fileprivate func suffix(afterPrefix prefix: String) -> Substring? {
        guard hasPrefix(prefix) else { return nil }
        return self[utf8.index(startIndex, offsetBy: prefix.utf8.count)...]
    }

    /// Whether this string, lowercased, equals `lowercased`: without allocating for ASCII, which condition keys are.
    fileprivate func lowercasedEquals(_ lowercased: Substring) -> Bool {
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return self.lowercased() == lowercased }
        return utf8.elementsEqual(lowercased.utf8) { mine, theirs in
            ((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(mine) ? mine | 0x20 : mine) == theirs
        }
    }
}
