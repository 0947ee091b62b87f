/// An error as the XKS Proxy API answers it: the spec's `errorName`, its HTTP
/// status, and a message for the caller (KMS logs it in the customer's CloudWatch).
public struct XKSError: Error, Sendable, Equatable {
    /// The error names of the spec's Error Codes table, each with its status.
    public enum Name: String, Sendable, CaseIterable, Codable {
        case validation = "ValidationException"
        case invalidState = "InvalidStateException"
        case invalidCiphertext = "InvalidCiphertextException"
        case invalidKeyUsage = "InvalidKeyUsageException"
        case authenticationFailed = "AuthenticationFailedException"
        case accessDenied = "AccessDeniedException"
        case keyNotFound = "KeyNotFoundException"
        case invalidURIPath = "InvalidUriPathException"
        case throttling = "ThrottlingException"
        case unsupportedOperation = "UnsupportedOperationException"
        case dependencyTimeout = "DependencyTimeoutException"
        case `internal` = "InternalException"

        public var httpStatus: Int {
            switch self {
            case .validation, .invalidState, .invalidCiphertext, .invalidKeyUsage: 400
            case .authenticationFailed: 401
            case .accessDenied: 403
            case .keyNotFound, .invalidURIPath: 404
            case .throttling: 429
            case .unsupportedOperation: 501
            case .dependencyTimeout: 503
            case .internal: 500
            }
        }
    }

    public var name: Name
    /// Sent to the caller: never a secret, a plaintext or a PKCS #11 detail.
    public var message: String

    public init(_ name: Name, _ message: String) {
        self.name = name
        self.message = message
    }

    /// The spec allows printable ASCII only, fewer than 512 characters.
    public var wireMessage: String {
        String(String.UnicodeScalarView(message.unicodeScalars.lazy.filter { (0x20...0x7E).contains($0.value) }.prefix(511)))
    }

    static func validation(_ message: String) -> XKSError { XKSError(.validation, message) }

    /// Every failure to decrypt says the same, whatever the cause.
    static let invalidCiphertext = XKSError(
        .invalidCiphertext,
        "The request was rejected because the specified ciphertext, initialization vector, additional authenticated data or authentication tag is corrupted, missing, or otherwise invalid."
    )
}
