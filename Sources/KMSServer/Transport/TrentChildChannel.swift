import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import NIOSSL

/// Hummingbird's HTTP/1.1 channel behind the connection cap, the deadlines
/// and, when configured, TLS with a certificate that can be replaced while
/// serving.
struct TrentChildChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let registry: ConnectionRegistry
    let tls: TLSContextBox?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let admission = registry.admit(channel)
        let limits = limits
        return channel.eventLoop.makeCompletedFuture { () throws -> Value in
            if let tls {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
            }
            let phase = ConnectionPhase()
            try channel.pipeline.syncOperations.addHandler(ReadActivityHandler(state: phase))
            // Small reads and a short queue of request parts: a connection that is not being served buffers little.
            try channel.syncOptions?.setOption(ChannelOptions.recvAllocator, value: Self.readAllocator)
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = limits.maximumHeaderBytes
            decoderLimits.maxHeaderListSize = limits.maximumHeaderBytes
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits
            )
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: tls != nil))
            switch admission {
            case .admitted(let mark):
                try channel.pipeline.syncOperations.addHandler(ConnectionDeadlines(state: phase, limits: limits, mark: mark))
            case .refused:
                try channel.pipeline.syncOperations.addHandler(OverCapacityHandler())
            }
            // Hummingbird's own state handler: it finishes in-flight requests at graceful shutdown.
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try Value(
                wrappingChannelSynchronously: channel,
                configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4), isOutboundHalfClosureEnabled: true)
            )
        }
    }

    private static let readAllocator = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 16 * 1024)

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}
