import Testing
import TroupeTestKit

@Suite("Article snippets")
struct ArticleSnippetTests {
    @Test("every compiled example of 'Testing actors' appears verbatim in the article")
    func articleMatchesCode() throws {
        let root = String(#filePath.split(separator: "/Tests/").first!)
        let source = try #require(DocumentationSnippets.readFile(atPath: root + "/Tests/TroupeTestKitTests/TestingActorsArticleTests.swift"))
        let article = try #require(DocumentationSnippets.readFile(atPath: root + "/Sources/TroupeTestKit/TroupeTestKit.docc/TestingActors.md"))
        let found = DocumentationSnippets.regions(in: source)
        #expect(found.count >= 6)
        for snippet in found {
            #expect(article.contains("```swift\n" + snippet.text + "\n```"), "snippet '\(snippet.name)' differs from the article")
        }
        let readme = try #require(DocumentationSnippets.readFile(atPath: root + "/README.md"))
        let probe = try #require(found.first { $0.name == "probe" })
        #expect(readme.contains("```swift\n" + probe.text + "\n```"), "the README's test kit example differs from the snippet")
    }

    @Test("regions are found by name and de-indented")
    func regions() {
        let source = """
            func f() {
                // snippet:begin one
                let a = 1
                    let b = 2
                // snippet:end
            }
            // snippet:begin two
            g()
            // snippet:end
            """
        let found = DocumentationSnippets.regions(in: source)
        #expect(found.map(\.name) == ["one", "two"])
        #expect(found.first?.text == "let a = 1\n    let b = 2")
        #expect(found.last?.text == "g()")
    }
}
