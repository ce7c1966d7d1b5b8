import MaaSProtocol

/// The class labels of the model version under evaluation, and the data's directory names matched to them.
///
/// A directory matches the label with exactly its name (case and all): a near miss such as `Yes` for `yes`
/// is reported as unknown rather than guessed at.
struct ModelClasses {
    /// Label of class index i, as registered with the version.
    var names: [String]
    /// Data labels that are not among `names`, sorted.
    var unknown: [String]
    private var indexOfName: [String: Int]

    init(names: [String], dataLabels: [String]) {
        self.names = names
        var indexOfName: [String: Int] = [:]
        // Should a version repeat a label, its first index stands for all of them, so answers of either count
        // as that label.
        for (i, name) in names.enumerated() where indexOfName[name] == nil { indexOfName[name] = i }
        self.indexOfName = indexOfName
        unknown = dataLabels.filter { indexOfName[$0] == nil }.sorted()
    }

    /// The class index of a data label; nil when the model has no such label.
    func index(of label: String) -> Int? { indexOfName[label] }

    /// The class an answer names, as an index into `names`: nil when the server's index is outside them.
    func index(answered score: ClassScore) -> Int? {
        let i = Int(score.index)
        guard names.indices.contains(i) else { return nil }
        return indexOfName[names[i]]
    }
}
