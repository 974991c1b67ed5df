import Foundation

/// Writes results to stdout and diagnostics to stderr, once, at the edge.
enum Output {
    /// One JSON object per line, keys in a stable order, slashes unescaped.
    static func jsonLine(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func standardOutput(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func standardError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `error: PATH: reason` on stderr, red on a terminal unless NO_COLOR is set.
    static func error(_ message: String) {
        let prefix = Terminal.colorsStandardError ? "\u{1B}[31merror:\u{1B}[0m" : "error:"
        standardError("\(prefix) \(message)")
    }
}

/// What the terminal supports.
enum Terminal {
    /// https://no-color.org: any non-empty NO_COLOR disables colour.
    static var colorsStandardError: Bool {
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty { return false }
        return isatty(STDERR_FILENO) == 1
    }
}
