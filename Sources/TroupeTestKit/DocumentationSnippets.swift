#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps documentation honest: the code a README or DocC article shows can be the snippet regions
/// of a test file that compiles and runs, and a test checks that the document contains each one.
///
/// Mark a region in a test with `// snippet:begin NAME` and `// snippet:end` lines; the region's
/// text, de-indented, must appear verbatim in the document:
///
/// ```swift
/// let source = try #require(DocumentationSnippets.readFile(atPath: testFile))
/// let readme = try #require(DocumentationSnippets.readFile(atPath: "README.md"))
/// for snippet in DocumentationSnippets.regions(in: source) {
///     #expect(readme.contains(snippet.text), "README.md differs from '\(snippet.name)'")
/// }
/// ```
public enum DocumentationSnippets {
    /// The regions between `// snippet:begin NAME` and `// snippet:end` lines in `source`, in order,
    /// each de-indented by its least-indented line.
    public static func regions(in source: String) -> [(name: String, text: String)] {
        var found: [(name: String, text: String)] = []
        var current: (name: String, lines: [Substring])?
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("// snippet:begin ") {
                current = (String(trimmed.dropFirst("// snippet:begin ".count)), [])
            } else if trimmed.hasPrefix("// snippet:end"), let open = current {
                let indent = open.lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
                let text = open.lines.map { $0.isEmpty ? "" : String($0.dropFirst(indent)) }.joined(separator: "\n")
                found.append((open.name, text))
                current = nil
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        return found
    }

    /// The UTF-8 contents of the file at `path`, or `nil` if it cannot be read.
    public static func readFile(atPath path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
