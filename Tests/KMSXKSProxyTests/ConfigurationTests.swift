import Foundation
import KMSXKSProxy
import Testing

struct ConfigurationTests {
    static let environment = [
        "XKS_PKCS11_PIN": "1234",
        "XKS_SECRET_1": "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE",
        "XKS_SECRET_2": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456",
    ]

    static let example = """
        listen: 127.0.0.1:8443
        region: us-east-2
        uriPathPrefix: /keystores/a-1
        credentials:
          - accessKeyId: AKIAI2SFODNN7EXAMPLE
            secretAccessKeyEnv: XKS_SECRET_1
          - accessKeyId: HGIE2BUAFNDMBCMSQVWLGCEXAMPLE
            secretAccessKeyFile: secret-2
        pkcs11:
          module: /usr/lib/softhsm/libsofthsm2.so
          tokenLabel: xks
          pinEnv: XKS_PKCS11_PIN
        auditLog: audit.jsonl
        keys:
          - id: key-1
            allow:
              - principals: ["arn:aws:iam::123456789012:user/*"]
                operations: [encrypt, decrypt]
              - principals: ["*"]
                operations: [metadata]
          - id: key.2_B
            disabled: true
            allow: []
        """

    static func parse(_ yaml: String, environment: [String: String] = environment, files: [String: String] = [:]) throws(XKSConfigurationError) -> XKSProxyConfiguration {
        try XKSProxyConfiguration.parse(yaml: yaml, baseDirectory: "/etc/xks", environment: environment) { path in
            guard let text = files[path] else { throw CocoaLikeError() }
            return text
        }
    }

    struct CocoaLikeError: Error {}

    /// `example` with one line replaced.
    static func variant(_ line: String, _ replacement: String) -> String {
        precondition(example.contains(line), line)
        return example.replacingOccurrences(of: line, with: replacement)
    }

