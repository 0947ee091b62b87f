import Foundation
import HTTPTypes
import Hummingbird
import KMSAudit
import KMSCore
import KMSIdentity
import KMSProtocol
import Logging
import NIOCore
import SigV4

/// The single `POST /` endpoint: body limit, SigV4, then the API the
/// signature's scope names: KMS (JSON 1.1, `X-Amz-Target`) through the
/// request pipeline, CloudTrail's LookupEvents (JSON 1.1) over the audit
/// trail, or IAM and STS (Query protocol) through the query pipeline, each
/// with its own error shapes. A signature that fails but names an access
/// key is recorded in the audit trail.
struct KMSRequestHandler: Sendable {
    static let maximumBodySize = 1 << 20

    /// The APIs of one endpoint, by the service a signature is scoped to.
    enum API: Sendable, Equatable {
        case kms
        case cloudTrail
        case query(QueryService)

        init(scopeService service: String?) {
            self = service == "cloudtrail" ? .cloudTrail : QueryService(rawValue: service ?? "").map(API.query) ?? .kms
        }

        var name: String {
            switch self {
            case .kms: "kms"
            case .cloudTrail: "cloudtrail"
            case .query(let service): service.rawValue
            }
        }

        var eventSource: String {
            switch self {
            case .kms: "kms.amazonaws.com"
            case .cloudTrail: "cloudtrail.amazonaws.com"
            case .query(let service): service.eventSource
            }
        }
    }

    static let servedServices: Set<String> = ["kms", "iam", "sts", "cloudtrail"]

    let pipeline: RequestPipeline
    let queries: QueryPipeline
    let cloudTrail: CloudTrailAPI
    /// KMS, IAM and STS in this server's region, and IAM and STS also in us-east-1, where AWS scopes their global endpoints.
    let verifier: SigV4Verifier
    let credentials: CredentialCache
    let principalRateLimit: TokenBuckets?
    /// Whether this listener serves TLS: `aws:SecureTransport`.
    let secureTransport: Bool
    let now: @Sendable () -> Date
    let logger: Logger
    /// Random-looking, as AWS's are: a counter would tell any caller how many requests were served.
    let requestIDs = UniqueIDs()
    /// Bounds the memory held by bodies whose signatures are not yet checked.
    let metrics = RequestMetrics()
    let bodyBudget = BodyBudget(limit: 64 << 20, limitPerAccessKey: 8 << 20)

    init(
        pipeline: RequestPipeline, queries: QueryPipeline, cloudTrail: CloudTrailAPI, identityGeneration: @escaping @Sendable () -> UInt64,
        credentialCacheLifetime: Duration, principalRateLimit: TokenBuckets?, secureTransport: Bool = false, logger: Logger
    ) {
        let region = pipeline.environment.region
        // KMS first: its service is the one an error about a wrong scope names.
        var scopes = ["kms", "iam", "sts", "cloudtrail"].map { SigV4Verifier.Scope(service: $0, region: region) }
        if region != "us-east-1" {
            scopes += ["iam", "sts"].map { SigV4Verifier.Scope(service: $0, region: "us-east-1") }
        }
        self.pipeline = pipeline
        self.queries = queries
        self.cloudTrail = cloudTrail
        self.verifier = SigV4Verifier(scopes: scopes)
        self.credentials = CredentialCache(identities: queries.identities, lifetime: credentialCacheLifetime, generation: identityGeneration)
        self.now = pipeline.environment.now
        self.principalRateLimit = principalRateLimit
        self.secureTransport = secureTransport
        self.logger = logger
    }

    func handle(_ request: Request, remoteAddress: String?) async -> Response {
        let started = ContinuousClock.now
        let line = RequestLogLine(requestID: requestIDs.next(), target: request.headers[.xAmzTarget], sourceIP: remoteAddress)
        metrics.begin()
        let response = await respond(request, remoteAddress: remoteAddress, line: line)
        let duration = ContinuousClock.now - started
        line.emit(to: logger, status: response.status, duration: duration)
        metrics.record(api: line.api, operation: line.operation, outcome: line.error ?? "OK", duration: duration)
        return response
    }

