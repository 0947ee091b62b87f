import CPKCS11
import KMSKeyStorePKCS11
import Testing

struct PKCS11ErrorTests {
    @Test func describesTheFunctionAndTheReturnValue() {
        #expect(PKCS11Error.returned(CK_RV(CKR_PIN_INCORRECT), function: "C_Login").description == "C_Login returned CKR_PIN_INCORRECT")
        #expect(PKCS11Error.returned(0x1234, function: "C_Sign").description == "C_Sign returned CK_RV 0x1234")
    }

    @Test func classifies() {
        let lost = PKCS11Error.returned(CK_RV(CKR_DEVICE_REMOVED), function: "C_Encrypt")
        #expect(lost.isSessionLost && lost.isTokenMissing && !lost.isCiphertextInvalid)
        #expect(PKCS11Error.returned(CK_RV(CKR_PIN_LOCKED), function: "C_Login").isLockedOut)
        #expect(PKCS11Error.returned(CK_RV(CKR_USER_PIN_NOT_INITIALIZED), function: "C_Login").isUserNotInitialized)
        #expect(PKCS11Error.tokenNotFound(label: "x").isTokenMissing)
        #expect(!PKCS11Error.tokenNotFound(label: "x").isSessionLost)
    }
}
