public import CPKCS11

/// An object handle, valid in every session of this process while the object
/// exists (PKCS #11 §5.2 for token objects), but not across processes or
/// module restarts: callers that cache one re-find the object on
/// `CKR_OBJECT_HANDLE_INVALID` or `CKR_KEY_HANDLE_INVALID`.
public struct PKCS11ObjectHandle: RawRepresentable, Sendable, Hashable {
    public var rawValue: CK_OBJECT_HANDLE

    public init(rawValue: CK_OBJECT_HANDLE) {
        self.rawValue = rawValue
    }
}
