public import Foundation
import Synchronization

/// The verified caller of one request, as IAM and CloudTrail name it. A
/// class: the credential cache makes one per access key and every request
/// and audit record of that key shares it.
public final class Principal: Sendable, Hashable {
    /// CloudTrail's `userIdentity.type`.
    public enum Kind: String, Sendable, Hashable {
        case root = "Root"
        case user = "IAMUser"
        case assumedRole = "AssumedRole"
    }

    /// The role behind temporary credentials from AssumeRole.
    public struct RoleSession: Sendable, Hashable {
        public var roleName: String
        public var roleID: String
        public var roleARN: String
        public var sessionName: String
        public var expiration: Date
        /// Who called AssumeRole.
        public var sourceARN: String

        public init(roleName: String, roleID: String, roleARN: String, sessionName: String, expiration: Date, sourceARN: String) {
            self.roleName = roleName
            self.roleID = roleID
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.expiration = expiration
            self.sourceARN = sourceARN
        }
    }

    public let kind: Kind
    public let accountID: String
    /// The IAM user's name; nil for an assumed role. The root identity is the user named `root`.
    public let userName: String?
    /// `aws:userid`: the account ID for root, `AIDA…` for a user, `AROA…:SESSION` for an assumed role.
    public let principalID: String
    public let accessKeyID: String
    /// `arn:aws:iam::ACCOUNT:root`, `…:user/NAME` or `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public let arn: String
    public let session: RoleSession?
    /// `aws:PrincipalTag/*`: the user's or the role's tags.
    public let tags: [String: String]

    public init(userName: String, userID: String, accessKeyID: String, accountID: String, tags: [String: String] = [:]) {
        self.kind = userName == Identities.rootUserName ? .root : .user
        self.accountID = accountID
        self.userName = userName
        self.principalID = kind == .root ? accountID : userID
        self.accessKeyID = accessKeyID
        self.arn = kind == .root ? "arn:aws:iam::\(accountID):root" : "arn:aws:iam::\(accountID):user/\(userName)"
        self.session = nil
        self.tags = tags
    }

    public init(session: RoleSession, accessKeyID: String, accountID: String, tags: [String: String] = [:]) {
        self.kind = .assumedRole
        self.accountID = accountID
        self.userName = nil
        self.principalID = "\(session.roleID):\(session.sessionName)"
        self.accessKeyID = accessKeyID
        self.arn = "arn:aws:sts::\(accountID):assumed-role/\(session.roleName)/\(session.sessionName)"
        self.session = session
        self.tags = tags
    }

    /// Whose identity policies apply: the user's, or the assumed role's. Root has none: it may do everything IAM allows.
    public var policyOwner: PolicyOwner? {
        switch kind {
        case .root: nil
        case .user: userName.map(PolicyOwner.user)
        case .assumedRole: session.map { .role($0.roleName) }
        }
    }

    /// The name logs show: the user name, or ROLE/SESSION.
    public var displayName: String {
        userName ?? session.map { "\($0.roleName)/\($0.sessionName)" } ?? arn
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
    /// Whether the request came over TLS (`aws:SecureTransport`).
    public var secureTransport: Bool
    /// Where the pipelines note what the request's log line names.
    public var trace: RequestTrace?

    public init(
        principal: Principal, requestID: String, sourceIPAddress: String? = nil, userAgent: String? = nil, time: Date,
        secureTransport: Bool = false
    ) {
        self.principal = principal
        self.requestID = requestID
        self.sourceIPAddress = sourceIPAddress
        self.userAgent = userAgent
        self.time = time
        self.secureTransport = secureTransport
        self.trace = nil
    }
}

/// What a request's log line names that only the pipeline learns: its
/// operation (an IAM or STS `Action`) and the ARNs of the keys it used.
public final class RequestTrace: Sendable {
    private let state = Mutex<(operation: String?, resources: [String])>((nil, []))

    public init() {}

    public var operation: String? {
        get { state.withLock { $0.operation } }
        set { state.withLock { $0.operation = newValue } }
    }

    public var resources: [String] {
        get { state.withLock { $0.resources } }
        set { state.withLock { $0.resources = newValue } }
    }
}
