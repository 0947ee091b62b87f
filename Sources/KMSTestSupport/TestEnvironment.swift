public import Foundation
public import KMSCore
public import KMSCrypto
public import KMSStorageSQLite
import Synchronization

/// A real SQLite store in a fresh temporary directory behind the same cache
/// layer and request pipeline the server uses, a random root key, a clock the
/// test moves by hand, and an audit sink that keeps every record.
public final class TestEnvironment: Sendable {
    public static let accountID = "111122223333"
    public static let region = "us-east-1"

    public let directory: URL
    /// The database itself, below the cache.
    public let database: SQLiteMetadataStore
    /// What the operations see: the database behind `CachingMetadataStore`.
    public let store: CachingMetadataStore
    public let rootKey: RootKey
    public let keyStore: SoftwareKeyStore
    public let environment: ServiceEnvironment
    public let audit: RecordingAuditSink
    public let pipeline: RequestPipeline
    public let clock: ManualClock
    private let ownsDirectory: Bool

    /// A fresh environment, or with `sharing`, a second node on the same
    /// database file and root key: its own connection, cache and pipeline, as
    /// another server process would have.
    public init(
        sharing other: TestEnvironment? = nil,
        cacheLifetime: Duration = .seconds(5),
        authorizer: (any Authorizer)? = nil,
        auditSink: ((any MetadataStore) -> any AuditSink)? = nil
    ) throws {
        if let other {
            directory = other.directory
            rootKey = other.rootKey
            clock = other.clock
            ownsDirectory = false
        } else {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            rootKey = try RootKey(rawBytes: RootKey.generateRawBytes())
            clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
            ownsDirectory = true
        }
        database = try SQLiteMetadataStore(path: directory.appendingPathComponent("trent.sqlite").path)
        store = CachingMetadataStore(database, lifetime: cacheLifetime)
        keyStore = SoftwareKeyStore(rootKey: rootKey)
        environment = ServiceEnvironment(
            store: store, keyStore: keyStore, secrets: SecretSealer(rootKey: rootKey), accountID: Self.accountID, region: Self.region,
            now: { [clock] in clock.now }
        )
        audit = RecordingAuditSink(wrapping: auditSink?(store) ?? NoAuditTrail(store: store))
        pipeline = RequestPipeline(
            environment: environment, authorizer: authorizer ?? PolicyAuthorizer(store: store), auditSink: audit
        )
    }

    deinit {
        if ownsDirectory { try? FileManager.default.removeItem(at: directory) }
    }

    public var databasePath: String { directory.appendingPathComponent("trent.sqlite").path }

    /// The account root: the default key policy lets it do everything, as before authorization.
    public static let principal = Principal(
        userName: Identities.rootUserName, userID: accountID, accessKeyID: "AKIDTESTENVIRONMENT1", accountID: accountID
    )

    public func requestContext(principal: Principal = TestEnvironment.principal) -> RequestContext {
        RequestContext(principal: principal, requestID: UUID().uuidString.lowercased(), sourceIPAddress: "192.0.2.1", userAgent: "trent-tests", time: clock.now)
    }

    /// Decodes `json` as the operation's request and runs it through the whole pipeline.
    public func call<Operation: KMSOperation>(
        _: Operation.Type, _ json: String, as principal: Principal = TestEnvironment.principal
    ) async throws -> Operation.Response {
        let request = try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8))
        return try await pipeline.run(Operation.self, request, context: requestContext(principal: principal))
    }

    /// The raw bytes of a key version, unwrapped with the root key: for tests
    /// that prove the bytes never reach a file.
    public func unsafeRawMaterial(of version: StoredKeyVersion) async throws -> [UInt8] {
        let material = try await rootKey.unwrap(
            version.material, format: version.wrappingFormat, spec: version.keySpec, keyID: version.keyID.uuid, version: version.version
        )
        switch material {
        case .symmetric(let symmetric): return symmetric.withUnsafeBytes { Array($0) }
        case .hmac(let hmac): return hmac.withUnsafeBytes { Array($0) }
        case .ecc(let ecc): return ecc.withRawBytes { Array($0) }
        case .rsa(let rsa): return rsa.withDERBytes { Array($0) }
        case .secp256k1(let key): return key.withRawBytes { Array($0) }
        case .mlDsa(let key): return key.withSeedBytes { Array($0) }
        }
    }
}

/// Keeps every audit record in memory, in order, passes the commit on, and
/// counts the commits that lost a compare-and-swap.
public final class RecordingAuditSink: AuditSink {
    public let next: any AuditSink
    private let recorded = Mutex<(events: [AuditEvent], lost: Int)>(([], 0))

    public init(wrapping next: any AuditSink) {
        self.next = next
    }

    public var events: [AuditEvent] { recorded.withLock { $0.events } }
    public var lostCommits: Int { recorded.withLock { $0.lost } }

    public func commit(_ writes: [StoreWrite], recording event: AuditEvent) async throws -> Bool {
        let committed = try await next.commit(writes, recording: event)
        recorded.withLock { committed ? $0.events.append(event) : ($0.lost += 1) }
        return committed
    }
}

public final class ManualClock: Sendable {
    private let current: Mutex<Date>
    public init(_ start: Date) { current = Mutex(start) }
    public var now: Date { current.withLock { $0 } }
    public func advance(days: Double) { current.withLock { $0.addTimeInterval(days * 86_400) } }
}

extension Array where Element == UInt8 {
    /// Whether `subsequence` occurs anywhere in these bytes: for checks that
    /// secrets never reach a file.
    public func contains(subsequence: [UInt8]) -> Bool {
        guard !subsequence.isEmpty, subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { self[$0..<($0 + subsequence.count)].elementsEqual(subsequence) }
    }
}
