import Foundation
import Testing
import TestSupport
@testable import VectorIndex

@Suite struct IndexStoreTests {
    let store = IndexStore(root: TemporaryDirectory.make("store"))
    let space = ClusteredVectors(dimension: 16)

    private func publish(_ creator: String, seed: UInt64, count: Int = 200, retention: Int = IndexStore.defaultRetention) throws -> IndexVersion {
        let vectors = space.sample(count: count, seed: seed)
        let builder = try IndexFixture.build(vectors)
        return try store.publish(creator: creator, retention: retention) { url throws(IndexFileError) in
            try IndexWriter.write(builder, contents: IndexFixture.contents(count: count), to: url)
        }
    }

    @Test func publishPointsCurrentAtTheNewVersion() throws {
        let first = try publish("coach-anna", seed: 1)
        #expect(first.name == "v000001.cidx")
        let second = try publish("coach-anna", seed: 2)
        #expect(try store.currentName(creator: "coach-anna") == second.name)
        #expect(try store.versions(creator: "coach-anna").map(\.isCurrent) == [false, true])
        #expect(try store.openCurrent(creator: "coach-anna").count == 200)
    }

    @Test func retentionKeepsTheLastN() throws {
        for seed in 1...7 { _ = try publish("coach-ben", seed: UInt64(seed), retention: 3) }
        #expect(try store.versions(creator: "coach-ben").map(\.generation) == [5, 6, 7])
    }

    @Test func rollbackAndGC() throws {
        for seed in 1...4 { _ = try publish("coach-cy", seed: UInt64(seed)) }
        try store.rollback(creator: "coach-cy", to: "v000002.cidx")
        #expect(try store.currentName(creator: "coach-cy") == "v000002.cidx")
        let removed = try store.gc(creator: "coach-cy", retention: 1)
        #expect(Set(removed) == ["v000001.cidx", "v000003.cidx"])
        #expect(try store.versions(creator: "coach-cy").map(\.name) == ["v000002.cidx", "v000004.cidx"])
        #expect(throws: IndexFileError.self) { try store.rollback(creator: "coach-cy", to: "v000009.cidx") }
    }

    @Test(arguments: ["../etc", "Coach", "", "a/b", ".hidden", String(repeating: "a", count: 65)])
    func unsafeCreatorIdsAreRefused(creator: String) {
        #expect(throws: IndexFileError(.invalidCreator, "")) { try store.versions(creator: creator) }
    }

    @Test func nothingPublishedIsAClearError() {
        #expect(throws: IndexFileError(.noCurrentVersion, "")) { try store.openCurrent(creator: "nobody") }
    }

    /// Readers search while versions are published and CURRENT flips: no search fails, and each
    /// answer comes from one whole version (its hits are that version's exact top-1).
    @Test func concurrentSearchesDuringPublishing() async throws {
        _ = try publish("coach-dee", seed: 100)
        let store = self.store, space = self.space
        let query = space.sample(count: 1, seed: 555)[0]
        let failures = await withTaskGroup(of: Int.self) { group in
            group.addTask {
                for seed in 101...110 { _ = try? self.publish("coach-dee", seed: UInt64(seed), retention: 2) }
                return 0
            }
            for _ in 0..<2 {
                group.addTask {
                    var failures = 0
                    for _ in 0..<200 {
                        do {
                            let index = try store.openCurrent(creator: "coach-dee")
                            let hits = try index.search(query, k: 1, ef: 200)
                            let exact = try index.exactSearch(query, k: 1)
                            if hits.first?.slot != exact.first?.slot { failures += 1 }
                        } catch {
                            failures += 1
                        }
                    }
                    return failures
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        _ = space
    }
}
