/// The states a key can be in. Only those this release reaches are listed;
/// `Unavailable` and the replica states arrive with their features.
public enum KeyState: String, Sendable, Hashable, CaseIterable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
    /// A key of origin EXTERNAL without usable current material: never imported, deleted or expired.
    case pendingImport = "PendingImport"
}
