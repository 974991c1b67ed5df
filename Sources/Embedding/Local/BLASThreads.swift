import Foundation

/// The BLAS library's own thread count, set by us rather than left to its default (every core
/// for every product): parallel jobs that each run the model share the cores instead of
/// oversubscribing them. Works with OpenBLAS (found at run time); with another BLAS it does
/// nothing and says so.
public enum BLASThreads {
    /// Sets the threads of every later BLAS call in this process; false when the BLAS in use
    /// has no such setting.
    @discardableResult
    public static func set(_ threads: Int) -> Bool {
        // The process's own symbols, the BLAS the binary was linked with among them.
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "openblas_set_num_threads") else { return false }
        typealias SetThreads = @convention(c) (Int32) -> Void
        unsafeBitCast(symbol, to: SetThreads.self)(Int32(max(1, threads)))
        return true
    }
}
