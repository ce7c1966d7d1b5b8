import MaaSProtocol

extension MaaSClient {
    /// Limits and tunables of one client connection.
    public struct Configuration: Sendable {
        /// Largest frame body the client accepts from the server, and sends: a larger response fails every
        /// pending call with INTERNAL (framing is lost), a larger request fails its call with
        /// RESOURCE_EXHAUSTED before anything is sent. Default 8 MiB, the server's default.
        public var maxFrameSize: Int = Framing.defaultMaxFrameSize
        /// How long `connect` waits for the TCP connection.
        public var connectTimeout: Duration = .seconds(10)

        public init() {}

        public init(maxFrameSize: Int = Framing.defaultMaxFrameSize, connectTimeout: Duration = .seconds(10)) {
            self.maxFrameSize = maxFrameSize
            self.connectTimeout = connectTimeout
        }
    }
}
