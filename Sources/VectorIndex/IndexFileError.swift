/// A problem with an index file or its parameters: a stable code plus a message a user can act
/// on. Equality compares the code only.
public struct IndexFileError: Error, Sendable, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        enum Value: String { case notFound, badMagic, unsupportedVersion, truncated, corrupt, checksumMismatch, invalidConfiguration, dimensionMismatch, io, invalidCreator, noCurrentVersion }
        let value: Value
        public static let notFound = Code(value: .notFound)
        public static let badMagic = Code(value: .badMagic)
        public static let unsupportedVersion = Code(value: .unsupportedVersion)
        public static let truncated = Code(value: .truncated)
        public static let corrupt = Code(value: .corrupt)
        public static let checksumMismatch = Code(value: .checksumMismatch)
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        public static let dimensionMismatch = Code(value: .dimensionMismatch)
        public static let io = Code(value: .io)
        public static let invalidCreator = Code(value: .invalidCreator)
        public static let noCurrentVersion = Code(value: .noCurrentVersion)
        public var description: String { value.rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}

extension IndexFileError {
    /// Runs `body` (which throws only `IndexFileError`s through untyped-throwing closures such
    /// as `withUnsafeBytes`) and restores the typed error.
    static func rethrowing<R>(_ body: () throws -> R) throws(IndexFileError) -> R {
        do {
            return try body()
        } catch let error as IndexFileError {
            throw error
        } catch {
            throw IndexFileError(.io, "\(error)")
        }
    }
}
