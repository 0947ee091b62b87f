public import CPKCS11

/// A failure of the PKCS #11 layer: a module function's return value, or one of
/// the few failures that are ours rather than the module's.
///
/// Callers decide what to do from the classifiers (`isSessionLost`,
/// `isIncorrectPIN`, …) rather than from individual return values.
public enum PKCS11Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// `function` returned `returnValue`, which is not `CKR_OK`.
    case returned(CK_RV, function: String)
    /// `dlopen()` failed, or the library has no `C_GetFunctionList`; `reason` is `dlerror()`'s message.
    case moduleNotLoaded(path: String, reason: String)
    /// No slot holds a token with this label.
    case tokenNotFound(label: String)
    /// The token holds no secret key with this label.
    case keyNotFound(label: String)
    /// The thread pool did not run the call: the task was cancelled first, or the pool is shut down.
    case notRun

    /// The module's return value, if the module failed.
    public var returnValue: CK_RV? {
        if case .returned(let rv, _) = self { rv } else { nil }
    }

    /// The session can't be used any more, but a new one may work (the token
    /// was re-inserted, the HSM connection was re-established, or the login was lost).
    public var isSessionLost: Bool {
        returnValueIsOneOf(CKR_SESSION_HANDLE_INVALID, CKR_SESSION_CLOSED, CKR_DEVICE_REMOVED, CKR_TOKEN_NOT_PRESENT, CKR_DEVICE_ERROR, CKR_USER_NOT_LOGGED_IN)
    }

    public var isIncorrectPIN: Bool {
        returnValueIsOneOf(CKR_PIN_INCORRECT, CKR_PIN_INVALID, CKR_PIN_LEN_RANGE)
    }

    /// Retrying with the same PIN won't help: the token refuses logins until an administrator acts.
    public var isLockedOut: Bool {
        returnValueIsOneOf(CKR_PIN_LOCKED, CKR_PIN_EXPIRED)
    }

    /// The token is initialised but its user PIN has not been set.
    public var isUserNotInitialized: Bool {
        returnValueIsOneOf(CKR_USER_PIN_NOT_INITIALIZED)
    }

    public var isTokenMissing: Bool {
        if case .tokenNotFound = self { return true }
        return returnValueIsOneOf(CKR_TOKEN_NOT_PRESENT, CKR_TOKEN_NOT_RECOGNIZED, CKR_DEVICE_REMOVED)
    }

    /// The ciphertext, its tag, the IV or the AAD is wrong: a decryption failure, not a fault.
    public var isCiphertextInvalid: Bool {
        returnValueIsOneOf(CKR_ENCRYPTED_DATA_INVALID, CKR_ENCRYPTED_DATA_LEN_RANGE)
    }

    public var description: String {
        switch self {
        case .returned(let rv, let function):
            "\(function) returned \(Self.name(of: rv))"
        case .moduleNotLoaded(let path, let reason):
            "could not load the PKCS #11 module \(path): \(reason)"
        case .tokenNotFound(let label):
            "no token labelled \"\(label)\""
        case .keyNotFound(let label):
            "the token holds no secret key labelled \"\(label)\""
        case .notRun:
            "the PKCS #11 call was not run: the task was cancelled or the thread pool is shut down"
        }
    }

    /// Throws unless `returnValue` is `CKR_OK`. A nil value stands for a
    /// function the module's function list leaves out.
    static func check(_ function: String, _ returnValue: CK_RV?) throws(PKCS11Error) {
        let rv = returnValue ?? CK_RV(CKR_FUNCTION_NOT_SUPPORTED)
        guard rv == CKR_OK else { throw .returned(rv, function: function) }
    }

    func returnValueIsOneOf(_ values: CK_RV...) -> Bool {
        guard let rv = returnValue else { return false }
        return values.contains(rv)
    }

    /// The `CKR_` name for the common return values, else the number in hex.
    static func name(of rv: CK_RV) -> String {
        switch rv {
        case CKR_OK: "CKR_OK"
        case CKR_CANCEL: "CKR_CANCEL"
        case CKR_HOST_MEMORY: "CKR_HOST_MEMORY"
        case CKR_SLOT_ID_INVALID: "CKR_SLOT_ID_INVALID"
        case CKR_GENERAL_ERROR: "CKR_GENERAL_ERROR"
        case CKR_FUNCTION_FAILED: "CKR_FUNCTION_FAILED"
        case CKR_ARGUMENTS_BAD: "CKR_ARGUMENTS_BAD"
        case CKR_ATTRIBUTE_SENSITIVE: "CKR_ATTRIBUTE_SENSITIVE"
        case CKR_ATTRIBUTE_TYPE_INVALID: "CKR_ATTRIBUTE_TYPE_INVALID"
        case CKR_ATTRIBUTE_VALUE_INVALID: "CKR_ATTRIBUTE_VALUE_INVALID"
        case CKR_DEVICE_ERROR: "CKR_DEVICE_ERROR"
        case CKR_DEVICE_MEMORY: "CKR_DEVICE_MEMORY"
        case CKR_DEVICE_REMOVED: "CKR_DEVICE_REMOVED"
        case CKR_ENCRYPTED_DATA_INVALID: "CKR_ENCRYPTED_DATA_INVALID"
        case CKR_ENCRYPTED_DATA_LEN_RANGE: "CKR_ENCRYPTED_DATA_LEN_RANGE"
        case CKR_FUNCTION_NOT_SUPPORTED: "CKR_FUNCTION_NOT_SUPPORTED"
        case CKR_KEY_HANDLE_INVALID: "CKR_KEY_HANDLE_INVALID"
        case CKR_MECHANISM_INVALID: "CKR_MECHANISM_INVALID"
        case CKR_MECHANISM_PARAM_INVALID: "CKR_MECHANISM_PARAM_INVALID"
        case CKR_OBJECT_HANDLE_INVALID: "CKR_OBJECT_HANDLE_INVALID"
        case CKR_OPERATION_ACTIVE: "CKR_OPERATION_ACTIVE"
        case CKR_PIN_INCORRECT: "CKR_PIN_INCORRECT"
        case CKR_PIN_INVALID: "CKR_PIN_INVALID"
        case CKR_PIN_LEN_RANGE: "CKR_PIN_LEN_RANGE"
        case CKR_PIN_EXPIRED: "CKR_PIN_EXPIRED"
        case CKR_PIN_LOCKED: "CKR_PIN_LOCKED"
        case CKR_SESSION_CLOSED: "CKR_SESSION_CLOSED"
        case CKR_SESSION_HANDLE_INVALID: "CKR_SESSION_HANDLE_INVALID"
        case CKR_SESSION_READ_ONLY: "CKR_SESSION_READ_ONLY"
        case CKR_TEMPLATE_INCOMPLETE: "CKR_TEMPLATE_INCOMPLETE"
        case CKR_TEMPLATE_INCONSISTENT: "CKR_TEMPLATE_INCONSISTENT"
        case CKR_TOKEN_NOT_PRESENT: "CKR_TOKEN_NOT_PRESENT"
        case CKR_TOKEN_NOT_RECOGNIZED: "CKR_TOKEN_NOT_RECOGNIZED"
        case CKR_USER_ALREADY_LOGGED_IN: "CKR_USER_ALREADY_LOGGED_IN"
        case CKR_USER_NOT_LOGGED_IN: "CKR_USER_NOT_LOGGED_IN"
        case CKR_USER_PIN_NOT_INITIALIZED: "CKR_USER_PIN_NOT_INITIALIZED"
        case CKR_USER_TYPE_INVALID: "CKR_USER_TYPE_INVALID"
        case CKR_BUFFER_TOO_SMALL: "CKR_BUFFER_TOO_SMALL"
        case CKR_CRYPTOKI_NOT_INITIALIZED: "CKR_CRYPTOKI_NOT_INITIALIZED"
        case CKR_CRYPTOKI_ALREADY_INITIALIZED: "CKR_CRYPTOKI_ALREADY_INITIALIZED"
        default: "CK_RV 0x" + String(rv, radix: 16)
        }
    }
}
