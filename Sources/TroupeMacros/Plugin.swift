import SwiftCompilerPlugin
import SwiftSyntaxMacros

/// The compiler plugin that provides Troupe's macros: `@Actor` (``ActorMacro``) and `@Handler` (``HandlerMacro``).
@main
struct TroupeMacrosPlugin: CompilerPlugin {
    let providingMacros: [any Macro.Type] = [
        ActorMacro.self,
        HandlerMacro.self,
    ]
}
