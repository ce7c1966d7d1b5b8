import NIOCore

extension TimeAmount {
    /// `duration` in NIO's nanoseconds, saturating at the largest amount instead of overflowing.
    init(clamping duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? Int64.max : product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
