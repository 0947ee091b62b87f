public import Foundation
public import KMSCore
import KMSCrypto
public import KMSStorageSQLite
import Synchronization

/// A real SQLite store in a fresh temporary directory, a random root key and
/// a clock the test moves by hand.
public final class TestEnvironment: Sendable {
    public let directory: URL
    public let store: SQLiteMetadataStore
    public let keyStore: SoftwareKeyStore
    public let environment: ServiceEnvironment
    public let clock: ManualClock

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteMetadataStore(path: directory.appendingPathComponent("trent.sqlite").path)
        keyStore = SoftwareKeyStore(rootKey: try RootKey(rawBytes: RootKey.generateRawBytes()))
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        self.clock = clock
        environment = ServiceEnvironment(store: store, keyStore: keyStore, accountID: "111122223333", region: "us-east-1", now: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public var databasePath: String { directory.appendingPathComponent("trent.sqlite").path }

    public var context: OperationContext {
        OperationContext(environment: environment, principal: Principal(userName: "test", accessKeyID: "TEST"), requestID: "test")
    }

    public func call<Operation: KMSOperation>(_: Operation.Type, _ json: String) async throws -> Operation.Response {
        let request = try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8))
        return try await Operation.handle(request, in: context)
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
