public import KMSProtocol

/// One AWS KMS operation: its wire shapes and its business logic. The server's
/// dispatcher decodes the request, verifies the caller and encodes the result;
/// the operation file holds only what the operation itself means.
public protocol KMSOperation: Sendable {
    associatedtype Request: Decodable & Sendable
    associatedtype Response: Encodable & Sendable
    static var name: OperationName { get }
    static func handle(_ request: Request, in context: OperationContext) async throws(KMSError) -> Response
}

/// The operations this release implements. Every other name in
/// `OperationName` answers UnsupportedOperationException.
public enum KMSOperations {
    public static let implemented: [OperationName: any KMSOperation.Type] = {
        let all: [any KMSOperation.Type] = [
            CreateKey.self, DescribeKey.self, ListKeys.self, EnableKey.self, DisableKey.self,
            ScheduleKeyDeletion.self, CancelKeyDeletion.self, UpdateKeyDescription.self,
            CreateAlias.self, UpdateAlias.self, DeleteAlias.self, ListAliases.self,
            Encrypt.self, Decrypt.self, ReEncrypt.self, GenerateDataKey.self,
            GenerateDataKeyWithoutPlaintext.self, GenerateRandom.self,
        ]
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()
}
