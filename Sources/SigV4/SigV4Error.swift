/// An authentication failure, shaped like the AWS error the client expects.
public struct SigV4Error: Error, Sendable, Equatable {
    /// The AWS error type, sent to the client as `__type`.
    public enum Code: String, Sendable {
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        case invalidSignature = "InvalidSignatureException"
        case unrecognizedClient = "UnrecognizedClientException"
        case expiredToken = "ExpiredTokenException"
        /// The credential lookup itself failed (e.g. storage is down): the
        /// request is rejected, but as a server fault the client may retry.
        case credentialLookupFailed = "InternalFailure"
    }

    public let code: Code
    /// Safe to return to the client: never contains a secret or the expected signature.
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }
}

extension SigV4Error {
    static let missingAuthenticationToken = SigV4Error(
        code: .missingAuthenticationToken, message: "Missing Authentication Token")
    static let signatureMismatch = SigV4Error(
        code: .invalidSignature,
        message: "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
    static let invalidSecurityToken = SigV4Error(
        code: .unrecognizedClient, message: "The security token included in the request is invalid.")

    public static let expiredToken = SigV4Error(code: .expiredToken, message: "The security token included in the request is expired")

    static let credentialLookupFailed = SigV4Error(
        code: .credentialLookupFailed, message: "The request could not be authenticated because of an internal error.")

    static func incomplete(_ message: String) -> SigV4Error { SigV4Error(code: .incompleteSignature, message: message) }
    static func invalid(_ message: String) -> SigV4Error { SigV4Error(code: .invalidSignature, message: message) }
}
