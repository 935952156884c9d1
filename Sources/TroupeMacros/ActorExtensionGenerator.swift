/// Writes the source of the extension `@Actor` generates: the `Message` enum, the `Handlers` type with one callable
/// nested type per handler, `receive`, `receiveSynchronously` and `isReentrant`.
///
/// Every runtime name is qualified with `TroupeCore.` so user types with the same names cannot clash.
struct ActorExtensionGenerator {
    /// The attached type as the extension names it (`Counter`, `Outer.Counter`).
    let typeName: String
    /// The attached type's kind and access level.
    let declaration: ActorDeclaration
    /// Whether the extension declares the `TroupeCore.ActorBehavior` conformance (false when the type already
    /// declares it itself).
    let addsConformance: Bool
    /// The valid handlers, in source order.
    let handlers: [HandlerSignature]

    /// The module every runtime name is qualified with.
    private let runtime = "TroupeCore"

    /// Type names the nested callable types must never take, because generated code refers to them from inside
    /// `Handlers` (or they are not valid nested type names).
    private static let reservedTypeNames: Set<String> = [
        "Sendable", "Message", "Handlers", "TroupeCore", "Swift", "Void", "Type", "Protocol", "Self", "Any",
    ]

    /// The complete extension source.
    func generate() -> String {
        let access = declaration.accessModifier
        let conformance = addsConformance ? ": \(runtime).ActorBehavior" : ""
        let sections = [
            messageEnum(access: access),
            messageTypeName(access: access),
            handlersStruct(access: access),
            receive(access: access),
            receiveSynchronously(access: access),
            isReentrant(access: access),
        ]
        let body = sections.map(indented).joined(separator: [""])
        return (["extension \(typeName)\(conformance) {"] + body + ["}"]).joined(separator: "\n")
    }

    // MARK: - Message

    /// `enum Message: Sendable { case increment(by: Int) ... }`.
    private func messageEnum(access: String) -> [String] {
        let cases = handlers.map { handler -> String in
            let payload = handler.messageParameters.map { parameter in
                parameter.label.map { "\($0): \(parameter.payloadType)" } ?? parameter.payloadType
            }
            return payload.isEmpty ? "case \(handler.name)" : "case \(handler.name)(\(payload.joined(separator: ", ")))"
        }
        guard declaration.codable else {
            return ["/// The messages `\(typeName)` handles: one case per `@Handler`."]
                + braced("\(access)enum Message: Sendable", cases)
        }
        let coding = messageEncode(access: access) + [""] + messageDecode(access: access)
        let members = cases.isEmpty ? coding : cases + [""] + coding
        return ["/// The messages `\(typeName)` handles: one case per `@Handler`; `Codable` as each case's tag and its values."]
            + braced("\(access)enum Message: Sendable, Swift.Codable", members)
    }

