public import Crypto
public import Foundation

/// The pure SigV4 building blocks (AWS4-HMAC-SHA256), shared by the signer and
/// the verifier.
public enum SigV4 {
    static let algorithm = "AWS4-HMAC-SHA256"
    static let scopeTerminator = "aws4_request"

    /// `AWS4-HMAC-SHA256 \n amzDate \n scope \n hex(SHA-256(canonicalRequest))`.
    public static func stringToSign(canonicalRequest: String, amzDate: String, scope: String) -> String {
        var canonicalRequest = canonicalRequest
        let hash = canonicalRequest.withUTF8 { hexSHA256(UnsafeRawBufferPointer($0)) }
        return stringToSign(canonicalRequestHash: hash, amzDate: amzDate, scope: scope)
    }

    static func stringToSign(canonicalRequestHash: String, amzDate: String, scope: String) -> String {
        var result = ""
        result.reserveCapacity(algorithm.utf8.count + amzDate.utf8.count + scope.utf8.count + 67)
        result += algorithm
        result += "\n"
        result += amzDate
        result += "\n"
        result += scope
        result += "\n"
        result += canonicalRequestHash
        return result
    }

    /// `<yyyymmdd>/<region>/<service>/aws4_request`.
    static func scope(date: String, region: String, service: String) -> String {
        "\(date)/\(region)/\(service)/\(scopeTerminator)"
    }

    /// HMAC chain `"AWS4" + secret → date → region → service → "aws4_request"`.
    public static func signingKey(secret: String, date: String, region: String, service: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array(("AWS4" + secret).utf8))
        for part in [date, region, service, scopeTerminator] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// Lowercase hex HMAC-SHA256 of the string to sign.
    public static func signature(signingKey: SymmetricKey, stringToSign: String) -> String {
        var stringToSign = stringToSign
        return stringToSign.withUTF8 {
            Hex.encode(HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer($0), using: signingKey))
        }
    }

    /// Lowercase hex SHA-256, as used for payload and canonical-request hashes.
    public static func hexSHA256(_ bytes: some DataProtocol) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}
