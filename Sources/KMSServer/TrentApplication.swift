import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import KMSAudit
import KMSCore
import KMSIdentity
import Logging
import NIOCore
import SigV4

/// Builds the HTTP application: `POST /` for the KMS API, `GET /health` (the
/// process is alive) and `GET /ready` (it can serve: 200, or 503 with the
/// reason), both unauthenticated, for load balancers and orchestrators.
func buildApplication(
    pipeline: RequestPipeline,
    queries: QueryPipeline,
    cloudTrail: CloudTrailAPI,
    identityGeneration: @escaping @Sendable () -> UInt64,
    host: String,
    port: Int,
    credentialCacheLifetime: Duration,
    principalRateLimit: TokenBuckets?,
    limits: ConnectionLimits,
    registry: ConnectionRegistry,
    tls: TLSContextBox?,
    metrics: (@Sendable () -> [UInt8])?,
    readiness: @escaping @Sendable () async -> String?,
    logger: Logger
) -> some ApplicationProtocol {
    let handler = KMSRequestHandler(
        pipeline: pipeline, queries: queries, cloudTrail: cloudTrail, identityGeneration: identityGeneration,
        credentialCacheLifetime: credentialCacheLifetime, principalRateLimit: principalRateLimit, secureTransport: tls != nil,
        logger: logger
    )
    let router = Router(context: TrentRequestContext.self)
    router.post("/") { request, context in await handler.handle(request, remoteAddress: context.remoteAddress?.ipAddress) }
    router.get("/health") { _, _ in "ok\n" }
    router.get("/ready") { _, _ in
        let problem = await readiness()
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let state: [String: Any] = problem.map { ["ready": false, "reason": $0] } ?? ["ready": true]
        let body = (try? JSONSerialization.data(withJSONObject: state, options: [.sortedKeys])) ?? Data()
        return Response(
            status: problem == nil ? .ok : .serviceUnavailable, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body + [0x0A]))
        )
    }
    if let metrics { addMetricsRoute(to: router, render: metrics) }
    return Application(
        router: router,
        server: HTTPServerBuilder { responder in
            TrentChildChannel(responder: responder, limits: limits, registry: registry, tls: tls)
        },
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
        onServerRunning: { channel in
            logger.notice("Trent is serving the AWS KMS API", metadata: [
                "address": "\(channel.localAddress?.description ?? "?")", "scheme": "\(tls == nil ? "http" : "https")",
                "max-connections": "\(limits.maximumConnections)",
            ])
        },
        logger: logger
    )
}

/// `/metrics` alone, on a plain-HTTP listener of its own (`--metrics-listen`).
func buildMetricsApplication(render: @escaping @Sendable () -> [UInt8], host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    addMetricsRoute(to: router, render: render)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "Trent"),
        onServerRunning: { channel in
            logger.notice("Trent is serving metrics", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        },
        logger: logger
    )
}

private func addMetricsRoute<Context: Hummingbird.RequestContext>(to router: Router<Context>, render: @escaping @Sendable () -> [UInt8]) {
    router.get("/metrics") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: render())))
    }
}

/// Hummingbird's per-request context, with the client's address for the audit record.
struct TrentRequestContext: RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

