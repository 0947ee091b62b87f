import Foundation
import NIOPosix
@testable import KMSKeyStorePKCS11
import Synchronization

/// A fresh SoftHSMv2 token, initialised with `softhsm2-util` in a token
/// directory of this test process's own.
struct SoftHSMToken: Sendable {
    static let modulePath = "/usr/lib/softhsm/libsofthsm2.so"
    static let utilityPath = "/usr/bin/softhsm2-util"
    static let isAvailable =
        FileManager.default.fileExists(atPath: modulePath) && FileManager.default.isExecutableFile(atPath: utilityPath)

    struct FixtureFailed: Error, CustomStringConvertible {
        var description: String
    }

    let label: String
    let pin: [UInt8]
    let module: PKCS11Module

    /// How many tokens the tests take, one each, so that closing a token's sessions disturbs no other test.
    private static let tokenCount = 12

    /// The tokens, initialised once for the whole process before the module is
    /// first loaded: SoftHSM reads `SOFTHSM2_CONF` and finds the tokens in
    /// `C_Initialize`, and doesn't see tokens initialised after it.
    private static let prepared = Result { () throws -> [SoftHSMToken] in
        let directory = FileManager.default.temporaryDirectory.appending(path: "trent-softhsm-\(UUID())")
        let tokenDirectory = directory.appending(path: "tokens")
        try FileManager.default.createDirectory(at: tokenDirectory, withIntermediateDirectories: true)
        let configuration = directory.appending(path: "softhsm2.conf")
        try "directories.tokendir = \(tokenDirectory.path)\nobjectstore.backend = file\nlog.level = ERROR\n"
            .write(to: configuration, atomically: true, encoding: .utf8)
        setenv("SOFTHSM2_CONF", configuration.path, 1)
        let labelsAndPINs = (1...tokenCount).map { ("trent-\($0)", "user-pin-\($0)") }
        for (label, pin) in labelsAndPINs {
            try runUtility(["--init-token", "--free", "--label", label, "--so-pin", "so-pin", "--pin", pin], configuration: configuration.path)
        }
        let module = try PKCS11Module.load(path: modulePath)
        return labelsAndPINs.map { SoftHSMToken(label: $0, pin: Array($1.utf8), module: module) }
    }

    private static let taken = Atomic(0)

    /// A token no other test uses.
    static func make() throws -> SoftHSMToken {
        let tokens = try prepared.get()
        let index = taken.add(1, ordering: .relaxed).oldValue
        guard index < tokens.count else { throw FixtureFailed(description: "the tests take more than \(tokenCount) tokens") }
        return tokens[index]
    }

    func makePool(threadPool: NIOThreadPool = .singleton) async throws(PKCS11Error) -> PKCS11SessionPool {
        try await PKCS11SessionPool(module: module, tokenLabel: label, pin: pin, threadPool: threadPool)
    }

    private static func runUtility(_ arguments: [String], configuration: String) throws {
        let process = Process()
        process.executableURL = URL(filePath: utilityPath)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SOFTHSM2_CONF": configuration]) { $1 }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureFailed(description: "softhsm2-util \(arguments.first ?? "") failed: \(text)")
        }
    }
}
