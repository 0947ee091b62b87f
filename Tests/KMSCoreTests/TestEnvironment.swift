import Foundation
import KMSCore
import KMSCrypto
import KMSStorageSQLite
import Synchronization

/// A real SQLite store in a fresh temporary directory, a random root key and
/// a clock the test moves by hand.
final class TestEnvironment: Sendable {
    let directory: URL
    let store: SQLiteMetadataStore
    let keyStore: SoftwareKeyStore
    let environment: ServiceEnvironment
    let clock: ManualClock

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("trent-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteMetadataStore(path: directory.appendingPathComponent("trent.sqlite").path)
        keyStore = SoftwareKeyStore(rootKey: try RootKey(rawBytes: RootKey.generateRawBytes()))
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        self.clock = clock
        environment = ServiceEnvironment(store: store, keyStore: keyStore, accountID: "111122223333", region: "us-east-1", now: { clock.now })
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var databasePath: String { directory.appendingPathComponent("trent.sqlite").path }

    var context: OperationContext {
        OperationContext(environment: environment, principal: Principal(userName: "test", accessKeyID: "TEST"), requestID: "test")
    }

    func call<Operation: KMSOperation>(_: Operation.Type, _ json: String) async throws -> Operation.Response {
        let request = try JSONDecoder().decode(Operation.Request.self, from: Data(json.utf8))
        return try await Operation.handle(request, in: context)
    }
}

final class ManualClock: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    var now: Date { current.withLock { $0 } }
    func advance(days: Double) { current.withLock { $0.addTimeInterval(days * 86_400) } }
}