    private func respond(_ request: Request, remoteAddress: String?, line: RequestLogLine) async -> Response {
        let requestID = line.requestID
        var request = request
        let target = request.headers[.xAmzTarget]
        do {
            let time = now()
            let signed = SigV4Request(request.head)
            // The headers are checked before any of the body is buffered: a request that cannot authenticate costs no memory.
            let checked: SigV4Verifier.HeadersChecked<Principal>
            do {
                checked = try await beginAuthentication(signed, at: time)
            } catch {
                throw await failedAuthentication(error, signed, target: target, body: nil, line: line, remoteAddress: remoteAddress, time: time)
            }
            let body = try await readBody(&request, accessKeyID: checked.accessKeyID)
            let (principal, api): (Principal, API)
            do {
                (principal, api) = try finishAuthentication(checked, signed, target: target, body: body)
            } catch {
                throw await failedAuthentication(error, signed, target: target, body: body, line: line, remoteAddress: remoteAddress, time: time)
            }
            line.caller = principal.arn
            line.api = api.name
            // Before the dispatcher, so not audited: a flood must not be able to fill the audit trail.
            if let principalRateLimit, !principalRateLimit.take(principal.arn) { throw RateLimits.exceeded }
            var context = RequestContext(
                principal: principal, requestID: requestID, sourceIPAddress: remoteAddress,
                userAgent: request.headers[.userAgent], time: time, secureTransport: secureTransport
            )
            context.trace = line.trace
            switch api {
            case .kms:
                let output = try await pipeline.handle(target: target, body: body, context: context)
                return Self.response(.ok, output, contentType: Self.jsonContentType, requestID: requestID)
            case .cloudTrail:
                let output = try await cloudTrail.handle(target: target, body: body, context: context)
                return Self.response(.ok, output, contentType: Self.jsonContentType, requestID: requestID)
            case .query(let service):
                let output = try await queries.handle(service, body: body, context: context)
                return Self.response(.ok, output, contentType: Self.xmlContentType, requestID: requestID)
            }
        } catch {
            line.error = ((error as? KMSError) ?? KMSError.internalFailure(error)).code.awsName
            // The API whose error shape to answer in: KMS's when there is a target, else what the signature claims.
            return errorResponse(error, api: Self.errorShape(target: target, claimedService: SigV4Verifier.claimedService(of: SigV4Request(request.head))), requestID: requestID)
        }
    }

