import Foundation
import Yams

/// `trent xks-proxy`'s settings, read from a YAML file and checked. Secrets
/// (the token's PIN, the SigV4 secret access keys) are never in the file:
/// it names the environment variable or the file that holds each.
public struct XKSProxyConfiguration: Sendable {
    public struct TLS: Sendable, Equatable {
        public var certificatePath: String
        public var privateKeyPath: String
    }

    public struct PKCS11: Sendable {
        public var modulePath: String
        public var tokenLabel: String
        public var pin: [UInt8]
        public var maxIdleSessions: Int
    }

    public var host: String
    public var port: Int
    /// The SigV4 region KMS signs for: the region of the KMS that calls this proxy.
    public var region: String
    /// `""` or `/…`: the API is at `{uriPathPrefix}/kms/xks/v1`.
    public var uriPathPrefix: String
    /// Nil serves plain HTTP, which only a loopback address may.
    public var tls: TLS?
    /// Secret access key by access key ID; two or more let callers rotate.
    public var credentials: [String: String]
    public var pkcs11: PKCS11
    /// JSON lines, one per request, each made durable before the answer.
    public var auditLogPath: String
    public var keys: [String: XKSKeyPolicy]

    /// `{uriPathPrefix}/kms/xks/v1`: the XksProxyUriPath to give KMS.
    public var apiPath: String { uriPathPrefix + "/kms/xks/v1" }

