import Foundation
public import Logging
import Synchronization

/// The server's log handler: text or JSON lines, formatted cheaply and
/// written to standard error by a thread of their own in batches (every
/// 100 ms, sooner when 64 KiB have gathered, at once for errors), so that a
/// line per request costs the request no system call. Lines of the last
/// 100 ms are lost if the process is killed; the audit trail, not the log, is
/// the durable record.
public struct BufferedLogHandler: LogHandler {
    public enum Format: String, Sendable {
        case text, json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    private let format: Format

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var fields = metadata
        if let explicit = event.metadata { fields.merge(explicit) { $1 } }
        let keys = fields.keys.sorted()
        var out: [UInt8] = []
        out.reserveCapacity(256)
        let time = LogTime.now()
        switch format {
        case .text:
            out += Array("\(time) \(level.rawValue) \(label): \(message.description)".utf8)
            for key in keys {
                out += Array(" \(key)=\(fields[key]!.description)".utf8)
            }
        case .json:
            var object: [(String, Any)] = [("time", time), ("level", level.rawValue), ("label", label), ("message", message.description)]
            for key in keys where !["time", "level", "label", "message"].contains(key) { object.append((key, Self.json(fields[key]!))) }
            let dictionary = Dictionary(object, uniquingKeysWith: { first, _ in first })
            guard let data = try? JSONSerialization.data(withJSONObject: dictionary, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
            out += data
        }
        out.append(0x0A)
        LogOutput.shared.append(out, urgent: level >= .error)
    }

    private static func json(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(json)
        case .dictionary(let dictionary): dictionary.mapValues(json)
        }
    }

    /// Writes out what is buffered; call before the process exits.
    public static func flush() {
        LogOutput.shared.flush()
    }
}

/// The buffer behind every `BufferedLogHandler` and the thread that drains it to standard error.
final class LogOutput: @unchecked Sendable {
    static let shared = LogOutput()

    // @unchecked: `buffer` is only touched with `condition` locked; `writing` serializes writes to the descriptor.
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private let writing = NSLock()
    private static let batch = 64 * 1024

    private init() {
        let thread = Thread { [self] in
            Thread.current.name = "log-writer"
            while true {
                condition.lock()
                if buffer.count < Self.batch { _ = condition.wait(until: Date(timeIntervalSinceNow: 0.1)) }
                condition.unlock()
                flush()
            }
        }
        thread.start()
    }

    func append(_ line: [UInt8], urgent: Bool) {
        condition.lock()
        buffer += line
        let full = buffer.count >= Self.batch
        if full { condition.signal() }
        condition.unlock()
        if urgent { flush() }
    }

    func flush() {
        writing.lock()
        defer { writing.unlock() }
        condition.lock()
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        condition.unlock()
        var offset = 0
        while offset < pending.count {
            let written = pending[offset...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }
}

/// `2026-12-01T05:00:00.123Z`, without a formatter.
enum LogTime {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(spec.tv_nsec / 1_000_000), 3))Z"
    }
}
