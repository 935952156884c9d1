import SwiftDiagnostics
import SwiftSyntax

/// One `@Handler` method, parsed from its `func` declaration into what code generation needs.
///
/// Parsing also validates the declaration: ``parse(_:attribute:)`` returns either a signature or the diagnostics
/// explaining why the function cannot be a handler (never both).
struct HandlerSignature {
    /// One parameter of a handler method.
    struct Parameter {
        /// The argument label, or `nil` for `_`.
        let label: String?
        /// The name generated code uses for the parameter: the handler's own internal name, or `argN` when the
        /// handler leaves it unnamed (`_: Int`).
        let name: String
        /// The parameter's type as a `callAsFunction` parameter: as declared, plus `@escaping` for a function type
        /// (the closure is stored in the message).
        let callType: String
        /// The parameter's type as a `Message` case payload: without ownership specifiers and `@escaping`.
        let payloadType: String
        /// The default value expression (`5` for `= 5`), kept on `callAsFunction`.
        let defaultValue: String?
        /// Whether this is an `ActorContext<...>` parameter, which the runtime supplies instead of the message.
        let isContext: Bool
    }

    /// The handler's base name as written (escaped with backticks if it was).
    let name: String
    /// The handler's base name without backticks.
    let identifier: String
    /// All parameters, in declaration order, including context parameters.
    let parameters: [Parameter]
    /// Whether the handler is `async`.
    let isAsync: Bool
    /// Whether the handler throws (`throws`, `throws(E)` or `rethrows`).
    let isThrowing: Bool
    /// Whether the handler is `mutating`.
    let isMutating: Bool
    /// Whether the handler was declared `@Handler(reentrant: true)`.
    let isReentrant: Bool
    /// The declared return type, or `nil` when the handler returns `Void`.
    let returnType: String?
    /// The type identifiers the signature mentions (`Int`, `Order`), so generated type names can avoid them.
    let referencedTypeNames: Set<String>

    /// The parameters that travel in the message (everything but context parameters).
    var messageParameters: [Parameter] { parameters.filter { !$0.isContext } }

    /// Whether callers may pass an inline closure that the runtime can run on the caller's side: only synchronous,
    /// non-reentrant handlers qualify.
    var usesInlineClosure: Bool { !isAsync && !isReentrant }

    /// The handler's full name, e.g. `increment(by:)`.
    var fullName: String {
        "\(identifier)(\(parameters.map { "\($0.label ?? "_"):" }.joined()))"
    }

    /// The names of `ActorContext`, plainly or module-qualified, that mark a context parameter.
    private static let contextTypeModules: Set<String> = ["TroupeCore", "Troupe"]