    /// The wire tag of `handler`'s case with `@Actor(codable: true)`: the FNV-1a 32 hash of its
    /// name and labels (`"increment(by:)"`), so that adding, removing or reordering other handlers
    /// keeps it.
    static func wireTag(of handler: HandlerSignature) -> UInt32 {
        let labels = handler.messageParameters.map { ($0.label ?? "_") + ":" }.joined()
        let signature = handler.messageParameters.isEmpty ? handler.identifier : "\(handler.identifier)(\(labels))"
        var hash: UInt32 = 0x811c_9dc5
        for byte in signature.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    private func hex(_ tag: UInt32) -> String {
        let digits = String(tag, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// `encode(to:)` of a `codable` message: one unkeyed container with the case's tag, then its
    /// values in order; no coding keys, no nested containers (several times cheaper to encode and
    /// decode than the synthesized conformance).
    private func messageEncode(access: String) -> [String] {
        let header = "\(access)func encode(to encoder: any Swift.Encoder) throws"
        guard !handlers.isEmpty else {
            return ["/// Writes the message (`Message` has no cases)."] + braced(header, ["switch self {", "}"])
        }
        var body = ["var container = encoder.unkeyedContainer()", "switch self {"]
        for handler in handlers {
            let values = handler.messageParameters.indices.map { "p\($0)" }
            let pattern = values.isEmpty ? "" : "(" + values.map { "let \($0)" }.joined(separator: ", ") + ")"
            body.append("case .\(handler.name)\(pattern):")
            body.append("    try container.encode(UInt32(\(hex(Self.wireTag(of: handler)))))")
            for value in values { body.append("    try container.encode(\(value))") }
        }
        body.append("}")
        return ["/// Writes the message: its case's tag, then its values."] + braced(header, body)
    }

    /// `init(from:)` of a `codable` message: reads what `encode(to:)` wrote; an unknown tag is a
    /// `DecodingError` (the sender has a handler this build does not).
    private func messageDecode(access: String) -> [String] {
        var body = ["var container = try decoder.unkeyedContainer()", "let tag = try container.decode(UInt32.self)", "switch tag {"]
        for handler in handlers {
            let arguments = handler.messageParameters.map { parameter -> String in
                let value = "try container.decode((\(parameter.payloadType)).self)"
                return parameter.label.map { "\($0): \(value)" } ?? value
            }
            let construction = arguments.isEmpty ? ".\(handler.name)" : ".\(handler.name)(\(arguments.joined(separator: ", ")))"
            body.append("case \(hex(Self.wireTag(of: handler))):")
            body.append("    self = \(construction)")
        }
        body.append("default:")
        body.append("    throw Swift.DecodingError.dataCorruptedError(")
        body.append("        in: container, debugDescription: \"no case of \(typeName).Message has the tag \\(tag): the sender has a handler this build does not\")")
        body.append("}")
        return ["/// Reads a message written by `encode(to:)`."]
            + braced("\(access)init(from decoder: any Swift.Decoder) throws", body)
    }

    /// `static var messageTypeName: String { "Counter.Message" }`: the stable name the message type's
    /// remote id is derived from (the declared name, or `@Actor(wireName:)`).
    private func messageTypeName(access: String) -> [String] {
        let name = declaration.wireName ?? "\(typeName).Message"
        let escaped = name.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\\", "\"": return "\\" + String(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: return "\\u{\(String(scalar.value, radix: 16))}"
            default: return String(scalar)
            }
        }
        let literal = "\"" + escaped.joined() + "\""
        return ["/// The name `\(typeName)`'s messages go by on the wire; their remote type id is derived from it."]
            + braced("\(access)static var messageTypeName: String", [literal])
    }

    // MARK: - Handlers

    /// `struct Handlers: TroupeCore.ActorHandlers { ... }` with one accessor and callable type per handler.
    private func handlersStruct(access: String) -> [String] {
        let refType = "\(runtime).ActorRef<\(typeName)>"
        var members = [
            "\(access)let _ref: \(refType)",
            "\(access)init(ref: \(refType)) { self._ref = ref }",
        ]
        for (handler, callableName) in zip(handlers, callableTypeNames()) {
            members.append("")
            members.append("\(access)var \(handler.name): \(callableName) { \(callableName)(_ref: _ref) }")
            members += callable(handler, named: callableName, refType: refType, access: access)
        }
        let usage =
            handlers.first.map { ": calling `ref.\($0.name)(...)` asks the actor and returns its reply" }
            ?? " (`\(typeName)` has no `@Handler`s yet)"
        return ["/// The typed handler methods of `ActorRef<\(typeName)>`\(usage)."]
            + braced("\(access)struct Handlers: \(runtime).ActorHandlers", members)
    }

    /// The nested callable type for `handler`: `ref.increment(by: 5)` calls its `callAsFunction`.
    private func callable(_ handler: HandlerSignature, named callableName: String, refType: String, access: String)
        -> [String]
    {
        let parameters = handler.messageParameters.map { parameter -> String in
            let declared: String
            switch parameter.label {
            case nil: declared = "_ \(parameter.name)"
            case parameter.name?: declared = parameter.name
            case let label?: declared = "\(label) \(parameter.name)"
            }
            let defaultValue = parameter.defaultValue.map { " = \($0)" } ?? ""
            return "\(declared): \(parameter.callType)\(defaultValue)"
        }
        let message = messageExpression(handler)
        let body: String
        if handler.usesInlineClosure {
            let (actorName, contextName) = closureParameterNames(avoiding: handler.messageParameters.map(\.name))
            let arguments = handler.parameters.map { parameter in
                argument(parameter.label, parameter.isContext ? contextName : parameter.name)
            }
            let call =
                "\(handler.isThrowing ? "try " : "")\(actorName).\(handler.name)(\(arguments.joined(separator: ", ")))"
            body = "try await _ref.ask(\(message)) { \(actorName), \(contextName) in \(call) }"
        } else {
            let returned = handler.returnType.map(Self.typeExpression) ?? "Void"
            body = "try await _ref.ask(\(message), returning: \(returned).self)"
        }
        let returnClause = handler.returnType.map { " -> \($0)" } ?? ""
        let function =
            (handler.returnType == nil ? [] : ["@discardableResult"])
            + braced(
                "\(access)func callAsFunction(\(parameters.joined(separator: ", "))) async throws\(returnClause)",
                [body]
            )
        return ["/// Asks `\(handler.fullName)`."]
            + braced("\(access)struct \(callableName): Sendable", ["\(access)let _ref: \(refType)"] + function)
    }

    /// `.increment(by: amount)`, or `.current` for a handler without message parameters.
    private func messageExpression(_ handler: HandlerSignature) -> String {
        let arguments = handler.messageParameters.map { argument($0.label, $0.name) }
        return arguments.isEmpty ? ".\(handler.name)" : ".\(handler.name)(\(arguments.joined(separator: ", ")))"
    }

    /// The names of the inline closure's parameters (`actor`, `context`), underscored until they do not shadow
    /// any of `names` (the `callAsFunction` parameters the closure captures).
    private func closureParameterNames(avoiding names: [String]) -> (actor: String, context: String) {
        var actorName = "actor"
        var contextName = "context"
        while names.contains(actorName) || names.contains(contextName) {
            actorName = "_" + actorName
            contextName = "_" + contextName
        }
        return (actorName, contextName)
    }

    /// The callable type name for each handler, in order: the base name with its first letter uppercased
    /// (`increment` → `Increment`). When that name is taken (another handler's name or callable type, a type the
    /// handlers' signatures mention such as `Order` for `func order() -> Order`, or a name generated code relies
    /// on), `Handler` is appended, then underscores, until it is free.
    func callableTypeNames() -> [String] {
        var taken = Self.reservedTypeNames
        for handler in handlers {
            taken.formUnion(handler.referencedTypeNames)
            taken.insert(handler.identifier)
        }
        var names: [String] = []
        for handler in handlers {
            var candidate = handler.identifier.prefix(1).uppercased() + handler.identifier.dropFirst()
            if taken.contains(candidate) { candidate += "Handler" }
            while taken.contains(candidate) { candidate += "_" }
            taken.insert(candidate)
            names.append(candidate)
        }
        return names
    }

    // MARK: - receive

    /// `receive(_:reply:context:)`: runs the handler for any message.
    ///
    /// Without handlers, `Message` has no cases, so this and the other dispatch functions can never be called;
    /// their bodies are left empty, which the compiler accepts for an uninhabited parameter without the "will never
    /// be executed" warning that even an empty `switch` would draw.
    private func receive(access: String) -> [String] {
        let cases = handlers.flatMap { handler in [casePattern(handler) + ":"] + indented(dispatch(handler)) }
        return braced(
            "\(access)\(mutatingKeyword)func receive(_ message: Message, reply: \(runtime).ReplyHandle, context: \(contextType)) async throws",
            handlers.isEmpty ? [] : braced("switch message", cases)
        )
    }

    /// `receiveSynchronously(_:reply:context:)`: runs synchronous handlers and returns `true`, or returns `false`
    /// for async handlers so the runtime calls `receive` instead.
    private func receiveSynchronously(access: String) -> [String] {
        let synchronous = handlers.filter { !$0.isAsync }
        let asynchronous = handlers.filter(\.isAsync)
        let body: [String]
        if handlers.isEmpty {
            body = []
        } else if synchronous.isEmpty {
            body = ["return false"]
        } else {
            var cases = synchronous.flatMap { handler in
                [casePattern(handler) + ":"] + indented(dispatch(handler) + ["return true"])
            }
            if !asynchronous.isEmpty {
                cases += ["case \(asynchronous.map { ".\($0.name)" }.joined(separator: ", ")):", "    return false"]
            }
            body = braced("switch message", cases)
        }
        return braced(
            "\(access)\(mutatingKeyword)func receiveSynchronously(_ message: Message, reply: \(runtime).ReplyHandle, context: \(contextType)) throws -> Bool",
            body
        )
    }

    /// `static func isReentrant(_:)`: whether a message's handler was declared `reentrant: true`.
    private func isReentrant(access: String) -> [String] {
        let reentrant = handlers.filter(\.isReentrant)
        let body: [String]
        if handlers.isEmpty {
            body = []
        } else if reentrant.isEmpty {
            body = ["false"]
        } else if reentrant.count == handlers.count {
            body = ["true"]
        } else {
            body = braced(
                "switch message",
                [
                    "case \(reentrant.map { ".\($0.name)" }.joined(separator: ", ")):",
                    "    return true",
                    "default:",
                    "    return false",
                ]
            )
        }
        return braced("\(access)static func isReentrant(_ message: Message) -> Bool", body)
    }

    /// `case .increment(let p0, let p1)`, or `case .current` without message parameters.
    private func casePattern(_ handler: HandlerSignature) -> String {
        let bindings = handler.messageParameters.indices.map { "let p\($0)" }
        return bindings.isEmpty ? "case .\(handler.name)" : "case .\(handler.name)(\(bindings.joined(separator: ", ")))"
    }

    /// The statements that call `handler` with the bound payload `p0, p1, ...` and reply with its result.
    private func dispatch(_ handler: HandlerSignature) -> [String] {
        var index = 0
        let arguments = handler.parameters.map { parameter -> String in
            if parameter.isContext { return argument(parameter.label, "context") }
            defer { index += 1 }
            return argument(parameter.label, "p\(index)")
        }
        let effects = (handler.isThrowing ? "try " : "") + (handler.isAsync ? "await " : "")
        let call = "\(effects)self.\(handler.name)(\(arguments.joined(separator: ", ")))"
        return handler.returnType == nil ? [call, "reply.succeed(())"] : ["reply.succeed(\(call))"]
    }

    // MARK: - Helpers

    /// `TroupeCore.ActorContext<Counter>`.
    private var contextType: String { "\(runtime).ActorContext<\(typeName)>" }

    /// `mutating ` for value types, empty for a final class.
    private var mutatingKeyword: String { declaration.isValueType ? "mutating " : "" }

    /// `label: value`, or `value` without a label.
    private func argument(_ label: String?, _ value: String) -> String {
        label.map { "\($0): \(value)" } ?? value
    }

    /// `header {`, the body indented, `}`; `header {}` for an empty body.
    private func braced(_ header: String, _ body: [String]) -> [String] {
        body.isEmpty ? ["\(header) {}"] : ["\(header) {"] + indented(body) + ["}"]
    }

    /// `lines`, each non-empty one indented by four spaces.
    private func indented(_ lines: [String]) -> [String] {
        lines.map { $0.isEmpty ? $0 : "    " + $0 }
    }

    /// `type` as an expression before `.self`, parenthesised unless it is a plain name or a sugared type that can
    /// be written directly (`Int`, `[String]`, `Int?`): `(any Error).self`, `(() -> Void).self`.
    static func typeExpression(_ type: String) -> String {
        let plain = type.allSatisfy { $0.isLetter || $0.isNumber || "_.<>, []:?".contains($0) }
        return plain && !type.hasPrefix("any ") ? type : "(\(type))"
    }
}
