public import Foundation

/// What an operation wants to do with a key, for the purpose of state checks.
public enum KeyAccess: Sendable {
    /// Encrypt, Decrypt, ReEncrypt, GenerateDataKey*: only an Enabled key.
    case cryptographic
    /// UpdateKeyDescription, CreateAlias, UpdateAlias: not while pending deletion.
    case management
    /// DescribeKey, DeleteAlias, listing: any state.
    case readOnly
}

/// The AWS key-state rules as a value-type state machine: each transition
/// either returns the record's next state or throws the error AWS returns.
/// No I/O; the caller persists the result.
public enum KeyLifecycle {
    public static let minimumPendingWindowInDays = 7
    public static let maximumPendingWindowInDays = 30
    public static let defaultPendingWindowInDays = 30

    public static func check(_ access: KeyAccess, _ record: KeyRecord, arn: String) throws(KMSError) {
        switch (access, record.state) {
        case (.readOnly, _), (.cryptographic, .enabled), (.management, .enabled), (.management, .disabled):
            return
        case (.cryptographic, .disabled):
            throw KMSError(.disabled, "\(arn) is disabled.")
        case (.cryptographic, .pendingDeletion), (.management, .pendingDeletion):
            throw KMSError(.invalidState, "\(arn) is pending deletion.")
        }
    }

    public static func enable(_ record: KeyRecord, arn: String) throws(KMSError) -> KeyRecord {
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        var next = record
        next.state = .enabled
        return next
    }

    public static func disable(_ record: KeyRecord, arn: String) throws(KMSError) -> KeyRecord {
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        var next = record
        next.state = .disabled
        return next
    }

    public static func scheduleDeletion(_ record: KeyRecord, arn: String, windowInDays: Int, now: Date) throws(KMSError) -> KeyRecord {
        guard (minimumPendingWindowInDays...maximumPendingWindowInDays).contains(windowInDays) else {
            throw KMSError.validation(
                "1 validation error detected: Value '\(windowInDays)' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value between \(minimumPendingWindowInDays) and \(maximumPendingWindowInDays)"
            )
        }
        guard record.state != .pendingDeletion else { throw KMSError(.invalidState, "\(arn) is pending deletion.") }
        var next = record
        next.state = .pendingDeletion
        next.pendingWindowInDays = windowInDays
        next.deletionDate = now.addingTimeInterval(TimeInterval(windowInDays) * 86_400)
        return next
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
