import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing
import TroupeMacros

/// The macros under test, as the compiler sees them: `@Actor` adds the `ActorBehavior` conformance.
let troupeMacroSpecs: [String: MacroSpec] = [
    "Actor": MacroSpec(type: ActorMacro.self, conformances: ["ActorBehavior"]),
    "Handler": MacroSpec(type: HandlerMacro.self),
]

/// Reports an expansion mismatch to Swift Testing at the location of the failing assertion.
@Sendable
func recordExpansionFailure(_ failure: TestFailureSpec) {
    Issue.record(
        Comment(rawValue: failure.message),
        sourceLocation: SourceLocation(
            fileID: failure.location.fileID,
            filePath: failure.location.filePath,
            line: failure.location.line,
            column: failure.location.column
        )
    )
}

/// `assertMacroExpansion` with Troupe's macros, reporting failures to Swift Testing.
func assertTroupeExpansion(
    _ originalSource: String,
    expandedSource: String,
    diagnostics: [DiagnosticSpec] = [],
    applyFixIts: [String]? = nil,
    fixedSource: String? = nil,
    fileID: StaticString = #fileID,
    filePath: StaticString = #filePath,
    line: UInt = #line,
    column: UInt = #column
) {
    assertMacroExpansion(
        originalSource,
        expandedSource: expandedSource,
        diagnostics: diagnostics,
        macroSpecs: troupeMacroSpecs,
        applyFixIts: applyFixIts,
        fixedSource: fixedSource,
        failureHandler: recordExpansionFailure,
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column
    )
}

/// `assertMacroExpansion` as the compiler runs `@Actor` on a type that already declares its `ActorBehavior`
/// conformance: the macro is asked for no conformances.
func assertMacroExpansionWithoutConformance(
    _ originalSource: String,
    expandedSource: String,
    fileID: StaticString = #fileID,
    filePath: StaticString = #filePath,
    line: UInt = #line,
    column: UInt = #column
) {
    assertMacroExpansion(
        originalSource,
        expandedSource: expandedSource,
        macroSpecs: [
            "Actor": MacroSpec(type: ActorMacro.self, conformances: []),
            "Handler": MacroSpec(type: HandlerMacro.self),
        ],
        failureHandler: recordExpansionFailure,
        fileID: fileID,
        filePath: filePath,
        line: line,
        column: column
    )
}

/// The extension `@Actor` generates for a type named `typeName` that has no valid handlers, as expanded source
/// (diagnostic tests expect it after the type whose only handlers are rejected). `isValueType` is false for a
/// final class, whose dispatch functions are not `mutating`.
func emptyActorExtension(_ typeName: String, isValueType: Bool = true) -> String {
    let mutating = isValueType ? "mutating " : ""
    return """
    extension \(typeName): TroupeCore.ActorBehavior {
        /// The messages `\(typeName)` handles: one case per `@Handler`.
        enum Message: Sendable {
        }

        /// The name `\(typeName)`'s messages go by on the wire; their remote type id is derived from it.
        static var messageTypeName: String {
            "\(typeName).Message"
        }

        /// The typed handler methods of `ActorRef<\(typeName)>` (`\(typeName)` has no `@Handler`s yet).
        struct Handlers: TroupeCore.ActorHandlers {
            let _ref: TroupeCore.ActorRef<\(typeName)>
            init(ref: TroupeCore.ActorRef<\(typeName)>) {
                self._ref = ref
            }
        }

        \(mutating)func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<\(typeName)>) async throws {
        }

        \(mutating)func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<\(typeName)>) throws -> Bool {
        }

        static func isReentrant(_ message: Message) -> Bool {
        }
    }
    """
}
