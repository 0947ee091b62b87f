import CPKCS11
public import NIOPosix
import Synchronization

/// Logged-in read-write sessions on one token, lent one at a time to bodies
/// that run on a `NIOThreadPool`, since every PKCS #11 call blocks.
///
/// A body whose session is lost (`PKCS11Error.isSessionLost`) runs once more
/// in a fresh session on the token found again by its label.
public final class PKCS11SessionPool: Sendable {
    private struct Session: Sendable {
        let handle: CK_SESSION_HANDLE
        /// Bumped on each session loss: sessions opened before it are not reused.
        let generation: Int
    }

    private struct State: Sendable {
        var token: PKCS11TokenInfo
        var idle: [Session]
        var generation = 0
        var isClosed = false
    }

    let module: PKCS11Module
    public let tokenLabel: String
    private let pin: [UInt8]
    private let threadPool: NIOThreadPool
    private let maxIdleSessions: Int
    private let state: Mutex<State>

    /// Opens and logs in the first session, so a missing token or a wrong PIN fails here.
    public init(
        module: PKCS11Module, tokenLabel: String, pin: [UInt8], threadPool: NIOThreadPool, maxIdleSessions: Int = 8
    ) async throws(PKCS11Error) {
        // Closing the application's last session logs it out, and SoftHSM then forgets the handles of private objects.
        precondition(maxIdleSessions > 0, "the pool keeps at least one session open")
        let (token, handle) = try await Self.blocking(on: threadPool) { () throws(PKCS11Error) in
            let token = try module.slot(forTokenLabel: tokenLabel)
            return (token, try Self.openLoggedInSession(module, slotID: token.slotID, pin: pin))
        }
        self.module = module
        self.tokenLabel = tokenLabel
        self.pin = pin
        self.threadPool = threadPool
        self.maxIdleSessions = maxIdleSessions
        state = Mutex(State(token: token, idle: [Session(handle: handle, generation: 0)]))
    }

    /// The token as last found; its slot ID changes if it is re-inserted elsewhere.
    public var token: PKCS11TokenInfo {
        state.withLock { $0.token }
    }

    /// Runs `body` on the thread pool in a session no other body is using.
    public func withSession<T: Sendable>(
        _ body: @escaping @Sendable (PKCS11Session) throws(PKCS11Error) -> T
    ) async throws(PKCS11Error) -> T {
        try await Self.blocking(on: threadPool) { () throws(PKCS11Error) in try self.run(body) }
    }

    /// Closes the idle sessions now, and the others as their bodies return.
    /// A later `withSession` still runs, in a session closed when it returns.
    public func close() async {
        let idle = state.withLock { state in
            state.isClosed = true
            defer { state.idle = [] }
            return state.idle
        }
        // If the thread pool is shut down or this task cancelled, the sessions end with the process.
        _ = try? await threadPool.runIfActive { [module] in
            for session in idle { _ = module.functions.pointee.C_CloseSession?(session.handle) }
        }
    }

    /// Runs on the thread pool.
    private func run<T>(_ body: (PKCS11Session) throws(PKCS11Error) -> T) throws(PKCS11Error) -> T {
        let (idle, generation, slotID) = state.withLock { state in
            (state.idle.popLast(), state.generation, state.token.slotID)
        }
        do throws(PKCS11Error) {
            if let idle { return try run(body, in: idle) }
            return try run(body, in: Session(handle: Self.openLoggedInSession(module, slotID: slotID, pin: pin), generation: generation))
        } catch where error.isSessionLost || error.returnValue == CK_RV(CKR_SLOT_ID_INVALID) {
            // Retried below. SLOT_ID_INVALID too: the token may be back in another slot.
        }
        let token = try module.slot(forTokenLabel: tokenLabel)
        let current = state.withLock { state in
            state.token = token
            return state.generation
        }
        return try run(body, in: Session(handle: Self.openLoggedInSession(module, slotID: token.slotID, pin: pin), generation: current))
    }

    private func run<T>(_ body: (PKCS11Session) throws(PKCS11Error) -> T, in session: Session) throws(PKCS11Error) -> T {
        do throws(PKCS11Error) {
            let result = try body(PKCS11Session(module: module, handle: session.handle))
            checkIn(session)
            return result
        } catch {
            if error.isSessionLost { discard(session, after: error) } else { checkIn(session) }
            throw error
        }
    }

    private func checkIn(_ session: Session) {
        let kept = state.withLock { state in
            guard !state.isClosed, session.generation == state.generation, state.idle.count < maxIdleSessions else { return false }
            state.idle.append(session)
            return true
        }
        if !kept { _ = module.functions.pointee.C_CloseSession?(session.handle) }
    }

    /// Drops a lost session and the idle ones opened before it was lost:
    /// what lost one (a token removed, an HSM connection reset) lost them all.
    private func discard(_ session: Session, after error: PKCS11Error) {
        let stale = state.withLock { state in
            // An earlier loss already dropped the sessions of this generation.
            guard session.generation == state.generation else { return [Session]() }
            state.generation += 1
            defer { state.idle = [] }
            return state.idle
        }
        // The module forgot these handles, and may already have given their numbers to new sessions.
        if error.returnValueIsOneOf(CK_RV(CKR_SESSION_HANDLE_INVALID), CK_RV(CKR_SESSION_CLOSED)) { return }
        for lost in [session] + stale { _ = module.functions.pointee.C_CloseSession?(lost.handle) }
    }

    private static func openLoggedInSession(_ module: PKCS11Module, slotID: CK_SLOT_ID, pin: [UInt8]) throws(PKCS11Error) -> CK_SESSION_HANDLE {
        let functions = module.functions.pointee
        var handle: CK_SESSION_HANDLE = 0
        try PKCS11Error.check(
            "C_OpenSession", functions.C_OpenSession?(slotID, CK_FLAGS(CKF_SERIAL_SESSION | CKF_RW_SESSION), nil, nil, &handle)
        )
        var pin = pin
        let pinCount = CK_ULONG(pin.count)
        let rv = functions.C_Login?(handle, CK_USER_TYPE(CKU_USER), &pin, pinCount)
        // The login is per application and token: another of our sessions holds it.
        guard rv != CK_RV(CKR_USER_ALREADY_LOGGED_IN) else { return handle }
        do throws(PKCS11Error) {
            try PKCS11Error.check("C_Login", rv)
        } catch {
            _ = functions.C_CloseSession?(handle)
            throw error
        }
        return handle
    }

    /// Runs `body` on `threadPool`, never on the cooperative pool.
    private static func blocking<T: Sendable>(
        on threadPool: NIOThreadPool, _ body: @escaping @Sendable () throws(PKCS11Error) -> T
    ) async throws(PKCS11Error) -> T {
        let result: Result<T, PKCS11Error>
        do {
            result = try await threadPool.runIfActive { Result { () throws(PKCS11Error) in try body() } }
        } catch {
            // runIfActive's own failures: the task was cancelled first, or the pool is shut down.
            throw .notRun
        }
        return try result.get()
    }
}