    /// Parses and validates `function`, which carries the `@Handler` attribute `attribute`.
    ///
    /// - Returns: the signature when the function is a valid handler, otherwise `nil` and the reasons.
    static func parse(
        _ function: FunctionDeclSyntax,
        attribute: AttributeSyntax
    ) -> (signature: HandlerSignature?, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let identifier = function.name.identifier?.name ?? function.name.text
        let name = function.name.trimmedDescription

        if TroupeDiagnostic.actorRefMemberNames.contains(identifier) {
            diagnostics.append(TroupeDiagnostic.handlerNameShadowedByActorRef(name: identifier).at(function.name))
        } else if identifier == "_ref" {
            diagnostics.append(TroupeDiagnostic.handlerNameReserved(name: identifier).at(function.name))
        }

        var isMutating = false
        var mutatingModifier: DeclModifierSyntax?
        for modifier in function.modifiers {
            switch modifier.name.tokenKind {
            case .keyword(.static), .keyword(.class):
                diagnostics.append(
                    TroupeDiagnostic.staticHandler(name: identifier, keyword: modifier.name.text)
                        .at(modifier, fixIts: [TroupeFixIt.removing(modifier)])
                )
            case .keyword(.mutating):
                isMutating = true
                mutatingModifier = modifier
            default:
                break
            }
        }

        if let generics = function.genericParameterClause {
            diagnostics.append(TroupeDiagnostic.genericHandler(name: identifier).at(generics))
        } else if let opaque = function.signature.parameterClause.parameters.lazy.compactMap({
            firstOpaqueType(in: $0.type)
        }).first {
            diagnostics.append(TroupeDiagnostic.genericHandler(name: identifier).at(opaque))
        }

        let (isReentrant, reentrantDiagnostic) = parseReentrant(attribute)
        if let reentrantDiagnostic { diagnostics.append(reentrantDiagnostic) }
        if isReentrant, let mutatingModifier {
            diagnostics.append(
                TroupeDiagnostic.reentrantMutatingHandler(name: identifier)
                    .at(mutatingModifier, fixIts: [TroupeFixIt.removing(mutatingModifier)])
            )
        }

        var parameters: [Parameter] = []
        var referencedTypeNames: Set<String> = []
        for (index, parameter) in function.signature.parameterClause.parameters.enumerated() {
            let nameToken = parameter.secondName ?? parameter.firstName
            let declaredName = nameToken.identifier?.name ?? nameToken.text
            let parameterName = declaredName == "_" ? "arg\(index)" : nameToken.trimmedDescription
            let label = parameter.firstName.tokenKind == .wildcard ? nil : parameter.firstName.trimmedDescription

            if let ellipsis = parameter.ellipsis {
                diagnostics.append(
                    TroupeDiagnostic.variadicParameter(handler: identifier, parameter: declaredName).at(ellipsis)
                )
            }
            if declaredName == "_ref" {
                diagnostics.append(
                    TroupeDiagnostic.reservedParameterName(handler: identifier, parameter: declaredName).at(nameToken)
                )
            }

            let parts = TypeParts(parameter.type)
            if let inoutSpecifier = parts.specifiers.first(where: { $0.trimmedDescription == "inout" }) {
                diagnostics.append(
                    TroupeDiagnostic.inoutParameter(handler: identifier, parameter: declaredName).at(inoutSpecifier)
                )
            }
            referencedTypeNames.formUnion(typeIdentifiers(in: parameter.type))
            parameters.append(
                Parameter(
                    label: label,
                    name: parameterName,
                    callType: parts.callType,
                    payloadType: parts.payloadType,
                    defaultValue: parameter.defaultValue?.value.trimmedDescription,
                    isContext: isContextType(parts.base)
                )
            )
        }

        var returnType: String?
        if let returnClause = function.signature.returnClause {
            if let opaque = firstOpaqueType(in: returnClause.type) {
                diagnostics.append(TroupeDiagnostic.opaqueReturnType(name: identifier).at(opaque))
            }
            referencedTypeNames.formUnion(typeIdentifiers(in: returnClause.type))
            let text = returnClause.type.trimmedDescription
            returnType = ["Void", "()", "Swift.Void"].contains(text) ? nil : text
        }

        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        let effects = function.signature.effectSpecifiers
        let signature = HandlerSignature(
            name: name,
            identifier: identifier,
            parameters: parameters,
            isAsync: effects?.asyncSpecifier != nil,
            isThrowing: effects?.throwsClause != nil,
            isMutating: isMutating,
            isReentrant: isReentrant,
            returnType: returnType,
            referencedTypeNames: referencedTypeNames
        )
        return (signature, [])
    }

    /// Reads `reentrant:` from `@Handler(reentrant: ...)`; it must be a Boolean literal.
    private static func parseReentrant(_ attribute: AttributeSyntax) -> (Bool, Diagnostic?) {
        guard case .argumentList(let arguments) = attribute.arguments else { return (false, nil) }
        for argument in arguments where argument.label?.text == "reentrant" {
            guard let literal = argument.expression.as(BooleanLiteralExprSyntax.self) else {
                return (false, TroupeDiagnostic.reentrantArgumentNotLiteral.at(argument.expression))
            }
            return (literal.literal.tokenKind == .keyword(.true), nil)
        }
        return (false, nil)
    }

