public import CPKCS11

/// One logged-in session, lent to a `PKCS11SessionPool.withSession` body,
/// which must not keep it: the pool hands the session to one thread at a
/// time, as PKCS #11 requires. Every method blocks. (Not `~Copyable`: Swift
/// 6.3's optimizer crashes inlining the pool's generic body over a
/// non-copyable parameter in release builds.)
public struct PKCS11Session {
    let module: PKCS11Module
    let handle: CK_SESSION_HANDLE

    /// Generates a non-extractable AES key on the token, usable only to
    /// encrypt and decrypt, and only once the user is logged in.
    public func generateAESKey(label: String, id: [UInt8], byteCount: Int = 32) throws(PKCS11Error) -> PKCS11ObjectHandle {
        let template: [(CK_ATTRIBUTE_TYPE, [UInt8])] = [
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), Self.bytes(of: CK_OBJECT_CLASS(CKO_SECRET_KEY))),
            (CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), Self.bytes(of: CK_KEY_TYPE(CKK_AES))),
            (CK_ATTRIBUTE_TYPE(CKA_VALUE_LEN), Self.bytes(of: CK_ULONG(byteCount))),
            (CK_ATTRIBUTE_TYPE(CKA_TOKEN), Self.bbool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_PRIVATE), Self.bbool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_SENSITIVE), Self.bbool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_EXTRACTABLE), Self.bbool(false)),
            (CK_ATTRIBUTE_TYPE(CKA_ENCRYPT), Self.bbool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_DECRYPT), Self.bbool(true)),
            (CK_ATTRIBUTE_TYPE(CKA_LABEL), Array(label.utf8)),
            (CK_ATTRIBUTE_TYPE(CKA_ID), id),
        ]
        let functions = module.functions.pointee
        let session = handle
        var mechanism = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(CKM_AES_KEY_GEN), pParameter: nil, ulParameterLen: 0)
        var key: CK_OBJECT_HANDLE = 0
        let rv = Self.withTemplate(template) { attributes, count in
            functions.C_GenerateKey?(session, &mechanism, attributes, count, &key)
        }
        try PKCS11Error.check("C_GenerateKey", rv)
        return PKCS11ObjectHandle(rawValue: key)
    }

    /// The secret key labelled `label`, or nil; the first one if several are.
    public func findSecretKey(label: String) throws(PKCS11Error) -> PKCS11ObjectHandle? {
        let template: [(CK_ATTRIBUTE_TYPE, [UInt8])] = [
            (CK_ATTRIBUTE_TYPE(CKA_CLASS), Self.bytes(of: CK_OBJECT_CLASS(CKO_SECRET_KEY))),
            (CK_ATTRIBUTE_TYPE(CKA_LABEL), Array(label.utf8)),
        ]
        let functions = module.functions.pointee
        let session = handle
        try PKCS11Error.check(
            "C_FindObjectsInit", Self.withTemplate(template) { functions.C_FindObjectsInit?(session, $0, $1) }
        )
        var object: CK_OBJECT_HANDLE = 0
        var count: CK_ULONG = 0
        let findRV = functions.C_FindObjects?(session, &object, 1, &count)
        // Even after a failed search: the session can't start another until this one is finished.
        let finalRV = functions.C_FindObjectsFinal?(session)
        try PKCS11Error.check("C_FindObjects", findRV)
        try PKCS11Error.check("C_FindObjectsFinal", finalRV)
        return count == 0 ? nil : PKCS11ObjectHandle(rawValue: object)
    }

    /// AES-GCM with the caller's 96-bit IV and a 128-bit tag: returns the
    /// ciphertext followed by the tag.
    public func encryptAESGCM(key: PKCS11ObjectHandle, iv: [UInt8], aad: [UInt8], plaintext: [UInt8]) throws(PKCS11Error) -> [UInt8] {
        let functions = module.functions.pointee
        return try aesGCM(
            key: key, iv: iv, aad: aad, input: plaintext,
            initialize: ("C_EncryptInit", functions.C_EncryptInit), run: ("C_Encrypt", functions.C_Encrypt)
        )
    }

    /// The inverse of `encryptAESGCM`. A wrong key, IV, AAD or tag fails with
    /// an error whose `isCiphertextInvalid` is true.
    public func decryptAESGCM(key: PKCS11ObjectHandle, iv: [UInt8], aad: [UInt8], ciphertextAndTag: [UInt8]) throws(PKCS11Error) -> [UInt8] {
        let functions = module.functions.pointee
        return try aesGCM(
            key: key, iv: iv, aad: aad, input: ciphertextAndTag,
            initialize: ("C_DecryptInit", functions.C_DecryptInit), run: ("C_Decrypt", functions.C_Decrypt)
        )
    }

    /// Fails unless the session is still open and logged in: a health check
    /// that reaches the token without touching any key.
    public func checkLoggedIn() throws(PKCS11Error) {
        var info = CK_SESSION_INFO()
        try PKCS11Error.check("C_GetSessionInfo", module.functions.pointee.C_GetSessionInfo?(handle, &info))
        // A session that lost its login can't use private keys; the pool replaces it on this error.
        guard info.state == CK_STATE(CKS_RW_USER_FUNCTIONS) || info.state == CK_STATE(CKS_RO_USER_FUNCTIONS) else {
            throw .returned(CK_RV(CKR_USER_NOT_LOGGED_IN), function: "C_GetSessionInfo")
        }
    }

    public func destroyObject(_ object: PKCS11ObjectHandle) throws(PKCS11Error) {
        try PKCS11Error.check("C_DestroyObject", module.functions.pointee.C_DestroyObject?(handle, object.rawValue))
    }

    /// A `CK_BBOOL` attribute, such as `CKA_SENSITIVE` or `CKA_EXTRACTABLE`.
    public func booleanAttribute(_ type: CK_ATTRIBUTE_TYPE, of object: PKCS11ObjectHandle) throws(PKCS11Error) -> Bool {
        let functions = module.functions.pointee
        let session = handle
        var value = CK_BBOOL(CK_FALSE)
        let rv = withUnsafeMutableBytes(of: &value) { bytes in
            var attribute = CK_ATTRIBUTE(type: type, pValue: bytes.baseAddress, ulValueLen: CK_ULONG(bytes.count))
            return functions.C_GetAttributeValue?(session, object.rawValue, &attribute, 1)
        }
        try PKCS11Error.check("C_GetAttributeValue", rv)
        return value != CK_FALSE
    }

    /// Encryption and decryption differ only in the two functions called.
    private func aesGCM(
        key: PKCS11ObjectHandle, iv: [UInt8], aad: [UInt8], input: [UInt8],
        initialize: (name: String, function: CK_C_EncryptInit?), run: (name: String, function: CK_C_Encrypt?)
    ) throws(PKCS11Error) -> [UInt8] {
        precondition(iv.count == 12, "AES-GCM here takes a 96-bit IV")
        let session = handle
        var iv = iv
        var aad = aad
        var input = input
        let inputCount = CK_ULONG(input.count)
        // The IV and AAD buffers must stay put while the operation is active, so it all happens inside.
        let result = iv.withUnsafeMutableBufferPointer { iv in
            aad.withUnsafeMutableBufferPointer { aad in
                var parameters = CK_GCM_PARAMS(
                    pIv: iv.baseAddress, ulIvLen: CK_ULONG(iv.count), ulIvBits: CK_ULONG(iv.count * 8),
                    pAAD: aad.baseAddress, ulAADLen: CK_ULONG(aad.count), ulTagBits: 128
                )
                return withUnsafeMutableBytes(of: &parameters) { parameters in
                    Result { () throws(PKCS11Error) -> [UInt8] in
                        var mechanism = CK_MECHANISM(
                            mechanism: CK_MECHANISM_TYPE(CKM_AES_GCM),
                            pParameter: parameters.baseAddress, ulParameterLen: CK_ULONG(parameters.count)
                        )
                        try PKCS11Error.check(initialize.name, initialize.function?(session, &mechanism, key.rawValue))
                        // A length query leaves the operation active; any failure ends it.
                        var outputCount: CK_ULONG = 0
                        try PKCS11Error.check(run.name, run.function?(session, &input, inputCount, nil, &outputCount))
                        var output = [UInt8](repeating: 0, count: Int(outputCount))
                        try PKCS11Error.check(run.name, run.function?(session, &input, inputCount, &output, &outputCount))
                        output.removeLast(output.count - Int(outputCount))
                        return output
                    }
                }
            }
        }
        return try result.get()
    }

    private static func bbool(_ value: Bool) -> [UInt8] {
        [CK_BBOOL(value ? CK_TRUE : CK_FALSE)]
    }

    private static func bytes(of value: CK_ULONG) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    /// Calls `body` with a `CK_ATTRIBUTE` array whose values point into one
    /// buffer that lives as long as the call.
    private static func withTemplate<R>(
        _ attributes: [(CK_ATTRIBUTE_TYPE, [UInt8])], _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>, CK_ULONG) -> R
    ) -> R {
        var values = attributes.flatMap(\.1)
        return values.withUnsafeMutableBytes { storage in
            var offset = 0
            var template = attributes.map { type, value in
                defer { offset += value.count }
                return CK_ATTRIBUTE(type: type, pValue: storage.baseAddress.map { $0 + offset }, ulValueLen: CK_ULONG(value.count))
            }
            return template.withUnsafeMutableBufferPointer { body($0.baseAddress!, CK_ULONG($0.count)) }
        }
    }
}
