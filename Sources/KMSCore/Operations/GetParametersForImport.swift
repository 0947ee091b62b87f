import Foundation
import KMSCrypto
public import KMSProtocol

public enum GetParametersForImport: KMSOperation {
    public static let name = OperationName.GetParametersForImport
    public static let action = KMSAction("kms:GetParametersForImport")
    public static let readOnly = true
    public static let keys: [KeySlot<GetParametersForImportRequest>] = [
        KeySlot(.field(\.KeyId, name: "keyId", aliases: false), action: action, access: .management),
    ]

    static let wrappingAlgorithms = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"]
    static let wrappingKeySpecs = ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"]

    public static func validate(_ request: GetParametersForImportRequest) throws(KMSError) {
        try Validate.enumeration(request.WrappingAlgorithm, field: "wrappingAlgorithm", allowed: wrappingAlgorithms)
        try Validate.enumeration(request.WrappingKeySpec, field: "wrappingKeySpec", allowed: wrappingKeySpecs)
        guard ImportWrappingAlgorithm(rawValue: request.WrappingAlgorithm) != nil else {
            // RSAES_PKCS1_V1_5 is deprecated by AWS; SM2PKE exists only in the China regions.
            throw KMSError.unsupported("WrappingAlgorithm \(request.WrappingAlgorithm) is not supported by Trent; use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.")
        }
        guard request.WrappingKeySpec != "SM2" else {
            throw KMSError.unsupported("WrappingKeySpec SM2 is not supported by Trent (China regions only).")
        }
    }

    public static func auditParameters(_ request: GetParametersForImportRequest) -> AuditFields {
        ["keyId": .string(request.KeyId), "wrappingAlgorithm": .string(request.WrappingAlgorithm), "wrappingKeySpec": .string(request.WrappingKeySpec)]
    }

    /// A fresh wrapping key each call, good for 24 hours and only for this key.
    public static func perform(
        _ request: GetParametersForImportRequest, keys: ResolvedKeys, in context: OperationContext
    ) async throws(KMSError) -> Outcome<GetParametersForImportResponse> {
        let key = keys[.key]
        try KeyImport.checkExternal(key.record, arn: key.arn)
        let env = context.environment
        let validTo = env.now().addingTimeInterval(KeyImport.parametersLifetime)
        // Both were checked by `validate`.
        let algorithm = ImportWrappingAlgorithm(rawValue: request.WrappingAlgorithm)!
        let wrappingKeySpec = KeySpec(rawValue: request.WrappingKeySpec)!
        let parameters = try await env.keyStore.importParameters(
            for: key.record.id, wrappingKeySpec: wrappingKeySpec, algorithm: algorithm, validTo: validTo
        )
        return Outcome(GetParametersForImportResponse(
            KeyId: key.arn, ImportToken: Data(parameters.token), PublicKey: parameters.publicKey,
            ParametersValidTo: Date(timeIntervalSince1970: validTo.timeIntervalSince1970.rounded(.down))
        ))
    }
}
