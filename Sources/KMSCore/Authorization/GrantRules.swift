import Foundation
import KMSCrypto
import KMSProtocol

/// What AWS KMS requires of grants, and how one applies to a request.
enum GrantRules {
    /// `GrantOperation` in the botocore model.
    static let operations: Set<String> = [
        "Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify",
        "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
        "GenerateMac", "VerifyMac", "DeriveSharedSecret",
    ]

    /// The operations that take an encryption context: the only ones a grant's
    /// constraints apply to, as AWS documents (not CreateGrant, DescribeKey, RetireGrant…).
    static let operationsWithEncryptionContext: Set<Substring> = [
        "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
        "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
    ]

    /// `^[a-zA-Z0-9:/_-]+$`, as code point ranges.
    static let nameCharacters: [ClosedRange<UInt32>] = [0x30...0x3A, 0x41...0x5A, 0x61...0x7A, 0x2F...0x2F, 0x5F...0x5F, 0x2D...0x2D]

    static func validatePrincipal(_ principal: String, field: String) throws(KMSError) {
        try Validate.length(principal, field: field, in: 1...256)
        try Validate.pattern(principal, field: field, allowed: [0x21...0x7E], pattern: "^[\\w+=,.@:/-]+$")
        let isPrincipal = principal.hasPrefix("arn:aws:iam::") || principal.hasPrefix("arn:aws:sts::")
            || principal.hasSuffix(".amazonaws.com")
        guard isPrincipal else {
            throw KMSError.validation("Invalid \(field): \(principal) is not an AWS principal ARN.")
        }
    }

    static func validateOperations(_ requested: [String]) throws(KMSError) {
        guard !requested.isEmpty else {
            throw KMSError.validation("1 validation error detected: Value at 'operations' failed to satisfy constraint: Member must have length greater than or equal to 1")
        }
        for operation in requested where !operations.contains(operation) {
            throw KMSError.validation(
                "1 validation error detected: Value '[\(operation)]' at 'operations' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [\(operations.sorted().joined(separator: ", "))]]"
            )
        }
    }

    /// 64 hexadecimal characters, as AWS writes grant IDs.
    static func newID() -> String {
        secureRandomBytes(count: 32).map { String(format: "%02x", $0) }.joined()
    }

    private static let tokenBytes = 48

    /// An opaque bearer token for RetireGrant and GrantTokens.
    static func newToken() -> String {
        Data(secureRandomBytes(count: tokenBytes)).base64EncodedString()
    }

    /// Whether a string could be a token this service issued; a grant's
    /// existence is what authorizes, so no store read is needed here.
    static func isWellFormedToken(_ token: String) -> Bool {
        Data(base64Encoded: token)?.count == tokenBytes
    }

    /// Whether a string has the form of a grant ID; one that does but names
    /// no grant is NotFoundException, as AWS answers.
    static func validateID(_ id: String) throws(KMSError) {
        guard id.utf8.count == 64, id.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw KMSError(.invalidGrantID, "The grant ID \(id) is not valid.")
        }
    }

    /// Whether a grant's constraints admit an encryption context: all of it
    /// (`EncryptionContextEquals`) or at least its pairs (`EncryptionContextSubset`).
    /// As AWS documents, keys compare without regard to case and values exactly.
    static func admits(_ constraints: GrantConstraints?, _ context: [String: String]) -> Bool {
        guard let constraints else { return true }
        let requested = Dictionary(context.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        if let equals = constraints.EncryptionContextEquals {
            let required = Dictionary(equals.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            if required != requested { return false }
        }
        if let subset = constraints.EncryptionContextSubset {
            if !subset.allSatisfy({ requested[$0.key.lowercased()] == $0.value }) { return false }
        }
        return true
    }

    static func auditConstraints(_ constraints: GrantConstraintsShape) -> AuditValue {
        .fields([
            "encryptionContextEquals": constraints.EncryptionContextEquals.map(AuditValue.init),
            "encryptionContextSubset": constraints.EncryptionContextSubset.map(AuditValue.init),
        ])
    }

    static func listEntry(_ grant: GrantRecord, in environment: ServiceEnvironment) -> GrantListEntry {
        GrantListEntry(
            KeyId: environment.keyARN(grant.keyID), GrantId: grant.id, Name: grant.name, CreationDate: grant.createdAt,
            GranteePrincipal: grant.granteePrincipal, RetiringPrincipal: grant.retiringPrincipal,
            IssuingAccount: "arn:aws:iam::\(grant.issuingAccount):root",
            Operations: grant.operations,
            Constraints: grant.constraints.map {
                GrantConstraintsShape(EncryptionContextSubset: $0.EncryptionContextSubset, EncryptionContextEquals: $0.EncryptionContextEquals)
            }
        )
    }

    /// One page of grants, in creation order; the marker is the last grant ID of the previous page.
    static func page(
        _ grants: [GrantRecord], limit: Int?, marker: String?, in environment: ServiceEnvironment
    ) throws(KMSError) -> ListGrantsResponse {
        let page = try MarkerPage(grants, key: \.id, marker: marker, limit: limit ?? 50)
        return ListGrantsResponse(
            Grants: page.items.map { listEntry($0, in: environment) }, NextMarker: page.nextMarker, Truncated: page.truncated
        )
    }
}
