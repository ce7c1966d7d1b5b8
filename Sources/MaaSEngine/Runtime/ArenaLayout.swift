/// Places a run's buffers in one arena: two buffers share bytes only if their lifetimes (op index ranges)
/// do not overlap. Largest first, each at the lowest offset free for its whole lifetime.
package enum ArenaLayout {
    package struct Item {
        package var size: Int
        package var first: Int
        package var last: Int

        package init(size: Int, first: Int, last: Int) {
            self.size = size
            self.first = first
            self.last = last
        }
    }

    /// Returns each item's byte offset (64-byte aligned) and the arena size they need.
    package static func place(_ items: [Item]) -> (offsets: [Int], size: Int) {
        var offsets = [Int](repeating: 0, count: items.count)
        var placed: [(offset: Int, end: Int, first: Int, last: Int)] = []
        var total = 0
        let order = items.indices.sorted { items[$0].size > items[$1].size }
        for index in order {
            let item = items[index]
            let size = PlanFileLayout.aligned(item.size)
            guard size > 0 else { continue }
            let conflicts = placed
                .filter { $0.first <= item.last && item.first <= $0.last }
                .sorted { $0.offset < $1.offset }
            var offset = 0
            for block in conflicts {
                if offset + size <= block.offset { break }
                offset = max(offset, block.end)
            }
            offsets[index] = offset
            placed.append((offset, offset + size, item.first, item.last))
            total = max(total, offset + size)
        }
        return (offsets, total)
    }
}