    /// Whether `type` (with attributes and specifiers already removed) is `ActorContext<...>`, plainly or
    /// module-qualified.
    private static func isContextType(_ type: TypeSyntax) -> Bool {
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return identifier.name.text == "ActorContext"
        }
        if let member = type.as(MemberTypeSyntax.self), let base = member.baseType.as(IdentifierTypeSyntax.self) {
            return member.name.text == "ActorContext" && contextTypeModules.contains(base.name.text)
        }
        return false
    }

    /// The first `some P` type in `type` (itself or nested, e.g. `[some P]`), if any.
    private static func firstOpaqueType(in type: TypeSyntax) -> SomeOrAnyTypeSyntax? {
        var pending: [Syntax] = [Syntax(type)]
        while let node = pending.popLast() {
            if let someOrAny = node.as(SomeOrAnyTypeSyntax.self),
                someOrAny.someOrAnySpecifier.tokenKind == .keyword(.some)
            {
                return someOrAny
            }
            pending.append(contentsOf: node.children(viewMode: .sourceAccurate).reversed())
        }
        return nil
    }

    /// Every plain type identifier mentioned in `type` (`Order` in `[Order.ID: Order]`).
    private static func typeIdentifiers(in type: TypeSyntax) -> Set<String> {
        var names: Set<String> = []
        var pending: [Syntax] = [Syntax(type)]
        while let node = pending.popLast() {
            if let identifier = node.as(IdentifierTypeSyntax.self) {
                names.insert(identifier.name.identifier?.name ?? identifier.name.text)
            }
            pending.append(contentsOf: node.children(viewMode: .sourceAccurate))
        }
        return names
    }
}

/// A parameter type split into its specifiers (`inout`, `sending`), attributes (`@escaping`) and base type, to
/// derive the spellings the generated code needs.
private struct TypeParts {
    /// Specifiers such as `inout`, `borrowing`, `sending`.
    let specifiers: [Syntax]
    /// The attributes, e.g. `@escaping`, `@Sendable`.
    let attributes: [AttributeListSyntax.Element]
    /// The type without specifiers and attributes.
    let base: TypeSyntax
    /// The type exactly as written.
    let original: TypeSyntax

    init(_ type: TypeSyntax) {
        original = type
        if let attributed = type.as(AttributedTypeSyntax.self) {
            specifiers = attributed.specifiers.map(Syntax.init) + attributed.lateSpecifiers.map(Syntax.init)
            attributes = Array(attributed.attributes)
            base = attributed.baseType
        } else {
            specifiers = []
            attributes = []
            base = type
        }
    }

    /// The names of the attributes, without `@`.
    private var attributeNames: [String] {
        attributes.map { element in
            if case .attribute(let attribute) = element { return attribute.attributeName.trimmedDescription }
            return ""
        }
    }

    /// The type for a `callAsFunction` parameter: as written, with `@escaping` added to a bare function type.
    var callType: String {
        guard base.is(FunctionTypeSyntax.self), !attributeNames.contains("escaping") else {
            return original.trimmedDescription
        }
        let pieces =
            specifiers.map(\.trimmedDescription) + attributes.map(\.trimmedDescription) + ["@escaping"]
            + [base.trimmedDescription]
        return pieces.joined(separator: " ")
    }

    /// The type for a message payload: no specifiers, no `@escaping`/`@autoclosure`.
    var payloadType: String {
        if specifiers.isEmpty && attributes.isEmpty { return original.trimmedDescription }
        let kept = zip(attributes, attributeNames).filter { !["escaping", "autoclosure"].contains($0.1) }.map {
            $0.0.trimmedDescription
        }
        return (kept + [base.trimmedDescription]).joined(separator: " ")
    }
}
