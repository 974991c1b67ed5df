/// A manually managed growable array of trivial values: stable raw pointers between appends and
/// no exclusivity checks, so the builder can read links while it rewrites others.
final class GrowableBuffer<Element: BitwiseCopyable> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 0) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
    }

    deinit { pointer.deallocate() }

    func append(repeating value: Element, count extra: Int) {
        reserve(count + extra)
        (pointer + count).initialize(repeating: value, count: extra)
        count += extra
    }

    func append(contentsOf values: UnsafeBufferPointer<Element>) {
        reserve(count + values.count)
        if let base = values.baseAddress { (pointer + count).initialize(from: base, count: values.count) }
        count += values.count
    }

    private func reserve(_ needed: Int) {
        guard needed > capacity else { return }
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.initialize(from: pointer, count: count)
        pointer.deallocate()
        pointer = grown
        capacity = newCapacity
    }

    subscript(index: Int) -> Element {
        get { pointer[index] }
        set { pointer[index] = newValue }
    }

    var buffer: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: pointer, count: count) }
}
