import MaaSProtocol
import Synchronization

/// Serving plans by name and version, built on first use and kept (a version never changes).
final class ServingPlans: Sendable {
    private struct Key: Hashable {
        let name: String
        let version: Int64
    }

    private let plans = Mutex<[Key: ServingPlan]>([:])

    func plan(for version: ModelVersion) throws(RPCError) -> ServingPlan {
        let key = Key(name: version.name, version: version.version)
        if let plan = plans.withLock({ $0[key] }) { return plan }
        let plan = try ServingPlan(version: version)
        // Of two built at once, every caller gets the one kept, so the version's costs are learned in one place.
        return plans.withLock { plans in
            if let kept = plans[key] { return kept }
            plans[key] = plan
            return plan
        }
    }
}
