import CPKCS11
import Synchronization

/// A PKCS #11 library, loaded with `dlopen()` and initialised once per process.
///
/// `C_Initialize` and `C_Finalize` are process-wide, so there is one instance
/// per path, kept for the life of the process and never finalised: finalising
/// would invalidate the sessions of every other user of the same module.
/// Every call here blocks; run them on a thread pool.
public final class PKCS11Module: Sendable {
    public let path: String
    /// Immutable after `C_GetFunctionList`; the module was initialised with
    /// `CKF_OS_LOCKING_OK`, so it serialises its own state across threads.
    nonisolated(unsafe) let functions: UnsafeMutablePointer<CK_FUNCTION_LIST>

    private static let loaded = Mutex<[String: PKCS11Module]>([:])

    private init(path: String, functions: UnsafeMutablePointer<CK_FUNCTION_LIST>) {
        self.path = path
        self.functions = functions
    }

    /// The module at `path`, loaded and initialised on first use.
    public static func load(path: String) throws(PKCS11Error) -> PKCS11Module {
        try loaded.withLock { (modules) throws(PKCS11Error) -> PKCS11Module in
            if let module = modules[path] { return module }
            let module = try PKCS11Module(path: path, functions: open(path))
            modules[path] = module
            return module
        }
    }

    private static func open(_ path: String) throws(PKCS11Error) -> UnsafeMutablePointer<CK_FUNCTION_LIST> {
        // RTLD_LOCAL: two modules may export the same C_ symbols.
        guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .moduleNotLoaded(path: path, reason: dlerror().map { String(cString: $0) } ?? "dlopen failed")
        }
        guard let symbol = dlsym(library, "C_GetFunctionList") else {
            throw .moduleNotLoaded(path: path, reason: dlerror().map { String(cString: $0) } ?? "no C_GetFunctionList")
        }
        let getFunctionList = unsafeBitCast(symbol, to: CK_C_GetFunctionList.self)
        var list: UnsafeMutablePointer<CK_FUNCTION_LIST>?
        try PKCS11Error.check("C_GetFunctionList", getFunctionList(&list))
        guard let list else { throw .returned(CK_RV(CKR_GENERAL_ERROR), function: "C_GetFunctionList") }

        var arguments = CK_C_INITIALIZE_ARGS()
        arguments.flags = CK_FLAGS(CKF_OS_LOCKING_OK)
        let rv = list.pointee.C_Initialize?(&arguments)
        // Another library in this process (or an earlier load under another path) initialised it already.
        if rv != CK_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            try PKCS11Error.check("C_Initialize", rv)
        }
        return list
    }

    /// The slots that hold a token, with what each token says of itself.
    public func tokens() throws(PKCS11Error) -> [PKCS11TokenInfo] {
        var slots: [CK_SLOT_ID] = []
        // The slot count can grow between the two calls (a token inserted), hence the loop.
        while true {
            var count: CK_ULONG = 0
            try PKCS11Error.check("C_GetSlotList", functions.pointee.C_GetSlotList?(CK_BBOOL(CK_TRUE), nil, &count))
            slots = Array(repeating: 0, count: Int(count))
            let rv = functions.pointee.C_GetSlotList?(CK_BBOOL(CK_TRUE), &slots, &count)
            if rv == CK_RV(CKR_BUFFER_TOO_SMALL) { continue }
            try PKCS11Error.check("C_GetSlotList", rv)
            slots.removeLast(slots.count - Int(count))
            break
        }
        var tokens: [PKCS11TokenInfo] = []
        for slot in slots {
            var info = CK_TOKEN_INFO()
            let rv = functions.pointee.C_GetTokenInfo?(slot, &info)
            // Removed since C_GetSlotList.
            if rv == CK_RV(CKR_TOKEN_NOT_PRESENT) { continue }
            try PKCS11Error.check("C_GetTokenInfo", rv)
            tokens.append(
                PKCS11TokenInfo(
                    slotID: slot,
                    label: Self.paddedString(info.label),
                    manufacturer: Self.paddedString(info.manufacturerID),
                    model: Self.paddedString(info.model),
                    serialNumber: Self.paddedString(info.serialNumber),
                    isInitialized: info.flags & CK_FLAGS(CKF_TOKEN_INITIALIZED) != 0,
                    isUserPINInitialized: info.flags & CK_FLAGS(CKF_USER_PIN_INITIALIZED) != 0
                )
            )
        }
        return tokens
    }

    /// The first token labelled `label`. Slot IDs may change when a token is
    /// re-inserted, so a label is what a configuration names.
    public func slot(forTokenLabel label: String) throws(PKCS11Error) -> PKCS11TokenInfo {
        guard let token = try tokens().first(where: { $0.label == label }) else {
            throw .tokenNotFound(label: label)
        }
        return token
    }

    /// PKCS #11 pads its fixed-size text fields with blanks and doesn't terminate them.
    private static func paddedString<Field>(_ field: Field) -> String {
        withUnsafeBytes(of: field) { bytes in
            var text = Substring(decoding: bytes, as: UTF8.self)
            while let last = text.last, last == " " || last == "\0" { text.removeLast() }
            return String(text)
        }
    }
}