    static func failure(_ yaml: String, environment: [String: String] = environment) -> String {
        do {
            _ = try parse(yaml, environment: environment, files: ["/etc/xks/secret-2": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456\n"])
            return "parsed"
        } catch {
            return error.description
        }
    }

    @Test func parsesTheExample() throws {
        let configuration = try Self.parse(Self.example, files: ["/etc/xks/secret-2": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456\n"])
        #expect(configuration.host == "127.0.0.1" && configuration.port == 8443 && configuration.region == "us-east-2")
        #expect(configuration.apiPath == "/keystores/a-1/kms/xks/v1")
        #expect(configuration.tls == nil)
        #expect(configuration.credentials == [
            "AKIAI2SFODNN7EXAMPLE": "FYtE5EFA5FT0mCc3DrGUe2sti527BitkQ0Zr9MO9fvE",
            // The file's trailing newline is not part of the secret.
            "HGIE2BUAFNDMBCMSQVWLGCEXAMPLE": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456",
        ])
        #expect(configuration.pkcs11.pin == Array("1234".utf8) && configuration.pkcs11.tokenLabel == "xks")
        #expect(configuration.pkcs11.maxIdleSessions == 8)
        #expect(configuration.auditLogPath == "/etc/xks/audit.jsonl")
        #expect(configuration.keys["key-1"] == XKSKeyPolicy(id: "key-1", rules: [
            XKSAccessRule(principals: ["arn:aws:iam::123456789012:user/*"], operations: [.encrypt, .decrypt]),
            XKSAccessRule(principals: ["*"], operations: [.metadata]),
        ]))
        #expect(configuration.keys["key.2_B"] == XKSKeyPolicy(id: "key.2_B", disabled: true, rules: []))
    }

    @Test func tlsAllowsAnyAddress() throws {
        let yaml = Self.variant("listen: 127.0.0.1:8443", "listen: \"[::]:443\"\ntls:\n  certificate: cert.pem\n  privateKey: /keys/key.pem")
        let configuration = try Self.parse(yaml, files: ["/etc/xks/secret-2": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456"])
        #expect(configuration.host == "::" && configuration.port == 443)
        #expect(configuration.tls?.certificatePath == "/etc/xks/cert.pem" && configuration.tls?.privateKeyPath == "/keys/key.pem")
    }

    @Test func plainHTTPOnLoopbackOnly() {
        for address in ["127.0.0.1:1", "localhost:1", "\"[::1]:1\"", "127.1.2.3:80"] {
            #expect(Self.failure(Self.variant("listen: 127.0.0.1:8443", "listen: \(address)")) == "parsed", "\(address)")
        }
        for address in ["0.0.0.0:8443", "10.0.0.1:8443", "\"[::]:8443\"", "xks.example.com:443"] {
            #expect(Self.failure(Self.variant("listen: 127.0.0.1:8443", "listen: \(address)")).contains("plain HTTP is allowed on loopback addresses only"))
        }
    }

    @Test(arguments: [
        ("listen: 127.0.0.1:8443", "listen: 127.0.0.1", "must be HOST:PORT"),
        ("listen: 127.0.0.1:8443", "listen: 127.0.0.1:70000", "must be HOST:PORT"),
        ("uriPathPrefix: /keystores/a-1", "uriPathPrefix: keystores", "uriPathPrefix keystores must"),
        ("uriPathPrefix: /keystores/a-1", "uriPathPrefix: /a/", "uriPathPrefix /a/ must"),
        ("uriPathPrefix: /keystores/a-1", "uriPathPrefix: /a.b", "uriPathPrefix /a.b must"),
        ("uriPathPrefix: /keystores/a-1", "uriPathPrefix: /" + String(repeating: "a", count: 117), "at most 128 characters"),
        ("  - accessKeyId: AKIAI2SFODNN7EXAMPLE", "  - accessKeyId: AKIA1", "access key ID AKIA1 must be 20–30 characters"),
        ("  - accessKeyId: AKIAI2SFODNN7EXAMPLE", "  - accessKeyId: akiai2sfodnn7example", "must be 20–30 characters of A–Z and 2–7"),
        ("  - accessKeyId: AKIAI2SFODNN7EXAMPLE", "  - accessKeyId: HGIE2BUAFNDMBCMSQVWLGCEXAMPLE", "is given twice"),
        ("    secretAccessKeyEnv: XKS_SECRET_1", "    secretAccessKeyEnv: XKS_UNSET", "the environment variable XKS_UNSET (secretAccessKeyEnv) is not set"),
        ("    secretAccessKeyEnv: XKS_SECRET_1", "    secretAccessKeyEnv: XKS_PKCS11_PIN", "the secret access key must be 43–64 characters"),
        ("    secretAccessKeyEnv: XKS_SECRET_1", "    secretAccessKeyEnv: XKS_SECRET_1\n    secretAccessKeyFile: s", "give exactly one of secretAccessKeyEnv and secretAccessKeyFile"),
        ("    secretAccessKeyFile: secret-2", "    secretAccessKeyFile: missing", "secretAccessKeyFile /etc/xks/missing cannot be read"),
        ("  pinEnv: XKS_PKCS11_PIN", "  pinEnv: XKS_PIN_UNSET", "pkcs11: the environment variable XKS_PIN_UNSET (pinEnv) is not set"),
        ("  pinEnv: XKS_PKCS11_PIN", "  pin: \"1234\"", "pkcs11.pin is not a setting"),
        ("  pinEnv: XKS_PKCS11_PIN", "", "give exactly one of pinEnv and pinFile; secrets are never written in the configuration itself"),
        ("  pinEnv: XKS_PKCS11_PIN", "  pinEnv: XKS_PKCS11_PIN\n  pinFile: pin", "give exactly one of pinEnv and pinFile"),
        ("  - id: key.2_B", "  - id: key-1", "keys: key-1 is given twice"),
        ("  - id: key.2_B", "  - id: key/2", "keys: key/2 is not an external key ID"),
        ("        operations: [encrypt, decrypt]", "        operations: [encrypt, sign]", "sign is not an operation: encrypt, decrypt or metadata"),
        ("        operations: [encrypt, decrypt]", "        operations: []", "operations must list"),
        ("      - principals: [\"*\"]", "      - principals: []", "principals must list at least one ARN pattern"),
        ("auditLog: audit.jsonl", "", "the configuration lacks auditLog"),
        ("    allow: []", "", "the configuration lacks allow in keys[1]"),
        ("region: us-east-2", "region: [us-east-2]", "the configuration's region is not valid"),
        ("    disabled: true", "    disable: true", "keys[1].disable is not a setting"),
        ("  tokenLabel: xks", "  tokenlabel: xks", "pkcs11.tokenlabel is not a setting"),
        ("        operations: [encrypt, decrypt]", "        operation: [encrypt, decrypt]", "keys[0].allow[0].operation is not a setting"),
        ("region: us-east-2", "region: us-east-2\ninsecureHTTP: true", "insecureHTTP is not a setting"),
    ])
    func refuses(line: String, replacement: String, message: String) {
        let description = Self.failure(Self.variant(line, replacement))
        #expect(description.contains(message), "\(description)")
    }

    @Test func pinFromAFile() throws {
        let yaml = Self.variant("  pinEnv: XKS_PKCS11_PIN", "  pinFile: /run/secrets/pin")
        let configuration = try Self.parse(yaml, environment: [:].merging(Self.environment) { $1 }.filter { $0.key != "XKS_PKCS11_PIN" }, files: [
            "/run/secrets/pin": "s3cret\n", "/etc/xks/secret-2": "VU6W2byoiBrhDqNGbx703oL0syCAmhlQgwNUT123456",
        ])
        #expect(configuration.pkcs11.pin == Array("s3cret".utf8))
    }
}
