#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import NIOPosix
import Synchronization

/// One line of the audit log. Never a plaintext, a ciphertext or key material:
/// who asked (the SigV4 access key, the caller KMS names), for what, and the outcome.
public struct XKSAuditRecord: Encodable, Sendable, Equatable {
    public var time: String
    /// The spec's API name (GetHealthStatus, GetKeyMetadata, Encrypt, Decrypt); nil for a path that names none.
    public var operation: String?
    public var keyId: String?
    public var awsPrincipalArn: String?
    public var kmsKeyArn: String?
    public var kmsOperation: String?
    public var kmsRequestId: String?
    public var kmsViaService: String?
    public var awsSourceVpc: String?
    public var awsSourceVpce: String?
    /// The access key the signature names, whether or not it verified.
    public var accessKeyId: String?
    public var httpStatus: Int
    /// "success" or "failure".
    public var outcome: String
    public var errorName: String?

    init(time: Date) {
        self.time = time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        httpStatus = 200
        outcome = "success"
    }

    mutating func note(_ metadata: XKSRequestMetadata?) {
        guard let metadata else { return }
        awsPrincipalArn = metadata.awsPrincipalArn
        kmsKeyArn = metadata.kmsKeyArn
        kmsOperation = metadata.kmsOperation
        kmsRequestId = metadata.kmsRequestId
        kmsViaService = metadata.kmsViaService
        awsSourceVpc = metadata.awsSourceVpc
        awsSourceVpce = metadata.awsSourceVpce
    }
}

/// JSON lines appended to a file, each written and fsync()ed on the thread
/// pool before the request is answered: an answer whose record could be lost
/// is not given (the request fails with InternalException instead).
public final class XKSAuditLog: Sendable {
    public let path: String
    private let threadPool: NIOThreadPool
    /// The descriptor, -1 once closed; the lock also keeps lines whole and in order.
    private let descriptor: Mutex<Int32>

    public init(path: String, threadPool: NIOThreadPool) throws(XKSConfigurationError) {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw XKSConfigurationError("the audit log \(path) cannot be opened for appending: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.threadPool = threadPool
        descriptor = Mutex(fd)
    }

    public func append(_ record: XKSAuditRecord) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Array(try encoder.encode(record)) + [0x0A]
        try await threadPool.runIfActive { [self] in
            try self.descriptor.withLock { fd throws(AuditWriteError) in
                guard fd >= 0 else { throw AuditWriteError(reason: "the audit log is closed") }
                var written = 0
                while written < line.count {
                    let count = line[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw AuditWriteError(reason: String(cString: strerror(errno)))
                    }
                    written += count
                }
                guard fsync(fd) == 0 else { throw AuditWriteError(reason: "fsync: " + String(cString: strerror(errno))) }
            }
        }
    }

    /// Later appends fail.
    public func close() {
        descriptor.withLock { fd in
            if fd >= 0 { closeDescriptor(fd) }
            fd = -1
        }
    }
}

/// At file scope, where `close` is the C function rather than the method.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}

struct AuditWriteError: Error, CustomStringConvertible {
    var reason: String
    var description: String { "the audit record could not be written: \(reason)" }
}
