/// The one error type of the service. `code` maps one-to-one onto an AWS error
/// name (`__type`); `message` is safe to send to a client; `underlying` is for
/// logs only and is never serialized.
public struct KMSError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case accessDenied = "AccessDeniedException"
        case alreadyExists = "AlreadyExistsException"
        // Custom key stores.
        case cloudHsmClusterInUse = "CloudHsmClusterInUseException"
        case cloudHsmClusterInvalidConfiguration = "CloudHsmClusterInvalidConfigurationException"
        case cloudHsmClusterNotFound = "CloudHsmClusterNotFoundException"
        case cloudHsmClusterNotRelated = "CloudHsmClusterNotRelatedException"
        case customKeyStoreHasCMKs = "CustomKeyStoreHasCMKsException"
        case customKeyStoreInvalidState = "CustomKeyStoreInvalidStateException"
        case customKeyStoreNameInUse = "CustomKeyStoreNameInUseException"
        case customKeyStoreNotFound = "CustomKeyStoreNotFoundException"
        case incorrectTrustAnchor = "IncorrectTrustAnchorException"
        case xksKeyAlreadyInUse = "XksKeyAlreadyInUseException"
        case xksKeyInvalidConfiguration = "XksKeyInvalidConfigurationException"
        case xksKeyNotFound = "XksKeyNotFoundException"
        case xksProxyIncorrectAuthenticationCredential = "XksProxyIncorrectAuthenticationCredentialException"
        case xksProxyInvalidConfiguration = "XksProxyInvalidConfigurationException"
        case xksProxyInvalidResponse = "XksProxyInvalidResponseException"
        case xksProxyUriEndpointInUse = "XksProxyUriEndpointInUseException"
        case xksProxyUriUnreachable = "XksProxyUriUnreachableException"
        /// A dependency (an external key store proxy) did not answer in time; SDKs retry it.
        case dependencyTimeout = "DependencyTimeoutException"
        /// IAM only: an entity still has what must go first.
        case deleteConflict = "DeleteConflict"
        case disabled = "DisabledException"
        case dryRun = "DryRunOperationException"
        case expiredToken = "ExpiredTokenException"
        case expiredImportToken = "ExpiredImportTokenException"
        case incompleteSignature = "IncompleteSignatureException"
        case incorrectKey = "IncorrectKeyException"
        case incorrectKeyMaterial = "IncorrectKeyMaterialException"
        case internalFailure = "KMSInternalException"
        case invalidAliasName = "InvalidAliasNameException"
        case invalidArn = "InvalidArnException"
        case invalidCiphertext = "InvalidCiphertextException"
        case invalidGrantID = "InvalidGrantIdException"
        case invalidGrantToken = "InvalidGrantTokenException"
        case invalidImportToken = "InvalidImportTokenException"
        case invalidKeyUsage = "InvalidKeyUsageException"
        case invalidMac = "KMSInvalidMacException"
        case invalidKMSSignature = "KMSInvalidSignatureException"
        // CloudTrail's LookupEvents.
        case invalidLookupAttributes = "InvalidLookupAttributesException"
        case invalidTimeRange = "InvalidTimeRangeException"
        case invalidMaxResults = "InvalidMaxResultsException"
        case invalidNextToken = "InvalidNextTokenException"
        case invalidEventCategory = "InvalidEventCategoryException"
        case invalidMarker = "InvalidMarkerException"
        case invalidSignature = "InvalidSignatureException"
        case invalidState = "KMSInvalidStateException"
        case limitExceeded = "LimitExceededException"
        case malformedPolicyDocument = "MalformedPolicyDocumentException"
        case missingAuthenticationToken = "MissingAuthenticationTokenException"
        case notAuthorized = "NotAuthorizedException"
        case notFound = "NotFoundException"
        case serialization = "SerializationException"
        case tag = "TagException"
        /// Retried by every AWS SDK; answered when a change keeps losing to
        /// concurrent changes made elsewhere.
        case throttling = "ThrottlingException"
        case unknownOperation = "UnknownOperationException"
        case unrecognizedClient = "UnrecognizedClientException"
        case unsupportedOperation = "UnsupportedOperationException"
        case validation = "ValidationException"

        /// The AWS error name, sent as `__type`.
        public var awsName: String { rawValue }

        /// The name IAM and STS give the same error in their Query protocol's `<Code>`.
        public var queryName: String {
            switch self {
            case .accessDenied, .notAuthorized: "AccessDenied"
            case .alreadyExists: "EntityAlreadyExists"
            case .deleteConflict: "DeleteConflict"
            case .expiredToken: "ExpiredToken"
            case .incompleteSignature: "IncompleteSignature"
            case .internalFailure: "ServiceFailure"
            case .invalidSignature: "SignatureDoesNotMatch"
            case .limitExceeded: "LimitExceeded"
            case .malformedPolicyDocument: "MalformedPolicyDocument"
            case .missingAuthenticationToken: "MissingAuthenticationToken"
            case .notFound: "NoSuchEntity"
            case .throttling: "Throttling"
            case .unknownOperation, .unsupportedOperation: "InvalidAction"
            case .unrecognizedClient: "InvalidClientTokenId"
            case .cloudHsmClusterInUse, .cloudHsmClusterInvalidConfiguration, .cloudHsmClusterNotFound, .cloudHsmClusterNotRelated,
                 .customKeyStoreHasCMKs, .customKeyStoreInvalidState, .customKeyStoreNameInUse, .customKeyStoreNotFound, .incorrectTrustAnchor,
                 .xksKeyAlreadyInUse, .xksKeyInvalidConfiguration, .xksKeyNotFound, .xksProxyIncorrectAuthenticationCredential,
                 .xksProxyInvalidConfiguration, .xksProxyInvalidResponse, .xksProxyUriEndpointInUse, .xksProxyUriUnreachable, .dependencyTimeout,
                 .disabled, .dryRun, .incorrectKey, .incorrectKeyMaterial, .expiredImportToken, .invalidImportToken, .invalidAliasName, .invalidArn, .invalidCiphertext, .invalidGrantID,
                 .invalidGrantToken, .invalidKeyUsage, .invalidMac, .invalidKMSSignature, .invalidMarker, .invalidState, .serialization, .tag, .validation,
                 .invalidLookupAttributes, .invalidTimeRange, .invalidMaxResults, .invalidNextToken, .invalidEventCategory:
                "ValidationError"
            }
        }
    }

    public var code: Code
    public var message: String
    public var underlying: (any Error & Sendable)?
    public var file: String
    public var line: Int

    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.underlying = underlying
        self.file = file
        self.line = line
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "\(code.awsName): \(message)" }
    public var debugDescription: String {
        var text = "\(code.awsName): \(message) [\(file):\(line)]"
        if let underlying { text += " caused by: \(String(reflecting: underlying))" }
        return text
    }
}

