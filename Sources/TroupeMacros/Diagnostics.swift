import SwiftDiagnostics
import SwiftSyntax

/// Every error Troupe's macros report, with its message.
///
/// Each diagnostic is reported from exactly one place so that nothing is reported twice:
/// - ``HandlerMacro`` reports ``handlerNotOnFunction`` and ``handlerOutsideActor`` (the only checks that need the
///   `@Handler` attribute's own position and lexical context).
/// - ``ActorMacro`` reports everything else, including all per-handler checks, because it sees every handler of the
///   type at once (needed for duplicate names) and decides which handlers make it into the generated code.
enum TroupeDiagnostic: DiagnosticMessage {
    // MARK: @Actor

    /// `@Actor` is attached to something other than a struct, enum, or final class. `what` says what it is
    /// instead, e.g. "'Worker' is an actor".
    case actorOnUnsupportedDeclaration(what: String)
    /// `@Actor` is attached to a class that is not `final`.
    case actorOnNonFinalClass(typeName: String)
    /// The `@Actor` type declares a member whose name the macro generates.
    case memberClashesWithGeneratedMember(name: String)

    // MARK: @Handler placement (reported by HandlerMacro)

    /// `@Handler` is attached to something other than a function.
    case handlerNotOnFunction
    /// `@Handler` is used outside the body of an `@Actor` type.
    case handlerOutsideActor

    // MARK: @Handler declarations (reported by ActorMacro)

    /// Two or more handlers share a base name.
    case duplicateHandlerName(name: String)
    /// A handler's name is a member of `ActorRef`, which would shadow the generated handler accessor.
    case handlerNameShadowedByActorRef(name: String)
    /// A handler's name is one the generated `Handlers` type uses itself.
    case handlerNameReserved(name: String)
    /// A handler is a `static` or `class` function.
    case staticHandler(name: String, keyword: String)
    /// A handler has generic parameters, or `some` parameter types.
    case genericHandler(name: String)
    /// A handler returns an opaque (`some`) type.
    case opaqueReturnType(name: String)
    /// A handler parameter is `inout`.
    case inoutParameter(handler: String, parameter: String)
    /// A handler parameter is variadic.
    case variadicParameter(handler: String, parameter: String)
    /// A handler is both `reentrant: true` and `mutating`.
    case reentrantMutatingHandler(name: String)
    /// A handler parameter is named `_ref`, which the generated code uses for its stored reference.
    case reservedParameterName(handler: String, parameter: String)
    /// The `reentrant:` argument of `@Handler` is not a Boolean literal.
    case reentrantArgumentNotLiteral
    /// `@Actor(wireName:)` with something other than a plain string literal.
    case wireNameNotLiteral
    /// `@Actor(codable:)` with something other than `true` or `false`.
    case codableArgumentNotLiteral
    /// A handler is declared inside an `#if` block, where `@Actor` does not look.
    case handlerInsideIfConfig(name: String)

    // MARK: Internal

    /// The generated code failed to parse; this is a bug in the macro.
    case internalError(detail: String)

    /// The names of the `ActorRef` members a handler accessor would be shadowed by (`ActorRef` reaches handlers
    /// through dynamic member lookup, which only applies when no real member has the name).
    static let actorRefMemberNames: Set<String> = [
        "tell", "send", "ask", "stop", "path", "name", "id", "system", "isLocal",
        "termination", "description", "hash", "hashValue",
    ]

    /// The member names `@Actor` generates; the attached type must not declare them itself.
    static let generatedMemberNames: [String] = [
        "Message", "Handlers", "receive", "receiveSynchronously", "isReentrant", "messageTypeName",
    ]

    var message: String {
        switch self {
        case .actorOnUnsupportedDeclaration(let what):
            return "@Actor can only be applied to a struct, enum, or final class; \(what)"
        case .actorOnNonFinalClass(let typeName):
            return "@Actor class '\(typeName)' must be final; an actor's state must not be shared with subclasses"
        case .memberClashesWithGeneratedMember(let name):
            return "member '\(name)' clashes with the '\(name)' that @Actor generates; rename it"
        case .handlerNotOnFunction:
            return "@Handler can only be applied to a function"
        case .handlerOutsideActor:
            return "@Handler can only be used inside an @Actor type"
        case .duplicateHandlerName(let name):
            return "handler '\(name)' is declared more than once; handlers need distinct base names; overloads are not supported"
        case .handlerNameShadowedByActorRef(let name):
            return "handler '\(name)' would be shadowed by 'ActorRef.\(name)'; rename it"
        case .handlerNameReserved(let name):
            return "handler '\(name)' clashes with the '\(name)' property that @Actor generates; rename it"
        case .staticHandler(let name, let keyword):
            return "handler '\(name)' cannot be '\(keyword)'; handlers are instance methods that receive the actor's messages"
        case .genericHandler(let name):
            return "handler '\(name)' cannot be generic; its parameters become a message payload, which needs concrete types"
        case .opaqueReturnType(let name):
            return "handler '\(name)' cannot return an opaque 'some' type; return a concrete type"
        case .inoutParameter(let handler, let parameter):
            return "parameter '\(parameter)' of handler '\(handler)' cannot be 'inout'; a handler runs on the actor, not in the caller's scope"
        case .variadicParameter(let handler, let parameter):
            return "parameter '\(parameter)' of handler '\(handler)' cannot be variadic; use an array instead"
        case .reentrantMutatingHandler(let name):
            return "handler '\(name)' cannot be both reentrant and mutating: a reentrant handler runs concurrently with later messages on a snapshot of the state, so it cannot be mutating; send a message to self to change state"
        case .reservedParameterName(let handler, let parameter):
            return "parameter '\(parameter)' of handler '\(handler)' clashes with the '_ref' property that @Actor generates; rename it"
        case .reentrantArgumentNotLiteral:
            return "'reentrant:' must be the literal 'true' or 'false'"
        case .codableArgumentNotLiteral:
            return "'codable:' must be the literal 'true' or 'false'"
        case .wireNameNotLiteral:
            return "'wireName:' must be a non-empty string literal without interpolation: it names the actor's messages on the wire, so it must be the same in every build"
        case .handlerInsideIfConfig(let name):
            return "handler '\(name)' is inside an '#if' block, where @Actor does not look for handlers; move it out of the '#if'"
        case .internalError(let detail):
            return "@Actor failed to generate code (this is a bug in Troupe): \(detail)"
        }
    }

