import Foundation

/// Alias name rules: `alias/` followed by letters, digits, `/`, `_` and `-`
/// (AWS's pattern `^[a-zA-Z0-9:/_-]+$`, 1–256 characters), and never under
/// `alias/aws/`, which AWS reserves for its managed keys.
enum AliasName {
    static let prefix = "alias/"
    static let reservedPrefix = "alias/aws/"

    /// Validates a name a client wants to create or repoint.
    static func validateForWrite(_ name: String) throws(KMSError) {
        try validateForLookup(name)
        if name.hasPrefix(reservedPrefix) {
            throw KMSError(.notAuthorized, "Alias names beginning with alias/aws/ are reserved for AWS managed keys.")
        }
    }

    /// The alias a `KeyId` field names (`alias/NAME` or an alias ARN), for `kms:RequestAlias`; nil for a key ID or key ARN.
    static func named(in keyID: String) -> String? {
        if keyID.hasPrefix(prefix) { return keyID }
        // An ARN's resource follows its fifth colon: `arn:aws:kms:REGION:ACCOUNT:alias/NAME`.
        guard keyID.hasPrefix("arn:"), let colon = keyID.utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let resource = keyID[keyID.utf8.index(after: colon)...]
        return resource.hasPrefix(prefix) ? String(resource) : nil
    }

    static func validateForLookup(_ name: String) throws(KMSError) {
        try Validate.length(name, field: "aliasName", in: 1...256)
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
        guard allowed else {
            throw KMSError.validation("1 validation error detected: Value '\(name)' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$")
        }
        guard name.hasPrefix(prefix), name.count > prefix.count else {
            throw KMSError(.invalidAliasName, "Alias must start with the prefix \"alias/\" and have a name after it.")
        }
    }
}
