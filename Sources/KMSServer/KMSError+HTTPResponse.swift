import HTTPTypes
import KMSCore

extension KMSError.Code {
    /// The HTTP status AWS KMS answers each error with. Only server-side
    /// failures are 5xx, because SDKs retry those.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .internalFailure: .internalServerError
        case .dependencyTimeout: .serviceUnavailable
        case .missingAuthenticationToken: .forbidden
        // As the AWS API reference lists it for every operation that takes DryRun.
        case .dryRun: .preconditionFailed
        case .cloudHsmClusterInUse, .cloudHsmClusterInvalidConfiguration, .cloudHsmClusterNotFound, .cloudHsmClusterNotRelated,
             .customKeyStoreHasCMKs, .customKeyStoreInvalidState, .customKeyStoreNameInUse, .customKeyStoreNotFound, .incorrectTrustAnchor,
             .xksKeyAlreadyInUse, .xksKeyInvalidConfiguration, .xksKeyNotFound, .xksProxyIncorrectAuthenticationCredential,
             .xksProxyInvalidConfiguration, .xksProxyInvalidResponse, .xksProxyUriEndpointInUse, .xksProxyUriUnreachable,
             .accessDenied, .alreadyExists, .deleteConflict, .disabled, .expiredToken, .incompleteSignature, .incorrectKey,
             .invalidAliasName, .invalidArn, .invalidCiphertext, .invalidGrantID, .invalidGrantToken, .invalidImportToken, .expiredImportToken, .incorrectKeyMaterial, .invalidKeyUsage, .invalidMac, .invalidKMSSignature, .invalidMarker, .invalidSignature, .invalidState, .limitExceeded,
             .malformedPolicyDocument, .notAuthorized, .notFound, .serialization, .tag, .unknownOperation,
             .throttling, .unrecognizedClient, .unsupportedOperation, .validation,
             .invalidLookupAttributes, .invalidTimeRange, .invalidMaxResults, .invalidNextToken, .invalidEventCategory:
            .badRequest
        }
    }

    /// The HTTP status IAM and STS answer each error with.
    var queryHTTPStatus: HTTPResponse.Status {
        switch self {
        case .internalFailure: .internalServerError
        case .notFound: .notFound
        case .alreadyExists, .deleteConflict, .limitExceeded: .conflict
        case .accessDenied, .notAuthorized, .missingAuthenticationToken, .unrecognizedClient, .invalidSignature, .incompleteSignature:
            .forbidden
        default: .badRequest
        }
    }
}
