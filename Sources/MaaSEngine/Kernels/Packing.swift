/// Layout changes the plan compiler applies to weights once, so kernels read them the way BLAS is fastest.
enum Packing {
    /// Writes the transpose of row-major `source` [rows, columns] so that element (r, c) lands at
    /// `output[c · outputStride + r]`; `outputStride ≥ rows` lets several blocks share output rows.
    static func transpose(_ source: UnsafePointer<Float>, rows: Int, columns: Int,
                          into output: UnsafeMutablePointer<Float>, outputStride: Int) {
        for row in 0..<rows {
            for column in 0..<columns {
                output[column * outputStride + row] = source[row * columns + column]
            }
        }
    }
}
