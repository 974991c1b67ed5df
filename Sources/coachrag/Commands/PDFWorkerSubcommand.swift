import ArgumentParser
import Documents
import Foundation

/// Hidden: the isolated PDF parser. `coachrag` starts itself with this command for each PDF.
struct PDFWorkerSubcommand: ParsableCommand {
    static let name = "_pdf-worker"
    static let configuration = CommandConfiguration(commandName: name, abstract: "Internal: parse one PDF in isolation.", shouldDisplay: false)

    @Option var maxMemoryBytes: Int
    @Argument var path: String

    func run() throws {
        FileHandle.standardOutput.write(PDFWorker.run(path: path, maxMemoryBytes: maxMemoryBytes))
    }
}
