import MaaSProtocol
import Synchronization

/// The in-memory catalog of visible versions, loaded at start-up and extended by each commit.
///
/// Readers (ListVersions, Predict's resolve) take one short lock and never touch the disk.
package final class VersionIndex: Sendable {
    private struct Catalog {
        /// Per name, ascending by version number.
        var versions: [String: [StoredVersion]] = [:]
        var slots: [String: NameSlot] = [:]
    }

    private let catalog: Mutex<Catalog>

    /// `versions` need not be sorted; `highWater` may name numbers with no visible version (skipped or
    /// corrupted directories), which must still never be handed out again.
    package init(versions: [String: [StoredVersion]], highWater: [String: Int64]) {
        var catalog = Catalog()
        for (name, list) in versions {
            catalog.versions[name] = list.sorted { $0.info.version < $1.info.version }
        }
        for name in Set(versions.keys).union(highWater.keys) {
            let highest = max(highWater[name] ?? 0, catalog.versions[name]?.last?.info.version ?? 0)
            catalog.slots[name] = NameSlot(name: name, highWater: highest, directoryIsDurable: true)
        }
        self.catalog = Mutex(catalog)
    }

    /// The commit slot of `name`, created on first use.
    package func slot(for name: String) -> NameSlot {
        catalog.withLock { catalog in
            if let slot = catalog.slots[name] { return slot }
            let slot = NameSlot(name: name, highWater: 0, directoryIsDurable: false)
            catalog.slots[name] = slot
            return slot
        }
    }

    /// Makes a committed version visible; callers hold the name's commit lock, so numbers arrive in order.
    package func publish(_ stored: StoredVersion) {
        catalog.withLock { catalog in
            var list = catalog.versions[stored.info.name, default: []]
            let position = list.firstIndex { $0.info.version > stored.info.version } ?? list.endIndex
            list.insert(stored, at: position)
            catalog.versions[stored.info.name] = list
        }
    }

    /// Visible versions of `name`, ascending; nil if it has none.
    package func versions(of name: String) -> [StoredVersion]? {
        catalog.withLock { $0.versions[name] }
    }

    /// Names with at least one visible version, sorted.
    package func names() -> [String] {
        catalog.withLock { catalog in
            catalog.versions.compactMap { $0.value.isEmpty ? nil : $0.key }.sorted()
        }
    }
}
