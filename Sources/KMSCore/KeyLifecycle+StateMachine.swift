public import Foundation

/// The key states an operation accepts, as its `KeySlot` declares them.
public struct KeyAccess: Sendable, Hashable {
    public let acceptedStates: Set<KeyState>

    public init(acceptedStates: Set<KeyState>) {
        self.acceptedStates = acceptedStates
    }

    /// Encrypt, Decrypt, ReEncrypt, GenerateDataKey*: only an Enabled key.
    public static let cryptographic = KeyAccess(acceptedStates: [.enabled])
    /// EnableKey, DisableKey, ScheduleKeyDeletion, UpdateKeyDescription, CreateAlias, UpdateAlias: not while pending
    /// deletion. A key pending import takes them too, except EnableKey and DisableKey, which refuse it themselves.
    public static let management = KeyAccess(acceptedStates: [.enabled, .disabled, .pendingImport])
    /// DescribeKey, DeleteAlias: any state.
    public static let readOnly = KeyAccess(acceptedStates: Set(KeyState.allCases))
    /// CancelKeyDeletion.
    public static let pendingDeletion = KeyAccess(acceptedStates: [.pendingDeletion])
}

/// The AWS key-state rules as a value-type state machine: each transition
/// either returns the record's next state or throws the error AWS returns.
/// No I/O; the caller persists the result.
public enum KeyLifecycle {
    public static let minimumPendingWindowInDays = 7
    public static let maximumPendingWindowInDays = 30
    public static let defaultPendingWindowInDays = 30

    /// Throws the error AWS gives when a key's state is not one `access` accepts.
    public static func check(_ access: KeyAccess, _ record: KeyRecord, arn: String) throws(KMSError) {
        let accepted = access.acceptedStates
        if accepted.contains(record.state) { return }
        switch record.state {
        case .disabled where accepted.contains(.enabled):
            throw KMSError(.disabled, "\(arn) is disabled.")
        case .pendingDeletion:
            throw KMSError(.invalidState, "\(arn) is pending deletion.")
        case .pendingImport:
            throw KMSError(.invalidState, "\(arn) is pending import.")
        case .enabled, .disabled:
            throw KMSError(.invalidState, "\(arn) is not pending deletion.")
        }
    }

    public static func enable(_ record: KeyRecord, arn: String) throws(KMSError) -> KeyRecord {
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        guard record.state != .pendingImport else { throw KMSError(.invalidState, "\(arn) is pending import.") }
        var next = record
        next.state = .enabled
        return next
    }

    public static func disable(_ record: KeyRecord, arn: String) throws(KMSError) -> KeyRecord {
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        guard record.state != .pendingImport else { throw KMSError(.invalidState, "\(arn) is pending import.") }
        var next = record
        next.state = .disabled
        return next
    }

    public static func scheduleDeletion(_ record: KeyRecord, arn: String, windowInDays: Int, now: Date) throws(KMSError) -> KeyRecord {
        try validatePendingWindow(windowInDays)
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        var next = record
        next.state = .pendingDeletion
        next.pendingWindowInDays = windowInDays
        next.deletionDate = now.addingTimeInterval(TimeInterval(windowInDays) * 86_400)
        return next
    }

    public static func validatePendingWindow(_ windowInDays: Int) throws(KMSError) {
        guard (minimumPendingWindowInDays...maximumPendingWindowInDays).contains(windowInDays) else {
            throw KMSError.validation(
                "1 validation error detected: Value '\(windowInDays)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between \(minimumPendingWindowInDays) and \(maximumPendingWindowInDays)"
            )
        }
    }

    public static func cancelDeletion(_ record: KeyRecord, arn: String) throws(KMSError) -> KeyRecord {
        guard record.state == .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is not pending deletion.") }
        var next = record
        next.state = .disabled
        next.deletionDate = nil
        next.pendingWindowInDays = nil
        return next
    }
}
