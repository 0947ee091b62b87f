public import Foundation

public enum CustomKeyStoreType: String, Sendable, Hashable, CaseIterable {
    case cloudHSM = "AWS_CLOUDHSM"
    case externalKeyStore = "EXTERNAL_KEY_STORE"
}

/// A custom key store as it is stored: what CreateCustomKeyStore and
/// UpdateCustomKeyStore set, and whether an operator asked for it to be
/// connected, so that a restarted server connects it again.
public struct CustomKeyStoreRecord: Sendable, Hashable {
    public var id: String
    public var name: String
    public var type: CustomKeyStoreType
    public var cloudHsmClusterID: String?
    public var trustAnchorCertificate: String?
    /// The store's secret, sealed under the root key: the crypto user's password
    /// (AWS_CLOUDHSM) or the proxy's secret access key (EXTERNAL_KEY_STORE).
    public var sealedPassword: [UInt8]?
    /// An external key store's proxy (PUBLIC_ENDPOINT connectivity only).
    public var xksProxyURIEndpoint: String?
    public var xksProxyURIPath: String?
    public var xksProxyAccessKeyID: String?
    public var connectRequested: Bool
    public var createdAt: Date
    /// Bumped by every stored change, as for keys.
    public var revision: Int64

    public init(
        id: String, name: String, type: CustomKeyStoreType, cloudHsmClusterID: String?, trustAnchorCertificate: String?,
        sealedPassword: [UInt8]?, connectRequested: Bool = false, createdAt: Date, revision: Int64 = 0
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.cloudHsmClusterID = cloudHsmClusterID
        self.trustAnchorCertificate = trustAnchorCertificate
        self.sealedPassword = sealedPassword
        self.connectRequested = connectRequested
        self.createdAt = createdAt
        self.revision = revision
    }

    /// `cks-` and 17 hexadecimal digits, as AWS makes them.
    public static func generateID() -> String {
        "cks-" + (0..<17).map { _ in String(Int.random(in: 0..<16), radix: 16) }.joined()
    }
}

/// A PKCS#11 token an operator registered with `trent hsm register`: Trent's
/// stand-in for an AWS CloudHSM cluster. Its trust anchor certificate is made
/// at registration and identifies it; CreateCustomKeyStore must present it.
public struct HSMClusterRecord: Sendable, Hashable {
    public var id: String
    public var modulePath: String
    public var tokenLabel: String
    /// Two registrations of one token are related clusters (UpdateCustomKeyStore may move a store between them).
    public var tokenSerial: String
    public var trustAnchorCertificate: String
    public var createdAt: Date

    public init(id: String, modulePath: String, tokenLabel: String, tokenSerial: String, trustAnchorCertificate: String, createdAt: Date) {
        self.id = id
        self.modulePath = modulePath
        self.tokenLabel = tokenLabel
        self.tokenSerial = tokenSerial
        self.trustAnchorCertificate = trustAnchorCertificate
        self.createdAt = createdAt
    }

    /// `cluster-` and 11 characters of base32's alphabet, as AWS makes them.
    public static func generateID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return "cluster-" + String((0..<11).map { _ in alphabet.randomElement()! })
    }
}

/// The DER bytes inside a PEM certificate (or certificates), for comparing two
/// certificates however their PEM is wrapped; nil if it is not PEM.
public func certificateDER(fromPEM pem: String) -> [UInt8]? {
    let lines = pem.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    guard let begin = lines.firstIndex(of: "-----BEGIN CERTIFICATE-----"),
          let end = lines[begin...].firstIndex(of: "-----END CERTIFICATE-----")
    else { return nil }
    return Data(base64Encoded: lines[(begin + 1)..<end].joined()).map(Array.init)
}
