import ArgumentParser
import Foundation
import KMSCrypto
import KMSKeyStorePKCS11

/// Where a root key held in a PKCS#11 token is: module, token and key label,
/// and the crypto user's PIN, from `TRENT_ROOT_KEY_PKCS11_PIN` or a file, never a flag.
struct HSMRootKeyOptions: ParsableArguments {
    @Option(name: .customLong("root-key-pkcs11-module"), help: "Keep the root key in an HSM: the PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so). Its PIN comes from TRENT_ROOT_KEY_PKCS11_PIN or --root-key-pkcs11-pin-file.")
    var module: String?

    @Option(name: .customLong("root-key-pkcs11-token-label"), help: "Label of the token holding the root key.")
    var tokenLabel: String?

    @Option(name: .customLong("root-key-pkcs11-key-label"), help: "Label of the root key in the token; made there on a new data directory. Default: trent-root-key.")
    var keyLabel: String?

    @Option(name: .customLong("root-key-pkcs11-pin-file"), help: "File holding the token's crypto-user PIN.")
    var pinFile: String?

    static let defaultKeyLabel = "trent-root-key"

    /// The resolved settings, each from its flag or its `TRENT_ROOT_KEY_PKCS11_*` setting; nil without a module.
    struct Resolved: Sendable {
        var module: String
        var tokenLabel: String
        var keyLabel: String
        var pin: [UInt8]

        /// What `DataDirectory` calls to open the key.
        var opener: @Sendable (_ mayCreate: Bool) async throws -> any RootKeyCipher {
            { [self] mayCreate in
                try await PKCS11RootKey.open(modulePath: module, tokenLabel: tokenLabel, keyLabel: keyLabel, pin: pin, mayCreate: mayCreate)
            }
        }
    }

    /// `setting` looks a name up beyond the flag (the environment, and for `trent serve` its config file).
    func resolve(_ setting: (String?, String) -> String?, environment: [String: String]) throws -> Resolved? {
        guard let module = setting(module, "root-key-pkcs11-module") else { return nil }
        guard let tokenLabel = setting(tokenLabel, "root-key-pkcs11-token-label") else {
            throw ValidationError("--root-key-pkcs11-module needs --root-key-pkcs11-token-label")
        }
        let pin: String
        if let file = setting(pinFile, "root-key-pkcs11-pin-file") {
            do {
                pin = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw ValidationError("--root-key-pkcs11-pin-file \(file) cannot be read: \(error.localizedDescription)")
            }
        } else if let fromEnvironment = environment["TRENT_ROOT_KEY_PKCS11_PIN"] {
            pin = fromEnvironment
        } else {
            throw ValidationError("the root key's token needs its PIN: set TRENT_ROOT_KEY_PKCS11_PIN or --root-key-pkcs11-pin-file")
        }
        return Resolved(
            module: module, tokenLabel: tokenLabel, keyLabel: setting(keyLabel, "root-key-pkcs11-key-label") ?? Self.defaultKeyLabel,
            pin: Array(pin.utf8)
        )
    }

    /// For the admin commands: flags, then `TRENT_ROOT_KEY_PKCS11_*` environment variables.
    func resolveFromEnvironment() throws -> Resolved? {
        let environment = ProcessInfo.processInfo.environment
        return try resolve({ flag, name in flag ?? environment["TRENT_" + name.uppercased().replacingOccurrences(of: "-", with: "_")] }, environment: environment)
    }
}
