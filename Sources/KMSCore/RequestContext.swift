public import Foundation

/// The verified caller of one request, as IAM and CloudTrail name it. A
/// class: the credential cache makes one per access key and every request
/// and audit record of that key shares it.
public final class Principal: Sendable, Hashable {
    /// CloudTrail's `userIdentity.type`.
    public enum Kind: String, Sendable, Hashable {
        case root = "Root"
        case user = "IAMUser"
    }

    public let kind: Kind
    public let accountID: String
    public let userName: String
    public let accessKeyID: String
    /// `arn:aws:iam::ACCOUNT:root` for the account's root identity, `…:user/NAME` for a user.
    public let arn: String

    public init(userName: String, accessKeyID: String, accountID: String) {
        self.kind = userName == Identities.rootUserName ? .root : .user
        self.accountID = accountID
        self.userName = userName
        self.accessKeyID = accessKeyID
        self.arn = kind == .root ? "arn:aws:iam::\(accountID):root" : "arn:aws:iam::\(accountID):user/\(userName)"
    }

    public static func == (lhs: Principal, rhs: Principal) -> Bool {
        lhs.arn == rhs.arn && lhs.accessKeyID == rhs.accessKeyID
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(arn)
        hasher.combine(accessKeyID)
    }
}

/// What is known about one request before any operation runs: who sent it
/// (as SigV4 verified it), from where, and when.
public struct RequestContext: Sendable {
    public var principal: Principal
    public var requestID: String
    public var sourceIPAddress: String?
    public var userAgent: String?
    public var time: Date

    public init(principal: Principal, requestID: String, sourceIPAddress: String? = nil, userAgent: String? = nil, time: Date) {
        self.principal = principal
        self.requestID = requestID
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.time = time
    }
}
