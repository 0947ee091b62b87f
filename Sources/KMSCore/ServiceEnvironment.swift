public import Foundation

/// Everything an operation may use, fixed for the life of the server. A
/// class, so that handing it to every request copies one reference.
public final class ServiceEnvironment: Sendable {
    public let store: any MetadataStore
    public let keyStore: any KeyStore
    /// Which custom key stores are connected, and their tokens.
    public let customKeyStores: CustomKeyStoreConnections
    /// Seals custom key store passwords under the root key.
    public let secrets: SecretSealer
    public let accountID: String
    public let region: String
    /// Injectable so tests can move time, e.g. past a deletion date.
    public let now: @Sendable () -> Date
    /// Cryptographic uses of keys not yet written to the store.
    public let usage = KeyUsageTracker()

    public init(
        store: any MetadataStore, keyStore: any KeyStore, secrets: SecretSealer, accountID: String, region: String,
        customKeyStores: CustomKeyStoreConnections = CustomKeyStoreConnections(connector: nil),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.keyStore = keyStore
        self.secrets = secrets
        self.customKeyStores = customKeyStores
        self.accountID = accountID
        self.region = region
        self.now = now
        self.arnPrefix = "arn:aws:kms:\(region):\(accountID):"
    }

    /// `arn:aws:kms:REGION:ACCOUNT:`, which every key and alias ARN here starts with.
    public let arnPrefix: String

    public func keyARN(_ id: KeyID) -> String { arnPrefix + "key/" + id.description }
    public func aliasARN(_ name: String) -> String { arnPrefix + name }

    /// Runs a storage call, turning any non-`KMSError` failure into an internal
    /// error. Inlined, so the data plane's lookups pay for no closure.
    @inline(__always)
    public func storage<T>(_ body: (any MetadataStore) async throws -> T) async throws(KMSError) -> T {
        try await KMSError.fromBackend { try await body(store) }
    }
}

/// Per-request context handed to every operation.
public struct OperationContext: Sendable {
    public let environment: ServiceEnvironment
    public let request: RequestContext
    /// For operations whose rules depend on a second authorization question:
    /// the key policy lockout check, who may retire a grant.
    public let authorizer: any Authorizer

    public init(environment: ServiceEnvironment, request: RequestContext, authorizer: any Authorizer) {
        self.environment = environment
        self.request = request
        self.authorizer = authorizer
    }
}

extension ServiceEnvironment {
    /// The record of the service's own work on a key.
    func serviceEvent(_ name: String, on key: KeyID, at time: Date) -> AuditEvent {
        var event = AuditEvent(serviceEventName: name, accountID: accountID, region: region, time: time, requestID: UUID().uuidString.lowercased())
        event.resources = [keyARN(key)]
        return event
    }
}
