import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxMacros

/// `@Handler`: marks a method of an `@Actor` type as a message handler. It generates nothing itself; ``ActorMacro``
/// reads the marked methods and generates the messages and dispatch code.
///
/// This macro reports only the two misuses ``ActorMacro`` cannot see: `@Handler` on something other than a
/// function, and `@Handler` outside the body of an `@Actor` type. Every other handler check is ``ActorMacro``'s,
/// so no problem is reported twice.
public struct HandlerMacro: PeerMacro {
    public static func expansion(
        of node: AttributeSyntax,
        providingPeersOf declaration: some DeclSyntaxProtocol,
        in context: some MacroExpansionContext
    ) throws -> [DeclSyntax] {
        guard declaration.is(FunctionDeclSyntax.self) else {
            context.diagnose(TroupeDiagnostic.handlerNotOnFunction.at(node))
            return []
        }
        if !isInsideActorType(context.lexicalContext) {
            context.diagnose(TroupeDiagnostic.handlerOutsideActor.at(node))
        }
        return []
    }

    /// Whether the innermost lexical context is a type declaration carrying `@Actor` (or `@Troupe.Actor`).
    /// A handler in an extension, a local function or a nested type of an actor is not inside an `@Actor` type:
    /// `@Actor` only sees the methods declared directly in the type's body.
    private static func isInsideActorType(_ lexicalContext: [Syntax]) -> Bool {
        guard let enclosing = lexicalContext.first,
            let typeDecl = enclosing.asProtocol((any DeclGroupSyntax).self),
            !typeDecl.is(ExtensionDeclSyntax.self)
        else { return false }
        return MacroAttribute.find("Actor", in: typeDecl.attributes) != nil
    }
}
