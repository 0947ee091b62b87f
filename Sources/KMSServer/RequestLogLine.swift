import HTTPTypes
import KMSCore
import Logging

/// The one log line of a request, at info level: who asked for what on which
/// keys, and how it ended. It names request IDs, operations, ARNs, access key
/// IDs and AWS error names only: never a body, so never a plaintext, data key,
/// ciphertext or secret.
final class RequestLogLine {
    let requestID: String
    let target: String?
    let sourceIP: String?
    let trace = RequestTrace()
    /// The verified caller's ARN, or the access key a failed signature named.
    var caller: String?
    var api: String?
    var error: String?

    init(requestID: String, target: String?, sourceIP: String?) {
        self.requestID = requestID
        self.target = target
        self.sourceIP = sourceIP
    }

    func emit(to logger: Logger, status: HTTPResponse.Status, duration: Duration) {
        guard logger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request-id": .string(requestID),
            "operation": .string(operation),
            "outcome": .string(error ?? "OK"),
            "status": .stringConvertible(status.code),
            "duration-ms": .string(Self.milliseconds(duration)),
        ]
        if let api { metadata["api"] = .string(api) }
        if let caller { metadata["caller"] = .string(caller) }
        if let sourceIP { metadata["source-ip"] = .string(sourceIP) }
        let keys = trace.resources
        if !keys.isEmpty { metadata["keys"] = .string(keys.joined(separator: ",")) }
        logger.info("request", metadata: metadata)
    }

    /// The operation: the KMS or CloudTrail target's name, or the Query `Action` the pipeline saw.
    var operation: String {
        if let action = trace.operation { return action }
        guard let target else { return "-" }
        let name = target.split(separator: ".").last.map(String.init) ?? target
        return String(name.prefix(64))
    }

    private static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let micros = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - String(micros % 1000).count))\(micros % 1000)"
    }
}