    var severity: DiagnosticSeverity { .error }

    var diagnosticID: MessageID {
        let id: String
        switch self {
        case .actorOnUnsupportedDeclaration: id = "actorOnUnsupportedDeclaration"
        case .actorOnNonFinalClass: id = "actorOnNonFinalClass"
        case .memberClashesWithGeneratedMember: id = "memberClashesWithGeneratedMember"
        case .handlerNotOnFunction: id = "handlerNotOnFunction"
        case .handlerOutsideActor: id = "handlerOutsideActor"
        case .duplicateHandlerName: id = "duplicateHandlerName"
        case .handlerNameShadowedByActorRef: id = "handlerNameShadowedByActorRef"
        case .handlerNameReserved: id = "handlerNameReserved"
        case .staticHandler: id = "staticHandler"
        case .genericHandler: id = "genericHandler"
        case .opaqueReturnType: id = "opaqueReturnType"
        case .inoutParameter: id = "inoutParameter"
        case .variadicParameter: id = "variadicParameter"
        case .reentrantMutatingHandler: id = "reentrantMutatingHandler"
        case .reservedParameterName: id = "reservedParameterName"
        case .reentrantArgumentNotLiteral: id = "reentrantArgumentNotLiteral"
        case .wireNameNotLiteral: id = "wireNameNotLiteral"
        case .codableArgumentNotLiteral: id = "codableArgumentNotLiteral"
        case .handlerInsideIfConfig: id = "handlerInsideIfConfig"
        case .internalError: id = "internalError"
        }
        return MessageID(domain: "TroupeMacros", id: id)
    }

    /// A diagnostic with this message at `node`, with optional fix-its and notes.
    func at(_ node: some SyntaxProtocol, fixIts: [FixIt] = [], notes: [Note] = []) -> Diagnostic {
        Diagnostic(node: Syntax(node), message: self, notes: notes, fixIts: fixIts)
    }
}

/// The notes attached to Troupe's diagnostics.
enum TroupeNote: NoteMessage {
    /// Points at the first declaration of a handler name that is declared again.
    case firstDeclaredHere(name: String)

    var message: String {
        switch self {
        case .firstDeclaredHere(let name):
            return "handler '\(name)' is first declared here"
        }
    }

    var noteID: MessageID {
        switch self {
        case .firstDeclaredHere: return MessageID(domain: "TroupeMacros", id: "firstDeclaredHere")
        }
    }

    /// A note with this message at `node`.
    func at(_ node: some SyntaxProtocol) -> Note {
        Note(node: Syntax(node), message: self)
    }
}

/// The fix-its offered by Troupe's diagnostics.
enum TroupeFixIt: FixItMessage {
    /// Insert `final` before `class`.
    case addFinal
    /// Remove a modifier such as `static` or `mutating`.
    case removeModifier(String)

    var message: String {
        switch self {
        case .addFinal: return "add 'final'"
        case .removeModifier(let keyword): return "remove '\(keyword)'"
        }
    }

    var fixItID: MessageID {
        switch self {
        case .addFinal: return MessageID(domain: "TroupeMacros", id: "addFinal")
        case .removeModifier: return MessageID(domain: "TroupeMacros", id: "removeModifier")
        }
    }

    /// A fix-it that removes `modifier` (and the whitespace after it), keeping the indentation before it.
    static func removing(_ modifier: DeclModifierSyntax) -> FixIt {
        FixIt(
            message: TroupeFixIt.removeModifier(modifier.name.text),
            changes: [
                .replaceText(
                    range: modifier.positionAfterSkippingLeadingTrivia..<modifier.endPosition,
                    with: "",
                    in: Syntax(modifier)
                )
            ]
        )
    }

    /// A fix-it that inserts `final ` before the `class` keyword of `classDecl`.
    static func addingFinal(to classDecl: ClassDeclSyntax) -> FixIt {
        let position = classDecl.classKeyword.positionAfterSkippingLeadingTrivia
        return FixIt(
            message: TroupeFixIt.addFinal,
            changes: [.replaceText(range: position..<position, with: "final ", in: Syntax(classDecl))]
        )
    }
}
