/// The states a key is stored in. `Unavailable` is not stored: DescribeKey
/// shows it for an enabled key whose custom key store is not connected. The
/// replica states arrive with multi-Region keys.
public enum KeyState: String, Sendable, Hashable, CaseIterable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
    /// A key of origin EXTERNAL without usable current material: never imported, deleted or expired.
    case pendingImport = "PendingImport"
}
