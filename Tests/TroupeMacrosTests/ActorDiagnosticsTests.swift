import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Diagnostics `@Actor` reports about the type it is attached to.
@Suite struct ActorDiagnosticsTests {
    @Test func rejectsProtocol() {
        assertTroupeExpansion(
            """
            @Actor
            protocol Service {}
            """,
            expandedSource: """
            protocol Service {}
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Actor can only be applied to a struct, enum, or final class; 'Service' is a protocol",
                    line: 1,
                    column: 1
                )
            ]
        )
    }

    @Test func rejectsSwiftActor() {
        assertTroupeExpansion(
            """
            @Actor
            actor Worker {}
            """,
            expandedSource: """
            actor Worker {}
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Actor can only be applied to a struct, enum, or final class; 'Worker' is an actor",
                    line: 1,
                    column: 1
                )
            ]
        )
    }

    @Test func rejectsNonFinalClassWithFixIt() {
        assertTroupeExpansion(
            """
            @Actor
            public class Session {}
            """,
            expandedSource: """
            public class Session {}
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "@Actor class 'Session' must be final; an actor's state must not be shared with subclasses",
                    line: 2,
                    column: 8,
                    fixIts: [FixItSpec(message: "add 'final'")]
                )
            ],
            fixedSource: """
            @Actor
            public final class Session {}
            """
        )
    }

    /// A member the type declares itself, named like one `@Actor` generates, and the column of its name.
    struct ClashingMember: Sendable, CustomTestStringConvertible {
        let name: String
        let declaration: String
        let column: Int
        var testDescription: String { name }
    }

    @Test(arguments: [
        ClashingMember(name: "Message", declaration: "typealias Message = String", column: 15),
        ClashingMember(name: "Handlers", declaration: "struct Handlers {}", column: 12),
        ClashingMember(name: "receive", declaration: "func receive() {}", column: 10),
        ClashingMember(name: "receiveSynchronously", declaration: "var receiveSynchronously = false", column: 9),
        ClashingMember(name: "isReentrant", declaration: "static func isReentrant() -> Bool { true }", column: 17),
    ])
    func rejectsMemberNamedLikeGeneratedMember(_ member: ClashingMember) {
        assertTroupeExpansion(
            """
            @Actor
            struct Mailbox {
                \(member.declaration)
            }
            """,
            expandedSource: """
            struct Mailbox {
                \(member.declaration)
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "member '\(member.name)' clashes with the '\(member.name)' that @Actor generates; rename it",
                    line: 3,
                    column: member.column
                )
            ]
        )
    }

    @Test func rejectsHandlerInsideIfConfig() {
        assertTroupeExpansion(
            """
            @Actor
            struct Probe {
                #if DEBUG
                @Handler func dump() {}
                #endif
            }
            """,
            expandedSource: """
            struct Probe {
                #if DEBUG
                func dump() {}
                #endif
            }

            \(emptyActorExtension("Probe"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'dump' is inside an '#if' block, where @Actor does not look for handlers; move it out of the '#if'",
                    line: 4,
                    column: 5
                )
            ]
        )
    }

    @Test func rejectsWireNameThatIsNotALiteral() {
        for argument in ["name", "\"shop.\\(version)\"", "\"\""] {
            assertTroupeExpansion(
                """
                @Actor(wireName: \(argument))
                struct Cart {}
                """,
                expandedSource: """
                struct Cart {}
                """,
                diagnostics: [
                    DiagnosticSpec(
                        message: "'wireName:' must be a non-empty string literal without interpolation: it names the actor's messages on the wire, so it must be the same in every build",
                        line: 1,
                        column: 18
                    )
                ]
            )
        }
    }

    @Test func rejectsCodableArgumentThatIsNotALiteral() {
        assertTroupeExpansion(
            """
            @Actor(codable: flag)
            struct Cart {}
            """,
            expandedSource: """
            struct Cart {}
            """,
            diagnostics: [
                DiagnosticSpec(message: "'codable:' must be the literal 'true' or 'false'", line: 1, column: 17)
            ]
        )
    }
}
