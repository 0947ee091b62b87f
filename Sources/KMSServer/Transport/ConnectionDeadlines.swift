import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sent up the pipeline by `ReadActivityHandler` when bytes arrive, so that
/// `ConnectionDeadlines` knows a request has begun before its headers are whole.
struct RequestBytesArrived {}

/// Sits before the HTTP decoder and reports that bytes arrived.
final class ReadActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

/// Closes a connection that idles between requests, sends its headers or its
/// body too slowly, that was answered before its body was read, or that the
/// server has half-closed after giving up on it (a malformed request is
/// answered 400 and then the client is not read again: without a close its
/// socket would wait in FIN-WAIT-2 for ever).
/// Tells the registry when the connection waits for a request, so that a new
/// connection at the cap can take its place.
final class ConnectionDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a half-closed connection may stay, so that the client reads the answer before the close.
    static let linger = TimeAmount.seconds(2)

    private enum Phase {
        case waiting(requestStarted: Bool)
        case reading
        case handling
    }

    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private var phase = Phase.waiting(requestStarted: false)
    private var requestEnded = false
    private var responseEnded = false
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, registry: ConnectionRegistry) {
        self.limits = limits
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        startWaiting(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is RequestBytesArrived:
            if case .waiting(requestStarted: false) = phase {
                phase = .waiting(requestStarted: true)
                closeAfter(limits.headerTimeout, context: context)
            }
        case let event as ChannelEvent where event == .outputClosed:
            closeAfter(.init(Self.linger), context: context)
            context.fireUserInboundEventTriggered(event)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            phase = .reading
            requestEnded = false
            responseEnded = false
            registry.busy(context.channel)
            closeAfter(limits.bodyTimeout, context: context)
        case .body:
            break
        case .end:
            requestEnded = true
            if responseEnded {
                startWaiting(context: context)
            } else {
                phase = .handling
                deadline?.cancel()
                deadline = nil
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        responseEnded = true
        if requestEnded {
            startWaiting(context: context)
            context.write(data, promise: promise)
            return
        }
        // Answered before the body was read (refused before authentication, too large, throttled):
        // the rest of the body is not read, and the connection ends once the answer is out.
        context.writeAndFlush(data, promise: promise)
        context.close(mode: .output, promise: nil)
    }

    private func startWaiting(context: ChannelHandlerContext) {
        phase = .waiting(requestStarted: false)
        registry.waiting(context.channel)
        closeAfter(limits.idleTimeout, context: context)
    }

    private func closeAfter(_ delay: Duration, context: ChannelHandlerContext) {
        closeAfter(TimeAmount(delay), context: context)
    }

    private func closeAfter(_ delay: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: delay) {
            loopBound.value.close(promise: nil)
        }
    }
}

/// Answers a connection over the cap with 503 at once, then closes it.
final class OverCapacityHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    static let body = #"{"__type":"ServiceUnavailableException","message":"Trent is serving as many connections as it allows; retry shortly."}"#

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context: context)
        context.fireChannelActive()
    }

    /// Nothing the client sends is read further.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(context: ChannelHandlerContext) {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.1"
        headers[.connection] = "close"
        headers[.contentLength] = String(Self.body.utf8.count)
        headers[.retryAfter] = "1"
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .serviceUnavailable, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(string: Self.body))), promise: nil)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            let context = loopBound.value
            context.close(mode: .output, promise: nil)
            context.eventLoop.scheduleTask(in: ConnectionDeadlines.linger) { loopBound.value.close(promise: nil) }
        }
    }
}
