import Foundation
import HTTPTypes
import Hummingbird
import KMSCore
import KMSProtocol
import Logging
import NIOCore
import SigV4

/// The single `POST /` endpoint: body limit, SigV4, the request pipeline, AWS error shapes.
struct KMSRequestHandler: Sendable {
    static let maximumBodySize = 1 << 20

    let pipeline: RequestPipeline
    let verifier: SigV4Verifier
    let credentials: CredentialCache
    let now: @Sendable () -> Date
    let logger: Logger
    let requestIDs = RequestIDs()

    func handle(_ request: Request, remoteAddress: String?) async -> Response {
        let requestID = requestIDs.next()
        var request = request
        do {
            let body = try await readBody(&request)
            let time = now()
            let principal = try await authenticate(request, body: body, at: time)
            let context = RequestContext(
                principal: principal, requestID: requestID, sourceIPAddress: remoteAddress,
                userAgent: request.headers[.userAgent], time: time
            )
            let target = request.headers[.xAmzTarget]
            let output = try await pipeline.handle(target: target, body: body, context: context)
            logger.debug("request", metadata: ["request-id": "\(requestID)", "target": "\(target ?? "")", "user": "\(principal.userName)"])
            return Self.response(.ok, output, requestID: requestID)
        } catch {
            return errorResponse(error, requestID: requestID)
        }
    }

    private func readBody(_ request: inout Request) async throws(KMSError) -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maximumBodySize {
            throw Self.tooLarge
        }
        do {
            let buffer = try await request.collectBody(upTo: Self.maximumBodySize)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge
        } catch {
            throw KMSError(.serialization, "The request body could not be read.")
        }
    }

    private static let tooLarge = KMSError.validation("The request body exceeds the limit of \(maximumBodySize) bytes.")

    private func authenticate(_ request: Request, body: [UInt8], at time: Date) async throws(KMSError) -> Principal {
        let rawPath = request.head.path ?? "/"
        let (path, query) = rawPath.firstIndex(of: "?").map { (String(rawPath[..<$0]), String(rawPath[rawPath.index(after: $0)...])) }
            ?? (rawPath, "")
        // HTTP/1 `Host` arrives as the authority pseudo-header in swift-http-types.
        var headers: [(name: String, value: String)] = request.head.authority.map { [("host", $0)] } ?? []
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let signed = SigV4Request(method: request.method.rawValue, path: path, query: query, headers: headers)
        do {
            return try await verifier.verify(signed, body: body, now: time, credentials: credentials)
        } catch {
            throw KMSError(Self.code(for: error.code), error.message)
        }
    }

    private static func code(for code: SigV4Error.Code) -> KMSError.Code {
        switch code {
        case .missingAuthenticationToken: .missingAuthenticationToken
        case .incompleteSignature: .incompleteSignature
        case .invalidSignature: .invalidSignature
        case .unrecognizedClient: .unrecognizedClient
        case .credentialLookupFailed: .internalFailure
        }
    }

    private func errorResponse(_ error: any Error, requestID: String) -> Response {
        let kmsError = (error as? KMSError) ?? KMSError.internalFailure(error)
        if kmsError.code == .internalFailure {
            logger.error("internal failure", metadata: ["request-id": "\(requestID)", "error": "\(kmsError.debugDescription)"])
        }
        let body = (try? WireCodec.encode(AWSErrorBody(type: kmsError.code.awsName, message: kmsError.message))) ?? []
        return Self.response(kmsError.code.httpStatus, body, requestID: requestID)
    }

    private static func response(_ status: HTTPResponse.Status, _ body: [UInt8], requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.1"
        headers[.xAmznRequestID] = requestID
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPField.Name {
    static let xAmzTarget = HTTPField.Name("X-Amz-Target")!
    static let xAmznRequestID = HTTPField.Name("x-amzn-RequestId")!
}
