#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing

/// The contents of the file at `path`, or `nil` if it cannot be read.
func readTextFile(_ path: String) -> String? {
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

/// The regions between `// snippet:begin NAME` and `// snippet:end`, de-indented, by name.
func snippets(in source: String) -> [(name: String, text: String)] {
    var found: [(String, String)] = []
    var current: (name: String, lines: [Substring])?
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("// snippet:begin ") {
            current = (String(trimmed.dropFirst("// snippet:begin ".count)), [])
        } else if trimmed.hasPrefix("// snippet:end"), let open = current {
            let indent = open.lines.filter { !$0.isEmpty }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
            found.append((open.name, open.lines.map { $0.isEmpty ? "" : String($0.dropFirst(indent)) }.joined(separator: "\n")))
            current = nil
        } else if current != nil {
            current!.lines.append(line)
        }
    }
    return found
}

@Suite("Article snippets")
struct ArticleSnippetTests {
    @Test("every compiled example of 'Testing actors' appears verbatim in the article")
    func articleMatchesCode() throws {
        let root = String(#filePath.split(separator: "/Tests/").first!)
        let source = try #require(readTextFile(root + "/Tests/TroupeTestKitTests/TestingActorsArticleTests.swift"))
        let article = try #require(readTextFile(root + "/Sources/TroupeTestKit/TroupeTestKit.docc/TestingActors.md"))
        let found = snippets(in: source)
        #expect(found.count >= 6)
        for snippet in found {
            #expect(article.contains("```swift\n" + snippet.text + "\n```"), "snippet '\(snippet.name)' differs from the article")
        }
        let readme = try #require(readTextFile(root + "/README.md"))
        let probe = try #require(found.first { $0.name == "probe" })
        #expect(readme.contains("```swift\n" + probe.text + "\n```"), "the README's test kit example differs from the snippet")
    }
}
