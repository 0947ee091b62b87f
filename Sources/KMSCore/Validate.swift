public import Foundation

/// Request-field checks with the ValidationException wording AWS uses, so that
/// SDK users see the messages they already know.
public enum Validate {
    public static func length(_ value: String, field: String, in range: ClosedRange<Int>) throws(KMSError) {
        try count(value.count, field: field, in: range)
    }

    public static func byteCount(_ value: Data, field: String, in range: ClosedRange<Int>) throws(KMSError) {
        try count(value.count, field: field, in: range)
    }

    private static func count(_ count: Int, field: String, in range: ClosedRange<Int>) throws(KMSError) {
        if count < range.lowerBound {
            throw KMSError.validation("1 validation error detected: Value at '\(field)' failed to satisfy constraint: Member must have length greater than or equal to \(range.lowerBound)")
        }
        if count > range.upperBound {
            throw KMSError.validation("1 validation error detected: Value at '\(field)' failed to satisfy constraint: Member must have length less than or equal to \(range.upperBound)")
        }
    }

    public static func value(_ value: Int, field: String, in range: ClosedRange<Int>) throws(KMSError) {
        guard range.contains(value) else {
            throw KMSError.validation("1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: Member must have value \(value < range.lowerBound ? "greater than or equal to \(range.lowerBound)" : "less than or equal to \(range.upperBound)")")
        }
    }

    public static func grantTokens(_ tokens: [String]?) throws(KMSError) {
        guard let tokens else { return }
        if tokens.count > 10 {
            throw KMSError.validation("1 validation error detected: Value at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10")
        }
        for token in tokens { try length(token, field: "grantTokens", in: 1...8192) }
    }

    /// Only SYMMETRIC_DEFAULT exists for the symmetric keys of this release.
    public static func symmetricAlgorithm(_ algorithm: String?, arn: String) throws(KMSError) -> String {
        let symmetric = "SYMMETRIC_DEFAULT"
        guard let algorithm else { return symmetric }
        let known = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"]
        guard known.contains(algorithm) else {
            throw KMSError.validation("1 validation error detected: Value '\(algorithm)' at 'encryptionAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [\(known.joined(separator: ", "))]")
        }
        guard algorithm == symmetric else {
            throw KMSError(.invalidKeyUsage, "\(arn) key usage is ENCRYPT_DECRYPT with key spec SYMMETRIC_DEFAULT, which does not support \(algorithm).")
        }
        return symmetric
    }

    /// Recipient (Nitro Enclaves attestation) is not supported yet.
    public static func noRecipient(_ present: Bool) throws(KMSError) {
        if present { throw KMSError.unsupported("Recipient (Nitro Enclaves attestation) is not supported by Trent yet.") }
    }

    /// AWS answers a successful DryRun with this error instead of doing the work.
    public static func dryRun(_ flag: Bool?) throws(KMSError) {
        if flag == true { throw KMSError(.dryRun, "The request would have succeeded, but the DryRun flag is set.") }
    }
}
