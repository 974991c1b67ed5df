/// Runs `work` over `items` with at most `width` in flight, handing results to `emit` in input
/// order as soon as each prefix is complete (so output streams and stays deterministic).
func forEachConcurrently<Item: Sendable, Result: Sendable>(
    _ items: [Item], width: Int,
    work: @escaping @Sendable (Item) async -> Result,
    emit: (Item, Result) -> Void
) async {
    await withTaskGroup(of: (Int, Result).self) { group in
        var next = 0
        var pending: [Int: Result] = [:]
        var emitted = 0
        func submit() {
            guard next < items.count else { return }
            let index = next, item = items[index]
            group.addTask { (index, await work(item)) }
            next += 1
        }
        for _ in 0..<max(1, width) { submit() }
        while let (index, result) = await group.next() {
            pending[index] = result
            while let ready = pending.removeValue(forKey: emitted) {
                emit(items[emitted], ready)
                emitted += 1
            }
            submit()
        }
    }
}
