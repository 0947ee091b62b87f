import ArgumentParser
import Configuration
import Foundation
import SystemPackage
import Yams

/// Where `trent serve`'s settings come from, the first that has one winning:
/// its flag, a `TRENT_*` environment variable, the `--config` YAML file, the
/// default. Each setting has one name: `--tls-cert`, `TRENT_TLS_CERT`,
/// `tls-cert:` in the file.
struct ServeSettings {
    /// Every setting the file and the environment may give (README: "Configuration").
    static let names: Set<String> = [
        "listen", "metrics-listen", "data", "region", "root-key-file", "root-key-pkcs11-module", "root-key-pkcs11-token-label",
        "root-key-pkcs11-key-label", "root-key-pkcs11-pin-file", "xks-ca-bundle", "tls-cert", "tls-key", "insecure-http",
        "max-connections", "idle-timeout-seconds", "header-timeout-seconds", "body-timeout-seconds", "max-header-bytes",
        "rate-limit-principal", "rate-limit-key", "log-level", "log-format", "deletion-sweep-seconds",
        "credential-cache-seconds", "audit-digest-records", "audit-digest-seconds", "shutdown-grace-seconds",
    ]

    private let environment: ConfigReader
    private let file: ConfigReader?
    private let configFile: String?

    init(configFile: String?, environment variables: [String: String]) async throws {
        environment = ConfigReader(provider: EnvironmentVariablesProvider(environmentVariables: variables).prefixKeys(with: "trent"))
        self.configFile = configFile
        guard let configFile else {
            file = nil
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: configFile, encoding: .utf8)
        } catch {
            throw ValidationError("--config \(configFile) cannot be read: \(error.localizedDescription)")
        }
        // A misspelt setting would otherwise be ignored without a word.
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw ValidationError("--config \(configFile) is not YAML: \(error)")
        }
        let mapping = (parsed as? [String: Any]) ?? (parsed == nil ? [:] : nil)
        guard let mapping else { throw ValidationError("--config \(configFile) must be a mapping of setting names to values") }
        if let unknown = mapping.keys.filter({ !Self.names.contains($0) }).sorted().first {
            throw ValidationError("--config \(configFile): \(unknown) is not a setting of trent serve (see the README's configuration table)")
        }
        file = ConfigReader(provider: try await FileProvider<YAMLSnapshot>(filePath: FilePath(configFile)))
    }

    /// The value and where it came from, for error messages.
    func text(_ flag: String?, _ name: String) -> (value: String, source: String)? {
        if let flag { return (flag, "--\(name)") }
        let variable = "TRENT_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
        if let value = environment.string(forKey: ConfigKey([name])) { return (value, variable) }
        if let configFile, let value = file?.string(forKey: ConfigKey([name])) { return (value, "\(name) in \(configFile)") }
        return nil
    }

    func string(_ flag: String?, _ name: String, default fallback: String) -> String {
        text(flag, name)?.value ?? fallback
    }

    func optionalString(_ flag: String?, _ name: String) -> String? {
        text(flag, name)?.value
    }

    func int(_ flag: Int?, _ name: String, default fallback: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let (value, source) = text(flag.map(String.init), name) else { return fallback }
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), range.contains(number) else {
            throw ValidationError("\(source) = \(value) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func double(_ flag: Double?, _ name: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let (value, source) = text(flag.map { String($0) }, name) else { return fallback }
        guard let number = Double(value.trimmingCharacters(in: .whitespaces)), number.isFinite, range.contains(number) else {
            throw ValidationError("\(source) = \(value) is not a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A flag given is true; otherwise `true`/`false` from the environment or file.
    func bool(_ flag: Bool, _ name: String) throws -> Bool {
        if flag { return true }
        guard let (value, source) = text(nil, name) else { return false }
        switch value.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw ValidationError("\(source) = \(value) is not true or false")
        }
    }
}
