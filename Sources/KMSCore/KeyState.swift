/// The states a key can be in. Only those this release reaches are listed;
/// `PendingImport`, `Unavailable` and the replica states arrive with their features.
public enum KeyState: String, Sendable, Hashable, CaseIterable {
    case enabled = "Enabled"
    case disabled = "Disabled"
    case pendingDeletion = "PendingDeletion"
}
