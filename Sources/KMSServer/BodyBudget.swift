import Synchronization

/// Bounds the bytes buffered for bodies whose signatures are not yet checked:
/// in all, and per access key, so that stalled requests under one access key
/// cannot take the allowance of everyone else.
final class BodyBudget: Sendable {
    let limit: Int
    let limitPerAccessKey: Int
    private struct Usage {
        var total = 0
        var byAccessKey: [String: Int] = [:]
    }
    private let usage = Mutex(Usage())

    init(limit: Int, limitPerAccessKey: Int) {
        self.limit = limit
        self.limitPerAccessKey = limitPerAccessKey
    }

    /// Reserves `bytes` for a request signed with `accessKeyID` if they fit; never waits.
    func reserve(_ bytes: Int, accessKeyID: String) -> Bool {
        usage.withLock { usage in
            let forKey = usage.byAccessKey[accessKeyID, default: 0]
            guard usage.total + bytes <= limit, forKey + bytes <= limitPerAccessKey else { return false }
            usage.total += bytes
            usage.byAccessKey[accessKeyID] = forKey + bytes
            return true
        }
    }

    func release(_ bytes: Int, accessKeyID: String) {
        usage.withLock { usage in
            usage.total -= bytes
            let left = usage.byAccessKey[accessKeyID, default: 0] - bytes
            usage.byAccessKey[accessKeyID] = left > 0 ? left : nil
        }
    }
}
