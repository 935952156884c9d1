import SwiftDiagnostics
import SwiftSyntax

/// The type `@Actor` is attached to, reduced to what code generation needs: its kind and access level.
///
/// ``validate(_:attribute:)`` checks that the type is a struct, enum or final class.
struct ActorDeclaration {
    /// The kinds of type an actor's behaviour can be.
    enum Kind {
        /// A `struct`.
        case structure
        /// An `enum`.
        case enumeration
        /// A `final class`.
        case finalClass
    }

    /// The kind of the attached type.
    let kind: Kind
    /// The access modifier every generated declaration gets, followed by a space (`"public "`), or empty.
    let accessModifier: String
    /// The name given with `@Actor(wireName:)`, if any.
    let wireName: String?
    /// Whether `@Actor(codable: true)` asked for a `Codable` message enum.
    let codable: Bool

    /// Whether `receive` must be `mutating` (value types only).
    var isValueType: Bool { kind != .finalClass }

    /// Checks that `declaration` can be an actor's behaviour and reads its kind and access level.
    ///
    /// - Returns: the declaration, or the diagnostic explaining why `@Actor` cannot be attached to it.
    static func validate(
        _ declaration: some DeclGroupSyntax,
        attribute: AttributeSyntax
    ) -> Result<ActorDeclaration, DiagnosticsError> {
        let kind: Kind
        if declaration.is(StructDeclSyntax.self) {
            kind = .structure
        } else if declaration.is(EnumDeclSyntax.self) {
            kind = .enumeration
        } else if let classDecl = declaration.as(ClassDeclSyntax.self) {
            guard classDecl.modifiers.contains(where: { $0.name.tokenKind == .keyword(.final) }) else {
                let diagnostic = TroupeDiagnostic.actorOnNonFinalClass(typeName: classDecl.name.text)
                    .at(classDecl.classKeyword, fixIts: [TroupeFixIt.addingFinal(to: classDecl)])
                return .failure(DiagnosticsError(diagnostics: [diagnostic]))
            }
            kind = .finalClass
        } else {
            let diagnostic = TroupeDiagnostic.actorOnUnsupportedDeclaration(what: describe(declaration))
                .at(attribute)
            return .failure(DiagnosticsError(diagnostics: [diagnostic]))
        }
        let wireName: String?
        switch self.wireName(in: attribute) {
        case .success(let name): wireName = name
        case .failure(let error): return .failure(error)
        }
        let codable: Bool
        switch self.codable(in: attribute) {
        case .success(let value): codable = value
        case .failure(let error): return .failure(error)
        }
        return .success(ActorDeclaration(
            kind: kind, accessModifier: accessModifier(of: declaration.modifiers), wireName: wireName, codable: codable))
    }

    /// The `codable:` argument of `@Actor`: the literal `true` or `false`; `false` when absent.
    private static func codable(in attribute: AttributeSyntax) -> Result<Bool, DiagnosticsError> {
        guard case .argumentList(let arguments) = attribute.arguments else { return .success(false) }
        for argument in arguments where argument.label?.text == "codable" {
            guard let literal = argument.expression.as(BooleanLiteralExprSyntax.self) else {
                return .failure(DiagnosticsError(diagnostics: [TroupeDiagnostic.codableArgumentNotLiteral.at(argument.expression)]))
            }
            return .success(literal.literal.tokenKind == .keyword(.true))
        }
        return .success(false)
    }

    /// The `wireName:` argument of `@Actor`: a non-empty plain string literal, or absent.
    private static func wireName(in attribute: AttributeSyntax) -> Result<String?, DiagnosticsError> {
        guard case .argumentList(let arguments) = attribute.arguments else { return .success(nil) }
        for argument in arguments where argument.label?.text == "wireName" {
            guard let literal = argument.expression.as(StringLiteralExprSyntax.self),
                let value = literal.representedLiteralValue, !value.isEmpty
            else {
                return .failure(DiagnosticsError(diagnostics: [TroupeDiagnostic.wireNameNotLiteral.at(argument.expression)]))
            }
            return .success(value)
        }
        return .success(nil)
    }

    /// `"public "` for `public`/`open` types, `"package "` for `package` types, else empty.
    private static func accessModifier(of modifiers: DeclModifierListSyntax) -> String {
        for modifier in modifiers {
            switch modifier.name.tokenKind {
            case .keyword(.public), .keyword(.open): return "public "
            case .keyword(.package): return "package "
            default: continue
            }
        }
        return ""
    }

    /// A phrase saying what `declaration` is instead, for diagnostics ("'Worker' is an actor").
    private static func describe(_ declaration: some DeclGroupSyntax) -> String {
        if let actorDecl = declaration.as(ActorDeclSyntax.self) {
            return "'\(actorDecl.name.text)' is an actor"
        }
        if let protocolDecl = declaration.as(ProtocolDeclSyntax.self) {
            return "'\(protocolDecl.name.text)' is a protocol"
        }
        if declaration.is(ExtensionDeclSyntax.self) {
            return "this is an extension"
        }
        return "this declaration is not a type"
    }
}
