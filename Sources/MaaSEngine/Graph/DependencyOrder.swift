/// Orders a graph's nodes so every node comes after the producers of its inputs (Kahn's algorithm),
/// rejecting graphs that read undefined values, define a value twice, or contain a cycle.
package enum DependencyOrder {
    package static func sorted(_ graph: OnnxGraph, known: Set<String>) throws(EngineError) -> [OnnxNode] {
        let nodes = graph.nodes
        var producer: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.outputs where !output.isEmpty {
                guard producer[output] == nil, !known.contains(output) else {
                    throw EngineError.invalidModel("value '\(output)' is defined twice (again by \(node.displayName))")
                }
                producer[output] = index
            }
        }
        var waiting = [Int](repeating: 0, count: nodes.count)
        var consumers = [[Int]](repeating: [], count: nodes.count)
        for (index, node) in nodes.enumerated() {
            for input in Set(node.inputs) where !input.isEmpty {
                if let source = producer[input] {
                    waiting[index] += 1
                    consumers[source].append(index)
                } else if !known.contains(input) {
                    throw EngineError.invalidModel(
                        "\(node.displayName) reads '\(input)', which no node, initializer or graph input provides")
                }
            }
        }
        // Seeded in file order and processed FIFO, so an already sorted graph keeps its order.
        var ready = (0..<nodes.count).filter { waiting[$0] == 0 }
        var order: [OnnxNode] = []
        order.reserveCapacity(nodes.count)
        var head = 0
        while head < ready.count {
            let index = ready[head]
            head += 1
            order.append(nodes[index])
            for consumer in consumers[index] {
                waiting[consumer] -= 1
                if waiting[consumer] == 0 { ready.append(consumer) }
            }
        }
        guard order.count == nodes.count else {
            let stuck = (0..<nodes.count).first { waiting[$0] > 0 }.map { nodes[$0].displayName } ?? "a node"
            throw EngineError.invalidModel("the graph has a cycle through \(stuck)")
        }
        return order
    }
}
