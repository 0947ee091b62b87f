import HTTPTypes
import KMSCore

extension KMSError.Code {
    /// The HTTP status AWS KMS answers each error with. Only server-side
    /// failures are 5xx, because SDKs retry those.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .internalFailure: .internalServerError
        case .missingAuthenticationToken: .forbidden
        case .accessDenied, .alreadyExists, .disabled, .dryRun, .incompleteSignature, .incorrectKey, .invalidAliasName, .invalidArn,
             .invalidCiphertext, .invalidKeyUsage, .invalidMarker, .invalidSignature, .invalidState, .limitExceeded,
             .malformedPolicyDocument, .notAuthorized, .notFound, .serialization, .tag, .unknownOperation,
             .throttling, .unrecognizedClient, .unsupportedOperation, .validation:
            .badRequest
        }
    }
}