    /// Reads and checks `path`; relative paths inside it are relative to its directory.
    public static func load(file path: String, environment: [String: String]) throws(XKSConfigurationError) -> XKSProxyConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw XKSConfigurationError("the configuration file \(path) cannot be read: \(error.localizedDescription)")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, baseDirectory: directory, environment: environment) { file in
            try String(contentsOfFile: file, encoding: .utf8)
        }
    }

    /// Pure but for `readFile`, which reads the PIN and secret files.
    public static func parse(
        yaml: String, baseDirectory: String, environment: [String: String], readFile: (String) throws -> String
    ) throws(XKSConfigurationError) -> XKSProxyConfiguration {
        // First, so that a misspelt name is reported as such rather than as a missing one.
        try checkSettingNames(yaml)
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch let error as DecodingError {
            throw XKSConfigurationError(describing: error)
        } catch {
            throw XKSConfigurationError("the configuration is not valid YAML: \(error)")
        }
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : baseDirectory + "/" + path
        }
        func secret(env: String?, file: String?, what: String, envKey: String, fileKey: String) throws(XKSConfigurationError) -> String {
            switch (env, file) {
            case (let name?, nil):
                guard let value = environment[name], !value.isEmpty else {
                    throw XKSConfigurationError("\(what): the environment variable \(name) (\(envKey)) is not set")
                }
                return value
            case (nil, let path?):
                do {
                    // Editors and `echo` end files with a newline that is no part of the secret.
                    return try readFile(resolve(path)).trimmingCharacters(in: .newlines)
                } catch {
                    throw XKSConfigurationError("\(what): \(fileKey) \(resolve(path)) cannot be read: \(error.localizedDescription)")
                }
            default:
                throw XKSConfigurationError("\(what): give exactly one of \(envKey) and \(fileKey); secrets are never written in the configuration itself")
            }
        }

        let (host, port) = try listenAddress(file.listen)
        guard !file.region.isEmpty else { throw XKSConfigurationError("region must not be empty") }
        let prefix = file.uriPathPrefix ?? ""
        try checkPrefix(prefix)
        let tls = file.tls.map { TLS(certificatePath: resolve($0.certificate), privateKeyPath: resolve($0.privateKey)) }
        // Plain HTTP off loopback would send plaintexts across the network.
        guard tls != nil || isLoopback(host) else {
            throw XKSConfigurationError(
                "listen \(file.listen): plain HTTP is allowed on loopback addresses only; give tls.certificate and tls.privateKey to listen on \(host)"
            )
        }

        guard !file.credentials.isEmpty else { throw XKSConfigurationError("credentials: give at least one access key ID and its secret") }
        var credentials: [String: String] = [:]
        for (index, credential) in file.credentials.enumerated() {
            let id = credential.accessKeyId
            try checkAccessKeyID(id)
            guard credentials[id] == nil else { throw XKSConfigurationError("credentials: access key ID \(id) is given twice") }
            let what = "credentials[\(index)] (\(id))"
            let value = try secret(
                env: credential.secretAccessKeyEnv, file: credential.secretAccessKeyFile, what: what,
                envKey: "secretAccessKeyEnv", fileKey: "secretAccessKeyFile"
            )
            try checkSecret(value, what: what)
            credentials[id] = value
        }

        let pin = try secret(env: file.pkcs11.pinEnv, file: file.pkcs11.pinFile, what: "pkcs11", envKey: "pinEnv", fileKey: "pinFile")
        let maxIdleSessions = file.pkcs11.maxIdleSessions ?? 8
        guard (1...1024).contains(maxIdleSessions) else { throw XKSConfigurationError("pkcs11.maxIdleSessions must be 1–1024, not \(maxIdleSessions)") }
        guard !file.pkcs11.module.isEmpty, !file.pkcs11.tokenLabel.isEmpty else {
            throw XKSConfigurationError("pkcs11.module and pkcs11.tokenLabel must not be empty")
        }

        var keys: [String: XKSKeyPolicy] = [:]
        for key in file.keys {
            try checkKeyID(key.id)
            guard keys[key.id] == nil else { throw XKSConfigurationError("keys: \(key.id) is given twice") }
            var rules: [XKSAccessRule] = []
            for (index, rule) in key.allow.enumerated() {
                let what = "keys[\(key.id)].allow[\(index)]"
                guard !rule.principals.isEmpty, !rule.principals.contains(where: \.isEmpty) else {
                    throw XKSConfigurationError("\(what): principals must list at least one ARN pattern, none empty")
                }
                var operations: Set<XKSKeyOperation> = []
                for name in rule.operations {
                    guard let operation = XKSKeyOperation(rawValue: name) else {
                        throw XKSConfigurationError("\(what): \(name) is not an operation: encrypt, decrypt or metadata")
                    }
                    operations.insert(operation)
                }
                guard !operations.isEmpty else { throw XKSConfigurationError("\(what): operations must list encrypt, decrypt or metadata") }
                rules.append(XKSAccessRule(principals: rule.principals, operations: operations))
            }
            keys[key.id] = XKSKeyPolicy(id: key.id, disabled: key.disabled ?? false, rules: rules)
        }

        return XKSProxyConfiguration(
            host: host, port: port, region: file.region, uriPathPrefix: prefix, tls: tls, credentials: credentials,
            pkcs11: PKCS11(modulePath: file.pkcs11.module, tokenLabel: file.pkcs11.tokenLabel, pin: Array(pin.utf8), maxIdleSessions: maxIdleSessions),
            auditLogPath: resolve(file.auditLog), keys: keys
        )
    }

    /// Decoding ignores names it does not know, so a misspelt `disabled` would leave a key enabled: every name must be one of ours.
    static func checkSettingNames(_ yaml: String) throws(XKSConfigurationError) {
        // Not YAML at all: the decoder says so.
        guard let root = try? Yams.compose(yaml: yaml) else { return }
        func check(_ node: Node?, _ names: Set<String>, _ path: String) throws(XKSConfigurationError) {
            guard let mapping = node?.mapping else { return }
            for key in mapping.keys where !names.contains(key.string ?? "") {
                throw XKSConfigurationError("\(path)\(key.string ?? "?") is not a setting; the settings here are \(names.sorted().joined(separator: ", "))")
            }
        }
        try check(root, ["listen", "region", "uriPathPrefix", "tls", "credentials", "pkcs11", "auditLog", "keys"], "")
        let top = root.mapping
        try check(top?["tls"], ["certificate", "privateKey"], "tls.")
        try check(top?["pkcs11"], ["module", "tokenLabel", "pinEnv", "pinFile", "maxIdleSessions"], "pkcs11.")
        for (index, credential) in (top?["credentials"]?.sequence ?? []).enumerated() {
            try check(credential, ["accessKeyId", "secretAccessKeyEnv", "secretAccessKeyFile"], "credentials[\(index)].")
        }
        for (index, key) in (top?["keys"]?.sequence ?? []).enumerated() {
            try check(key, ["id", "disabled", "allow"], "keys[\(index)].")
            for (ruleIndex, rule) in (key.mapping?["allow"]?.sequence ?? []).enumerated() {
                try check(rule, ["principals", "operations"], "keys[\(index)].allow[\(ruleIndex)].")
            }
        }
    }

    static func listenAddress(_ text: String) throws(XKSConfigurationError) -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw XKSConfigurationError("listen \(text) must be HOST:PORT, the port 0–65535")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw XKSConfigurationError("listen \(text) must name a host") }
        return (host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The spec's XksProxyUriPath: at most 128 characters of a–z, A–Z, 0–9, `/`, `-` and `_`.
    static func checkPrefix(_ prefix: String) throws(XKSConfigurationError) {
        let allowed = prefix.unicodeScalars.allSatisfy { isASCIILetterOrDigit($0) || "/-_".unicodeScalars.contains($0) }
        guard prefix.isEmpty || (prefix.hasPrefix("/") && !prefix.hasSuffix("/") && allowed && !prefix.contains("//")),
            (prefix + "/kms/xks/v1").count <= 128
        else {
            throw XKSConfigurationError(
                "uriPathPrefix \(prefix) must be empty or start with / (not end with one), use only a–z, A–Z, 0–9, /, - and _, and leave {uriPathPrefix}/kms/xks/v1 at most 128 characters"
            )
        }
    }

    /// The spec's access key IDs: 20–30 characters of the Base32 alphabet (A–Z, 2–7).
    static func checkAccessKeyID(_ id: String) throws(XKSConfigurationError) {
        guard (20...30).contains(id.count), id.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("2"..."7").contains($0) }) else {
            throw XKSConfigurationError("credentials: access key ID \(id) must be 20–30 characters of A–Z and 2–7, as KMS requires")
        }
    }

    /// What KMS accepts as an XKS secret: 43–64 Base64 characters (at least 256 bits, e.g. `openssl rand -base64 32`).
    static func checkSecret(_ secret: String, what: String) throws(XKSConfigurationError) {
        guard (43...64).contains(secret.count), secret.unicodeScalars.allSatisfy({ isASCIILetterOrDigit($0) || "+/=".unicodeScalars.contains($0) }) else {
            throw XKSConfigurationError("\(what): the secret access key must be 43–64 characters of A–Z, a–z, 0–9, +, / and =, as KMS requires")
        }
    }

    /// The spec's externalKeyId: at most 128 of letters, digits, `-`, `.` and `_`.
    static func checkKeyID(_ id: String) throws(XKSConfigurationError) {
        guard (1...128).contains(id.count), id.unicodeScalars.allSatisfy({ isASCIILetterOrDigit($0) || "-._".unicodeScalars.contains($0) }) else {
            throw XKSConfigurationError("keys: \(id) is not an external key ID: 1–128 characters of A–Z, a–z, 0–9, -, . and _")
        }
    }

    private static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// The file as written; `parse` checks it.
    struct File: Decodable {
        struct TLSFiles: Decodable {
            var certificate: String
            var privateKey: String
        }

        struct Credential: Decodable {
            var accessKeyId: String
            var secretAccessKeyEnv: String?
            var secretAccessKeyFile: String?
        }

        struct Token: Decodable {
            var module: String
            var tokenLabel: String
            var pinEnv: String?
            var pinFile: String?
            var maxIdleSessions: Int?
        }

        struct Key: Decodable {
            struct Rule: Decodable {
                var principals: [String]
                var operations: [String]
            }

            var id: String
            var disabled: Bool?
            var allow: [Rule]
        }

        var listen: String
        var region: String
        var uriPathPrefix: String?
        var tls: TLSFiles?
        var credentials: [Credential]
        var pkcs11: Token
        var auditLog: String
        var keys: [Key]
    }
}

/// A configuration that cannot be used, said so that the operator can fix it.
public struct XKSConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    init(describing error: DecodingError) {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return names.isEmpty ? "the top level" : String(names.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            self.init("the configuration lacks \(key.stringValue)\(parent == "the top level" ? "" : " in \(parent)")")
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            self.init("the configuration's \(path(context)) is not valid: \(context.debugDescription)")
        @unknown default:
            self.init("the configuration is not valid: \(error)")
        }
    }
}
