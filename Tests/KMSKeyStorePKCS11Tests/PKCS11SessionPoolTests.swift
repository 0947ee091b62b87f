import CPKCS11
import Foundation
@testable import KMSKeyStorePKCS11
import NIOPosix
import Testing

@Suite(
    "PKCS11SessionPool against SoftHSMv2",
    .enabled(if: SoftHSMToken.isAvailable, "skipped: SoftHSMv2 is not installed (/usr/lib/softhsm/libsofthsm2.so, softhsm2-util)"),
    .timeLimit(.minutes(1))
)
struct PKCS11SessionPoolTests {
    @Test func tokensAreListedWithTrimmedLabels() async throws {
        let token = try SoftHSMToken.make()
        let info = try token.module.slot(forTokenLabel: token.label)
        #expect(info.label == token.label)
        #expect(info.manufacturer == "SoftHSM project")
        #expect(info.isInitialized && info.isUserPINInitialized)
        #expect(!info.serialNumber.hasSuffix(" "))
    }

    @Test func wrongPINFailsInit() async throws {
        let token = try SoftHSMToken.make()
        let error = await failure { () throws(PKCS11Error) in
            _ = try await PKCS11SessionPool(module: token.module, tokenLabel: token.label, pin: Array("wrong".utf8), threadPool: .singleton)
        }
        #expect(error?.isIncorrectPIN == true, "\(String(describing: error))")
    }

    @Test func unknownTokenFailsInit() async throws {
        let module = try SoftHSMToken.make().module
        let error = await failure { () throws(PKCS11Error) in
            _ = try await PKCS11SessionPool(module: module, tokenLabel: "no-such-token", pin: [], threadPool: .singleton)
        }
        #expect(error?.isTokenMissing == true)
        #expect(error?.description == "no token labelled \"no-such-token\"")
    }

    @Test func recoversWhenTheSessionsAreClosedBehindItsBack() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        _ = try await pool.withSession { session throws(PKCS11Error) in try session.generateAESKey(label: "k", id: []) }
        // Logs the application out too, as a token removal or an HSM reset would.
        let rv = try await NIOThreadPool.singleton.runIfActive { [module = token.module, slot = pool.token.slotID] in
            module.functions.pointee.C_CloseAllSessions?(slot)
        }
        #expect(rv == CK_RV(CKR_OK))
        let runs = Locked(0)
        let sealed = try await pool.withSession { session throws(PKCS11Error) in
            runs.withLock { $0 += 1 }
            // SoftHSM forgets the handles of private objects at logout: callers find keys again.
            guard let key = try session.findSecretKey(label: "k") else { return [UInt8]() }
            return try session.encryptAESGCM(key: key, iv: [UInt8](repeating: 0, count: 12), aad: [], plaintext: [1, 2, 3])
        }
        #expect(sealed.count == 19)
        #expect(runs.withLock { $0 } == 2)
        await pool.close()
    }

    @Test func aBodyIsRetriedOnceInAFreshSession() async throws {
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool()
        let handles = Locked<[CK_SESSION_HANDLE]>([])
        let error = await failure { () throws(PKCS11Error) in
            _ = try await pool.withSession { session throws(PKCS11Error) in
                handles.withLock { $0.append(session.handle) }
                _ = session.module.functions.pointee.C_CloseSession?(session.handle)
                return try session.findSecretKey(label: "any")
            }
        }
        #expect(error == .returned(CK_RV(CKR_SESSION_HANDLE_INVALID), function: "C_FindObjectsInit"))
        #expect(handles.withLock { $0.count } == 2)
        // The pool keeps working after the second loss.
        let found = try await pool.withSession { session throws(PKCS11Error) in try session.findSecretKey(label: "any") }
        #expect(found == nil)
        await pool.close()
    }

    @Test func concurrentBodiesUseDifferentSessions() async throws {
        let threadPool = NIOThreadPool(numberOfThreads: 4)
        threadPool.start()
        let token = try SoftHSMToken.make()
        let pool = try await token.makePool(threadPool: threadPool)
        let key = try await pool.withSession { session throws(PKCS11Error) in try session.generateAESKey(label: "k", id: []) }
        let busy = Locked<Set<CK_SESSION_HANDLE>>([])
        let shared = Locked(0)
        let used = Locked<Set<CK_SESSION_HANDLE>>([])
        try await withThrowingTaskGroup { group in
            for index in 0..<32 {
                group.addTask {
                    let plaintext = Array("message \(index)".utf8)
                    let iv = [UInt8](repeating: UInt8(index), count: 12)
                    let opened = try await pool.withSession { session throws(PKCS11Error) in
                        if !busy.withLock({ $0.insert(session.handle).inserted }) { shared.withLock { $0 += 1 } }
                        used.withLock { _ = $0.insert(session.handle) }
                        // Long enough for the other threads' bodies to overlap this one.
                        Thread.sleep(forTimeInterval: 0.002)
                        defer { _ = busy.withLock { $0.remove(session.handle) } }
                        let sealed = try session.encryptAESGCM(key: key, iv: iv, aad: [UInt8(index)], plaintext: plaintext)
                        return try session.decryptAESGCM(key: key, iv: iv, aad: [UInt8(index)], ciphertextAndTag: sealed)
                    }
                    #expect(opened == plaintext)
                }
            }
            try await group.waitForAll()
        }
        #expect(shared.withLock { $0 } == 0)
        #expect(used.withLock { $0.count } > 1)
        await pool.close()
        try await threadPool.shutdownGracefully()
    }
}
