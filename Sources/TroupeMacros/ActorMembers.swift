import SwiftDiagnostics
import SwiftSyntax

/// What `@Actor` finds among the members of the attached type: its `@Handler` functions, and the diagnostics for
/// members it cannot accept (names that clash with generated members, handlers hidden in `#if` blocks).
struct ActorMembers {
    /// A function carrying `@Handler`, with that attribute.
    struct HandlerDeclaration {
        /// The handler function.
        let function: FunctionDeclSyntax
        /// Its `@Handler` attribute.
        let attribute: AttributeSyntax
    }

    /// The `@Handler` functions declared directly in the type's body, in source order.
    private(set) var handlers: [HandlerDeclaration] = []
    /// Members whose names clash with generated members; when non-empty, nothing may be generated.
    private(set) var clashDiagnostics: [Diagnostic] = []
    /// Other problems with members (handlers inside `#if`), which do not stop generation.
    private(set) var otherDiagnostics: [Diagnostic] = []

    /// Scans the members of `memberBlock`, looking inside `#if` blocks for clashing names and misplaced handlers.
    init(_ memberBlock: MemberBlockSyntax) {
        scan(memberBlock.members, insideIfConfig: false)
    }

    /// Scans one member list; `insideIfConfig` says whether it is a clause of an `#if` block.
    private mutating func scan(_ members: MemberBlockItemListSyntax, insideIfConfig: Bool) {
        for member in members {
            let decl = member.decl
            if let ifConfig = decl.as(IfConfigDeclSyntax.self) {
                for clause in ifConfig.clauses {
                    if case .decls(let nested) = clause.elements {
                        scan(nested, insideIfConfig: true)
                    }
                }
                continue
            }
            for nameToken in Self.declaredNames(of: decl)
            where TroupeDiagnostic.generatedMemberNames.contains(nameToken.identifier?.name ?? nameToken.text) {
                let name = nameToken.identifier?.name ?? nameToken.text
                clashDiagnostics.append(TroupeDiagnostic.memberClashesWithGeneratedMember(name: name).at(nameToken))
            }
            guard let function = decl.as(FunctionDeclSyntax.self),
                let attribute = MacroAttribute.find("Handler", in: function.attributes)
            else { continue }
            if insideIfConfig {
                let name = function.name.identifier?.name ?? function.name.text
                otherDiagnostics.append(TroupeDiagnostic.handlerInsideIfConfig(name: name).at(attribute))
            } else {
                handlers.append(HandlerDeclaration(function: function, attribute: attribute))
            }
        }
    }

    /// The name tokens `decl` introduces into the type: a type's or function's name, a property's names, an enum
    /// case's names.
    private static func declaredNames(of decl: DeclSyntax) -> [TokenSyntax] {
        if let variable = decl.as(VariableDeclSyntax.self) {
            return variable.bindings.compactMap { $0.pattern.as(IdentifierPatternSyntax.self)?.identifier }
        }
        if let enumCase = decl.as(EnumCaseDeclSyntax.self) {
            return enumCase.elements.map(\.name)
        }
        if let named = decl.asProtocol((any NamedDeclSyntax).self) {
            return [named.name]
        }
        return []
    }
}