    /// Reads the body of a request whose headers passed, within the bound on
    /// memory held by bodies whose signatures are not yet checked.
    private func readBody(_ request: inout Request, accessKeyID: String) async throws(KMSError) -> [UInt8] {
        let declared = request.headers[.contentLength].flatMap(Int.init)
        if let declared, declared > Self.maximumBodySize {
            throw Self.tooLarge
        }
        let reserved = min(declared ?? Self.maximumBodySize, Self.maximumBodySize)
        guard bodyBudget.reserve(reserved, accessKeyID: accessKeyID) else {
            throw KMSError(.throttling, "Too many request bodies are being received at once; retry shortly.")
        }
        defer { bodyBudget.release(reserved, accessKeyID: accessKeyID) }
        do {
            let buffer = try await request.collectBody(upTo: declared.map { min($0, Self.maximumBodySize) } ?? Self.maximumBodySize)
            return Array(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw Self.tooLarge
        } catch {
            throw KMSError(.serialization, "The request body could not be read.")
        }
    }

    private static let tooLarge = KMSError.validation("The request body exceeds the limit of \(maximumBodySize) bytes.")


    private func beginAuthentication(_ signed: SigV4Request, at time: Date) async throws(KMSError) -> SigV4Verifier.HeadersChecked<Principal> {
        do {
            return try await verifier.begin(signed, now: time, credentials: credentials)
        } catch {
            throw KMSError(Self.code(for: error.code), error.message)
        }
    }

    /// The verified caller and the API its signature's scope names. A KMS
    /// request (one with `X-Amz-Target`) must be signed for KMS.
    private func finishAuthentication(
        _ checked: SigV4Verifier.HeadersChecked<Principal>, _ signed: SigV4Request, target: String?, body: [UInt8]
    ) throws(KMSError) -> (Principal, API) {
        let verified: (identity: Principal, scope: SigV4Verifier.Scope)
        do {
            verified = try verifier.finish(checked, signed, body: body)
        } catch {
            throw KMSError(Self.code(for: error.code), error.message)
        }
        let api = API(scopeService: verified.scope.service)
        if let target, case .query = api {
            let service = target.hasPrefix(CloudTrailAPI.targetPrefix) ? "cloudtrail" : "kms"
            throw KMSError(.invalidSignature, "Credential should be scoped to correct service: '\(service)'.")
        }
        return (verified.identity, api)
    }

    /// The error to answer a request that failed to authenticate with, after recording it.
    private func failedAuthentication(
        _ error: KMSError, _ signed: SigV4Request, target: String?, body: [UInt8]?, line: RequestLogLine, remoteAddress: String?, time: Date
    ) async -> KMSError {
        // A request for another service says so, rather than failing as a bad signature.
        if let claimed = SigV4Verifier.claimedService(of: signed), !Self.servedServices.contains(claimed) {
            return KMSError(.unknownOperation, "Trent serves kms, iam, sts and cloudtrail; this request is signed for \(claimed.prefix(64)).")
        }
        line.caller = SigV4Verifier.claimedAccessKeyID(of: signed).map { String($0.prefix(128)) }
        return await recordFailedAuthentication(
            error, signed, target: target, body: body, requestID: line.requestID, remoteAddress: remoteAddress, time: time
        )
    }

    /// The API whose error shape to answer in: JSON when there is a target, else what the signature claims.
    private static func errorShape(target: String?, claimedService: String?) -> API {
        let claimed = API(scopeService: claimedService)
        guard target != nil else { return claimed }
        return claimed == .cloudTrail ? .cloudTrail : .kms
    }

    /// Records a failed authentication that names an access key, with the
    /// key's owner when it has one, and returns the error to answer with: an
    /// internal error if the record cannot be kept.
    private func recordFailedAuthentication(
        _ error: KMSError, _ signed: SigV4Request, target: String?, body: [UInt8]?, requestID: String, remoteAddress: String?, time: Date
    ) async -> KMSError {
        guard let claimed = SigV4Verifier.claimedAccessKeyID(of: signed), !claimed.isEmpty else { return error }
        // Bounded: the header is the caller's, and the record must stay small.
        let accessKeyID = String(claimed.prefix(128))
        let owner = try? await credentials.credential(for: accessKeyID, sessionToken: signed.firstValue(ofHeader: "x-amz-security-token"))?.identity
        let api = Self.errorShape(target: target, claimedService: SigV4Verifier.claimedService(of: signed))
        let eventName: String = switch api {
        case .kms: target.map { $0.hasPrefix(OperationName.targetPrefix) ? String($0.dropFirst(OperationName.targetPrefix.count)) : $0 } ?? "(none)"
        case .cloudTrail: target.map { String($0.dropFirst(CloudTrailAPI.targetPrefix.count)) } ?? "(none)"
        // The body of a request that failed before it was read is not read: its action is unknown.
        case .query: body.flatMap { try? QueryParameters(formBody: $0) }?["Action"] ?? "(none)"
        }
        var event = AuditEvent(
            serviceEventName: String(eventName.prefix(128)), accountID: pipeline.environment.accountID, region: pipeline.environment.region,
            time: time, requestID: requestID
        )
        event.eventSource = api.eventSource
        event.identity = .unauthenticated(accessKeyID: accessKeyID, owner: owner, accountID: pipeline.environment.accountID)
        event.sourceIPAddress = remoteAddress
        event.userAgent = signed.firstValue(ofHeader: "user-agent")
        event.readOnly = api == .kms ? KMSOperations.isReadOnly(target: target) : api == .cloudTrail
        return await pipeline.auditSink.recordFailure(error, event)
    }

    private static func code(for code: SigV4Error.Code) -> KMSError.Code {
        switch code {
        case .missingAuthenticationToken: .missingAuthenticationToken
        case .incompleteSignature: .incompleteSignature
        case .invalidSignature: .invalidSignature
        case .unrecognizedClient: .unrecognizedClient
        case .expiredToken: .expiredToken
        case .credentialLookupFailed: .internalFailure
        }
    }

    private func errorResponse(_ error: any Error, api: API, requestID: String) -> Response {
        let kmsError = (error as? KMSError) ?? KMSError.internalFailure(error)
        if kmsError.code == .internalFailure {
            logger.error("internal failure", metadata: ["request-id": "\(requestID)", "error": "\(kmsError.debugDescription)"])
        }
        switch api {
        case .kms, .cloudTrail:
            let body = (try? WireCodec.encode(AWSErrorBody(type: kmsError.code.awsName, message: kmsError.message))) ?? []
            return Self.response(kmsError.code.httpStatus, body, contentType: Self.jsonContentType, requestID: requestID)
        case .query(let service):
            let status = kmsError.code.queryHTTPStatus
            let body = service.errorResponse(
                code: kmsError.code.queryName, message: kmsError.message, isServerFault: status.code >= 500, requestID: requestID
            )
            return Self.response(status, body, contentType: Self.xmlContentType, requestID: requestID)
        }
    }

    private static let jsonContentType = "application/x-amz-json-1.1"
    private static let xmlContentType = "text/xml"

    private static func response(_ status: HTTPResponse.Status, _ body: [UInt8], contentType: String, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.xAmznRequestID] = requestID
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension HTTPField.Name {
    static let xAmzTarget = HTTPField.Name("X-Amz-Target")!
    static let xAmznRequestID = HTTPField.Name("x-amzn-RequestId")!
}
