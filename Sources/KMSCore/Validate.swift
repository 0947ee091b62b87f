public import Foundation

/// Request-field checks with the ValidationException wording AWS uses, so that
/// SDK users see the messages they already know.
public enum Validate {
    /// Lengths count Unicode code points, as AWS's length constraints do, not
    /// grapheme clusters: "é" followed by combining accents is many characters.
    public static func length(_ value: String, field: String, in range: ClosedRange<Int>) throws(KMSError) {
        // A string has at most as many code points as UTF-8 bytes and at
        // least a quarter as many, so the byte count (known without a walk)
        // often settles it.
        let bytes = value.utf8.count
        if bytes <= range.upperBound, bytes >= range.lowerBound * 4 || (range.lowerBound <= 1 && bytes >= range.lowerBound) { return }
        try count(value.unicodeScalars.count, field: field, in: range)
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

    /// A character-class pattern of the botocore model, such as
    /// `[\u0020-\u00FF]*` for markers: every code point must fall in one of `allowed`.
    public static func pattern(
        _ value: String, field: String, allowed: [ClosedRange<UInt32>], pattern: String
    ) throws(KMSError) {
        let matches = value.unicodeScalars.allSatisfy { scalar in allowed.contains { $0.contains(scalar.value) } }
        guard matches else {
            throw KMSError.validation("1 validation error detected: Value at '\(field)' failed to satisfy constraint: Member must satisfy regular expression pattern: \(pattern)")
        }
    }

    /// `MarkerType`: 1 to 1024 characters of `[\u0020-\u00FF]*`.
    public static func marker(_ marker: String?) throws(KMSError) {
        guard let marker else { return }
        try length(marker, field: "marker", in: 1...1024)
        try pattern(marker, field: "marker", allowed: [0x20...0xFF], pattern: #"[\u0020-\u00FF]*"#)
    }

    /// A member of one of the model's enumerations.
    public static func enumeration(_ value: String?, field: String, allowed: [String]) throws(KMSError) {
        guard let value, !allowed.contains(value) else { return }
        throw notInEnumeration(value, field: field, allowed: allowed)
    }

    /// The error for a value outside a model enumeration, for callers that have already matched the members.
    public static func notInEnumeration(_ value: String, field: String, allowed: [String]) -> KMSError {
        KMSError.validation("1 validation error detected: Value '\(value)' at '\(field)' failed to satisfy constraint: Member must satisfy enum value set: [\(allowed.joined(separator: ", "))]")
    }

    /// `KeyMaterialIdType`: 64 lowercase hex digits.
    public static func keyMaterialID(_ id: String?) throws(KMSError) {
        guard let id else { return }
        try length(id, field: "keyMaterialId", in: 64...64)
        try pattern(id, field: "keyMaterialId", allowed: [0x30...0x39, 0x61...0x66], pattern: "^[a-f0-9]+$")
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
        for token in tokens {
            try length(token, field: "grantTokens", in: 1...8192)
            guard GrantRules.isWellFormedToken(token) else {
                throw KMSError(.invalidGrantToken, "The grant token is not valid.")
            }
        }
    }

    /// The encryption algorithms of the API; whether the key supports the one
    /// named is checked once the key is known (`KeySlot.algorithm`).
    public static let encryptionAlgorithms = ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"]

    public static func encryptionAlgorithm(_ algorithm: String?, field: String) throws(KMSError) {
        try enumeration(algorithm, field: field, allowed: encryptionAlgorithms)
    }

    /// The MAC algorithms of the API; whether the key supports the one named
    /// is checked once the key is known (`KeySlot.algorithm`).
    public static let macAlgorithms = ["HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"]

    public static func macAlgorithm(_ algorithm: String) throws(KMSError) {
        try enumeration(algorithm, field: "macAlgorithm", allowed: macAlgorithms)
    }

    /// Recipient (Nitro Enclaves attestation) is not supported yet.
    public static func noRecipient(_ present: Bool) throws(KMSError) {
        if present { throw KMSError.unsupported("Recipient (Nitro Enclaves attestation) is not supported by Trent yet.") }
    }
}
