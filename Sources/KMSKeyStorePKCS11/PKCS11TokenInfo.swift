/// A token as `C_GetTokenInfo` describes it, with the blank padding trimmed.
public struct PKCS11TokenInfo: Sendable, Hashable {
    public var slotID: UInt
    public var label: String
    public var manufacturer: String
    public var model: String
    public var serialNumber: String
    public var isInitialized: Bool
    public var isUserPINInitialized: Bool

    public init(
        slotID: UInt, label: String, manufacturer: String, model: String, serialNumber: String,
        isInitialized: Bool, isUserPINInitialized: Bool
    ) {
        self.slotID = slotID
        self.label = label
        self.manufacturer = manufacturer
        self.model = model
        self.serialNumber = serialNumber
        self.isInitialized = isInitialized
        self.isUserPINInitialized = isUserPINInitialized
    }
}
