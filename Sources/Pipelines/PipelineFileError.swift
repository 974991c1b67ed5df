/// Why a pipeline file (or a configuration built from flags) is not a job coachrag can run:
/// one line naming the file, the line and the key where there is one.
public struct PipelineFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
