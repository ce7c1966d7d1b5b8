/// Products of dimensions taken from untrusted places (ONNX dims, plan headers), which can overflow.
package enum ElementCount {
    /// The product of `dims`, or nil if one is negative or the product overflows.
    package static func of<C: Collection>(_ dims: C) -> Int? where C.Element == Int {
        var count = 1
        for dim in dims {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
