import KMSPolicy

/// What AWS KMS requires of a key policy, for CreateKey and PutKeyPolicy.
enum KeyPolicyRules {
    /// AWS's limit: 32 KB.
    static let maximumBytes = 32_768
    static let policyName = "default"

    /// Pattern, size, grammar, and principals that exist: the checks that need no caller.
    static func validate(_ policy: String, in environment: ServiceEnvironment) async throws(KMSError) {
        try Validate.length(policy, field: "policy", in: 1...131_072)
        try Validate.pattern(
            policy, field: "policy", allowed: [0x09...0x0A, 0x0D...0x0D, 0x20...0xFF], pattern: #"[\u0009\u000A\u000D\u0020-\u00FF]+"#
        )
        guard policy.utf8.count <= maximumBytes else {
            throw KMSError(.limitExceeded, "The key policy is \(policy.utf8.count) bytes; the limit is \(maximumBytes).")
        }
        let document: PolicyDocument
        do {
            document = try PolicyDocument.parse(policy, kind: .resource)
        } catch {
            throw KMSError(.malformedPolicyDocument, error.message)
        }
        // As AWS does, a principal of this account must exist when the policy is set.
        for arn in document.namedPrincipalARNs where try await !environment.principalExists(arn) {
            throw KMSError(.malformedPolicyDocument, "Policy contains a statement with one or more invalid principals.")
        }
    }

    /// The lockout safety check: the caller must still be allowed to call
    /// PutKeyPolicy under the new policy, unless it chose to bypass the check.
    static func checkLockout(
        _ policy: String, keyARN: String, bypass: Bool?, in context: OperationContext
    ) async throws(KMSError) {
        guard bypass != true else { return }
        do {
            try await context.authorizer.authorize(AuthorizationRequest(
                action: KMSAction("kms:PutKeyPolicy"), resource: keyARN, resourcePolicy: policy, context: context.request
            ))
        } catch where error.code == .accessDenied {
            throw KMSError(
                .malformedPolicyDocument,
                "The new key policy will not allow you to update the key policy in the future."
            )
        }
    }
}

extension ServiceEnvironment {
    /// Whether a user, role or session ARN names a principal that exists.
    /// Other accounts' principals cannot be checked here and are taken as they are.
    func principalExists(_ arn: String) async throws(KMSError) -> Bool {
        let iamPrefix = "arn:aws:iam::\(accountID):"
        let stsPrefix = "arn:aws:sts::\(accountID):assumed-role/"
        if arn.hasPrefix(iamPrefix + "user/") {
            let name = String(arn.dropFirst(iamPrefix.count + "user/".count))
            return try await storage { try await $0.user(named: name) } != nil
        }
        if arn.hasPrefix(iamPrefix + "role/") {
            let name = String(arn.dropFirst(iamPrefix.count + "role/".count))
            return try await storage { try await $0.role(named: name) } != nil
        }
        if arn.hasPrefix(stsPrefix) {
            let role = arn.dropFirst(stsPrefix.count).split(separator: "/").first.map(String.init) ?? ""
            return try await storage { try await $0.role(named: role) } != nil
        }
        return true
    }
}
