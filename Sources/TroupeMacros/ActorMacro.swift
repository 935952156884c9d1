import SwiftDiagnostics
import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacros

/// `@Actor`: makes a struct, enum or final class an actor's behaviour by generating one extension that conforms
/// it to `TroupeCore.ActorBehavior`, with a `Message` case and a typed `ActorRef` method per `@Handler`, and the
/// `receive`, `receiveSynchronously` and `isReentrant` dispatch functions.
///
/// This macro reports every problem with the type and its handlers (see ``TroupeDiagnostic`` for which macro
/// reports what). An invalid handler is left out of the generated code so the rest still compiles; a type that
/// cannot be an actor, or that declares a member the macro would generate, gets no extension at all.
public struct ActorMacro: ExtensionMacro {
    public static func expansion(
        of node: AttributeSyntax,
        attachedTo declaration: some DeclGroupSyntax,
        providingExtensionsOf type: some TypeSyntaxProtocol,
        conformingTo protocols: [TypeSyntax],
        in context: some MacroExpansionContext
    ) throws -> [ExtensionDeclSyntax] {
        let actorDeclaration: ActorDeclaration
        switch ActorDeclaration.validate(declaration, attribute: node) {
        case .success(let validated):
            actorDeclaration = validated
        case .failure(let error):
            error.diagnostics.forEach(context.diagnose)
            return []
        }

        let members = ActorMembers(declaration.memberBlock)
        members.clashDiagnostics.forEach(context.diagnose)
        members.otherDiagnostics.forEach(context.diagnose)

        let handlers = validHandlers(members.handlers, in: context)
        guard members.clashDiagnostics.isEmpty else { return [] }

        let generator = ActorExtensionGenerator(
            typeName: type.trimmedDescription,
            declaration: actorDeclaration,
            addsConformance: !protocols.isEmpty,
            handlers: handlers
        )
        let source = generator.generate()
        let decl = DeclSyntax(stringLiteral: source)
        guard let extensionDecl = decl.as(ExtensionDeclSyntax.self), !extensionDecl.hasError else {
            context.diagnose(
                TroupeDiagnostic.internalError(detail: "the generated extension does not parse:\n\(source)").at(node)
            )
            return []
        }
        return [extensionDecl]
    }

    /// Parses every handler, reports the invalid ones and repeated base names, and returns the valid handlers
    /// (for a repeated name, only the first declaration).
    private static func validHandlers(
        _ declarations: [ActorMembers.HandlerDeclaration],
        in context: some MacroExpansionContext
    ) -> [HandlerSignature] {
        var firstDeclarations: [String: FunctionDeclSyntax] = [:]
        var handlers: [HandlerSignature] = []
        for declaration in declarations {
            let function = declaration.function
            let name = function.name.identifier?.name ?? function.name.text
            if let first = firstDeclarations[name] {
                context.diagnose(
                    TroupeDiagnostic.duplicateHandlerName(name: name)
                        .at(function.name, notes: [TroupeNote.firstDeclaredHere(name: name).at(first.name)])
                )
                continue
            }
            firstDeclarations[name] = function
            let (signature, diagnostics) = HandlerSignature.parse(function, attribute: declaration.attribute)
            diagnostics.forEach(context.diagnose)
            if let signature { handlers.append(signature) }
        }
        return handlers
    }
}
