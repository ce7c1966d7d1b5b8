/// Central finite differences of a double-precision function, compared with an analytic gradient.
enum GradientCheck {
    /// ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖) over `indices`, with the numeric derivative
    /// (f(x + h) − f(x − h)) / 2h of `f` in double precision.
    static func relativeError(
        analytic: [Float], at point: [Double], indices: [Int], step: Double = 1e-6, _ f: ([Double]) -> Double
    ) -> Double {
        var difference = 0.0, analyticNorm = 0.0, numericNorm = 0.0
        var x = point
        for i in indices {
            let original = x[i]
            x[i] = original + step
            let up = f(x)
            x[i] = original - step
            let down = f(x)
            x[i] = original
            let numeric = (up - down) / (2 * step)
            let a = Double(analytic[i])
            difference += (a - numeric) * (a - numeric)
            analyticNorm += a * a
            numericNorm += numeric * numeric
        }
        let scale = max(analyticNorm, numericNorm).squareRoot()
        return scale == 0 ? 0 : difference.squareRoot() / scale
    }

    /// Up to `count` indices spread evenly over `range` (all of them when the range is small).
    static func sample(_ range: Range<Int>, count: Int = 24) -> [Int] {
        guard range.count > count else { return Array(range) }
        return (0..<count).map { range.lowerBound + $0 * range.count / count }
    }
}
