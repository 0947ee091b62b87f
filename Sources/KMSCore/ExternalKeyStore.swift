import Foundation

/// Where an external key store's proxy is and how Trent signs its calls
/// (SigV4, service `kms-xks-proxy`).
public struct XKSProxyEndpoint: Sendable, Hashable {
    /// `https://host[:port]`, or `http://` to a loopback address (tests only).
    public var uriEndpoint: String
    /// `[/prefix]/kms/xks/v1`.
    public var uriPath: String
    public var accessKeyID: String
    public var secretAccessKey: String

    public init(uriEndpoint: String, uriPath: String, accessKeyID: String, secretAccessKey: String) {
        self.uriEndpoint = uriEndpoint
        self.uriPath = uriPath
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
}

/// The XKS Proxy API's requestMetadata: who asked Trent for what.
public struct XKSRequestMetadata: Sendable, Hashable {
    public var awsPrincipalArn: String?
    public var kmsKeyArn: String?
    public var kmsOperation: String
    public var kmsRequestId: String

    public init(awsPrincipalArn: String?, kmsKeyArn: String?, kmsOperation: String, kmsRequestId: String) {
        self.awsPrincipalArn = awsPrincipalArn
        self.kmsKeyArn = kmsKeyArn
        self.kmsOperation = kmsOperation
        self.kmsRequestId = kmsRequestId
    }
}

/// GetKeyMetadata's answer.
public struct XKSKeyMetadata: Sendable, Hashable {
    public var keySpec: String
    public var keyUsage: [String]
    public var keyStatus: String

    public init(keySpec: String, keyUsage: [String], keyStatus: String) {
        self.keySpec = keySpec
        self.keyUsage = keyUsage
        self.keyStatus = keyStatus
    }
}

/// What the proxy's Encrypt returns and its Decrypt takes back.
public struct XKSCiphertext: Sendable, Hashable {
    public var ciphertext: [UInt8]
    public var initializationVector: [UInt8]
    public var authenticationTag: [UInt8]
    /// Up to 20 bytes the proxy may add, authenticated with the AAD.
    public var ciphertextMetadata: [UInt8]?

    public init(ciphertext: [UInt8], initializationVector: [UInt8], authenticationTag: [UInt8], ciphertextMetadata: [UInt8]?) {
        self.ciphertext = ciphertext
        self.initializationVector = initializationVector
        self.authenticationTag = authenticationTag
        self.ciphertextMetadata = ciphertextMetadata
    }
}

/// How a call to the proxy failed, before Trent names it as the KMS operation requires.
public enum XKSProxyFailure: Error, Sendable, Hashable {
    /// No answer within the budget (250 ms per call, as AWS KMS allows).
    case timedOut
    /// No connection (refused, DNS, reset).
    case unreachable(String)
    /// The TLS handshake failed: the proxy's certificate is not trusted, or TLS is misconfigured.
    case tls(String)
    /// The proxy refused the signature (AuthenticationFailedException, 401) or the caller (AccessDeniedException, 403).
    case rejected(errorName: String, message: String)
    /// An answer that is not the spec's shape.
    case invalidResponse(String)
    /// One of the spec's other errors (KeyNotFoundException, InvalidCiphertextException, InvalidStateException, …).
    case proxyError(errorName: String, message: String)
}

/// A connection to one external key store's proxy.
public protocol XKSProxyClient: Sendable {
    func health(_ metadata: XKSRequestMetadata) async throws(XKSProxyFailure)
    func keyMetadata(of keyID: String, _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> XKSKeyMetadata
    func encrypt(_ plaintext: [UInt8], key keyID: String, aad: [UInt8], _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> XKSCiphertext
    func decrypt(_ ciphertext: XKSCiphertext, key keyID: String, aad: [UInt8], _ metadata: XKSRequestMetadata) async throws(XKSProxyFailure) -> [UInt8]
    func close() async
}

/// Makes proxy clients; implemented over HTTP (`KMSKeyStoreXKS`).
public protocol XKSConnector: Sendable {
    func client(for endpoint: XKSProxyEndpoint) throws(XKSProxyFailure) -> any XKSProxyClient
}

extension XKSProxyFailure {
    /// DescribeCustomKeyStores' ConnectionErrorCode for a health check that failed.
    var connectionError: CustomKeyStoreConnectionError {
        switch self {
        case .timedOut: .xksProxyTimedOut
        case .unreachable: .xksProxyNotReachable
        case .tls: .xksProxyInvalidTLSConfiguration
        case .rejected: .xksProxyAccessDenied
        case .invalidResponse: .xksProxyInvalidResponse
        case .proxyError: .xksProxyInvalidConfiguration
        }
    }

    /// The error of a management operation (CreateCustomKeyStore, UpdateCustomKeyStore) whose health check failed.
    var managementError: KMSError {
        switch self {
        case .timedOut, .unreachable, .tls:
            KMSError(.xksProxyUriUnreachable, "Trent was unable to reach the external key store proxy: \(self.detail).")
        case .rejected:
            KMSError(.xksProxyIncorrectAuthenticationCredential, "The external key store proxy rejected the authentication credential: \(self.detail).")
        case .invalidResponse:
            KMSError(.xksProxyInvalidResponse, "Trent cannot interpret the response of the external key store proxy: \(self.detail).")
        case .proxyError:
            KMSError(.xksProxyInvalidConfiguration, "The external key store proxy is not configured correctly: \(self.detail).")
        }
    }

    /// As AWS KMS: a cryptographic operation that fails for the external key store's sake is KMSInvalidStateException, the reason in its message.
    func cryptographicError(keyARN: String) -> KMSError {
        if case .proxyError("InvalidCiphertextException", _) = self { return KMSError.invalidCiphertext() }
        return KMSError(.invalidState, "\(keyARN) is unavailable: its external key store proxy failed (\(connectionError.rawValue)): \(detail).", underlying: self)
    }

    var detail: String {
        switch self {
        case .timedOut: "no answer within 250 ms"
        case .unreachable(let reason), .tls(let reason), .invalidResponse(let reason): reason
        case .rejected(let name, let message), .proxyError(let name, let message): message.isEmpty ? name : "\(name): \(message)"
        }
    }
}