extension KMSError {
    public static func notFound(_ message: String, file: String = #fileID, line: Int = #line) -> KMSError {
        KMSError(.notFound, message, file: file, line: line)
    }

    public static func validation(_ message: String, file: String = #fileID, line: Int = #line) -> KMSError {
        KMSError(.validation, message, file: file, line: line)
    }

    /// Every decrypt failure looks the same to the client, whatever went wrong.
    public static func invalidCiphertext(file: String = #fileID, line: Int = #line) -> KMSError {
        KMSError(.invalidCiphertext, "The ciphertext is invalid or was not encrypted under this encryption context.", file: file, line: line)
    }

    public static func internalFailure(_ underlying: any Error & Sendable, file: String = #fileID, line: Int = #line) -> KMSError {
        KMSError(.internalFailure, "The request could not be completed because of an internal error.", underlying: underlying, file: file, line: line)
    }

    public static func unsupported(_ message: String, file: String = #fileID, line: Int = #line) -> KMSError {
        KMSError(.unsupportedOperation, message, file: file, line: line)
    }
}

extension KMSError {
    /// Runs a call into a backend (a store, an audit sink), passing a
    /// `KMSError` on and turning any other failure into an internal error.
    @inline(__always)
    public static func fromBackend<T>(_ body: () async throws -> T) async throws(KMSError) -> T {
        do {
            return try await body()
        } catch let error as KMSError {
            throw error
        } catch {
            throw KMSError.internalFailure(error)
        }
    }
}
