public import Foundation

/// Signs requests with the `Authorization` header, as an AWS SDK does for a
/// non-S3 service (normalized path, payload hash of the body).
public struct SigV4Signer: Sendable {
    public let credentials: SigV4Credentials
    public let region: String
    public let service: String

    public init(credentials: SigV4Credentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Returns `request` with `X-Amz-Date`, `X-Amz-Security-Token` (when the
    /// credentials have one) and `Authorization` set; any previous values of
    /// those headers are replaced. Every header of the result is signed, so the
    /// caller must include `Host` (and `Content-Type` etc. as they will be sent).
    public func sign(_ request: SigV4Request, body: [UInt8], date: Date) -> SigV4Request {
        var signed = request
        signed.headers.removeAll { header in
            ["authorization", "x-amz-date", "x-amz-security-token"].contains {
                asciiCaseInsensitiveEquals(header.name, $0)
            }
        }
        let amzDate = AmzDate(date)
        signed.headers.append((name: "X-Amz-Date", value: amzDate.text))
        if let token = credentials.sessionToken {
            signed.headers.append((name: "X-Amz-Security-Token", value: token))
        }

        let signedHeaders = SigV4.sortedSignedHeaders(signed.headers.map(\.name))
        let canonicalRequest = SigV4.canonicalRequestBytes(
            signed, signedHeaders: signedHeaders, payloadHash: SigV4.hexSHA256(body), normalizePath: true)
        let date = String(amzDate.day)
        let scope = SigV4.scope(date: date, region: region, service: service)
        let stringToSign = SigV4.stringToSign(
            canonicalRequestHash: SigV4.hexSHA256(canonicalRequest), amzDate: amzDate.text, scope: scope)
        let signingKey = SigV4.signingKey(
            secret: credentials.secretAccessKey, date: date, region: region, service: service)
        let signature = SigV4.signature(signingKey: signingKey, stringToSign: stringToSign)

        signed.headers.append(
            (
                name: "Authorization",
                value: "\(SigV4.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
                    + "SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
            ))
        return signed
    }
}
