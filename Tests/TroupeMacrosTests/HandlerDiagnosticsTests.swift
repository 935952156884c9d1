import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Diagnostics about `@Handler` methods: placement (reported by `HandlerMacro`) and declarations (reported by
/// `ActorMacro`). A rejected handler is left out of the generated extension.
@Suite struct HandlerDiagnosticsTests {
    @Test func rejectsNonFunction() {
        assertTroupeExpansion(
            """
            @Actor
            struct Meter {
                @Handler var reading: Int { 0 }
            }
            """,
            expandedSource: """
            struct Meter {
                var reading: Int { 0 }
            }

            \(emptyActorExtension("Meter"))
            """,
            diagnostics: [
                DiagnosticSpec(message: "@Handler can only be applied to a function", line: 3, column: 5)
            ]
        )
    }

    @Test func rejectsHandlerOutsideActor() {
        assertTroupeExpansion(
            """
            struct Plain {
                @Handler func ping() {}
            }
            """,
            expandedSource: """
            struct Plain {
                func ping() {}
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "@Handler can only be used inside an @Actor type", line: 2, column: 5)
            ]
        )
    }

    @Test func rejectsHandlerInExtension() {
        assertTroupeExpansion(
            """
            extension Counter {
                @Handler func ping() {}
            }
            """,
            expandedSource: """
            extension Counter {
                func ping() {}
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "@Handler can only be used inside an @Actor type", line: 2, column: 5)
            ]
        )
    }

    @Test func rejectsDuplicateBaseNames() {
        assertTroupeExpansion(
            """
            @Actor
            struct Echo {
                @Handler func say() {}
                @Handler func say(_ text: String) {}
            }
            """,
            expandedSource: """
            struct Echo {
                func say() {}
                func say(_ text: String) {}
            }

            extension Echo: TroupeCore.ActorBehavior {
                /// The messages `Echo` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case say
                }

                /// The name `Echo`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Echo.Message"
                }

                /// The typed handler methods of `ActorRef<Echo>`: calling `ref.say(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Echo>
                    init(ref: TroupeCore.ActorRef<Echo>) {
                        self._ref = ref
                    }

                    var say: Say {
                        Say(_ref: _ref)
                    }
                    /// Asks `say()`.
                    struct Say: Sendable {
                        let _ref: TroupeCore.ActorRef<Echo>
                        func callAsFunction() async throws {
                            try await _ref.ask(.say) { actor, context in
                                actor.say()
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Echo>) async throws {
                    switch message {
                        case .say:
                            self.say()
                            reply.succeed(())
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Echo>) throws -> Bool {
                    switch message {
                        case .say:
                            self.say()
                            reply.succeed(())
                            return true
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'say' is declared more than once; handlers need distinct base names; overloads are not supported",
                    line: 4,
                    column: 19,
                    notes: [NoteSpec(message: "handler 'say' is first declared here", line: 3, column: 19)]
                )
            ]
        )
    }

    @Test(arguments: [
        "tell", "send", "ask", "stop", "path", "name", "id", "system", "isLocal",
        "termination", "description", "hash", "hashValue",
    ])
    func rejectsNameShadowedByActorRef(_ name: String) {
        assertTroupeExpansion(
            """
            @Actor
            struct Node {
                @Handler func \(name)() {}
            }
            """,
            expandedSource: """
            struct Node {
                func \(name)() {}
            }

            \(emptyActorExtension("Node"))
            """,
            diagnostics: [
                DiagnosticSpec(message: "handler '\(name)' would be shadowed by 'ActorRef.\(name)'; rename it", line: 3, column: 19)
            ]
        )
    }

    @Test func rejectsHandlerNamedRef() {
        assertTroupeExpansion(
            """
            @Actor
            struct Node {
                @Handler func _ref() {}
            }
            """,
            expandedSource: """
            struct Node {
                func _ref() {}
            }

            \(emptyActorExtension("Node"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler '_ref' clashes with the '_ref' property that @Actor generates; rename it",
                    line: 3,
                    column: 19
                )
            ]
        )
    }

    @Test func rejectsStaticHandlerWithFixIt() {
        assertTroupeExpansion(
            """
            @Actor
            struct Clock {
                @Handler static func now() -> Int { 0 }
            }
            """,
            expandedSource: """
            struct Clock {
                static func now() -> Int { 0 }
            }

            \(emptyActorExtension("Clock"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'now' cannot be 'static'; handlers are instance methods that receive the actor's messages",
                    line: 3,
                    column: 14,
                    fixIts: [FixItSpec(message: "remove 'static'")]
                )
            ],
            fixedSource: """
            @Actor
            struct Clock {
                @Handler func now() -> Int { 0 }
            }
            """
        )
    }

    @Test func rejectsClassHandler() {
        assertTroupeExpansion(
            """
            @Actor
            final class Clock {
                @Handler class func now() -> Int { 0 }
            }
            """,
            expandedSource: """
            final class Clock {
                class func now() -> Int { 0 }
            }

            \(emptyActorExtension("Clock", isValueType: false))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'now' cannot be 'class'; handlers are instance methods that receive the actor's messages",
                    line: 3,
                    column: 14,
                    fixIts: [FixItSpec(message: "remove 'class'")]
                )
            ]
        )
    }

    @Test func rejectsGenericHandler() {
        assertTroupeExpansion(
            """
            @Actor
            struct Sink {
                @Handler func put<Value: Sendable>(_ value: Value) {}
            }
            """,
            expandedSource: """
            struct Sink {
                func put<Value: Sendable>(_ value: Value) {}
            }

            \(emptyActorExtension("Sink"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'put' cannot be generic; its parameters become a message payload, which needs concrete types",
                    line: 3,
                    column: 22
                )
            ]
        )
    }

    @Test func rejectsOpaqueParameter() {
        assertTroupeExpansion(
            """
            @Actor
            struct Sink {
                @Handler func put(_ values: [some Sendable]) {}
            }
            """,
            expandedSource: """
            struct Sink {
                func put(_ values: [some Sendable]) {}
            }

            \(emptyActorExtension("Sink"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'put' cannot be generic; its parameters become a message payload, which needs concrete types",
                    line: 3,
                    column: 34
                )
            ]
        )
    }

    @Test func rejectsOpaqueReturnType() {
        assertTroupeExpansion(
            """
            @Actor
            struct Source {
                @Handler func next() -> some Sendable { 0 }
            }
            """,
            expandedSource: """
            struct Source {
                func next() -> some Sendable { 0 }
            }

            \(emptyActorExtension("Source"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'next' cannot return an opaque 'some' type; return a concrete type",
                    line: 3,
                    column: 29
                )
            ]
        )
    }

    @Test func rejectsInoutParameter() {
        assertTroupeExpansion(
            """
            @Actor
            struct Swapper {
                @Handler func swap(value: inout Int) {}
            }
            """,
            expandedSource: """
            struct Swapper {
                func swap(value: inout Int) {}
            }

            \(emptyActorExtension("Swapper"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "parameter 'value' of handler 'swap' cannot be 'inout'; a handler runs on the actor, not in the caller's scope",
                    line: 3,
                    column: 31
                )
            ]
        )
    }

    @Test func rejectsVariadicParameter() {
        assertTroupeExpansion(
            """
            @Actor
            struct Summer {
                @Handler func sum(_ values: Int...) -> Int { 0 }
            }
            """,
            expandedSource: """
            struct Summer {
                func sum(_ values: Int...) -> Int { 0 }
            }

            \(emptyActorExtension("Summer"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "parameter 'values' of handler 'sum' cannot be variadic; use an array instead",
                    line: 3,
                    column: 36
                )
            ]
        )
    }

    @Test func rejectsReentrantMutatingHandlerWithFixIt() {
        assertTroupeExpansion(
            """
            @Actor
            struct Tally {
                var total = 0
                @Handler(reentrant: true) mutating func add(_ amount: Int) async { total += amount }
            }
            """,
            expandedSource: """
            struct Tally {
                var total = 0
                mutating func add(_ amount: Int) async { total += amount }
            }

            \(emptyActorExtension("Tally"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "handler 'add' cannot be both reentrant and mutating: a reentrant handler runs concurrently with later messages on a snapshot of the state, so it cannot be mutating; send a message to self to change state",
                    line: 4,
                    column: 31,
                    fixIts: [FixItSpec(message: "remove 'mutating'")]
                )
            ],
            fixedSource: """
            @Actor
            struct Tally {
                var total = 0
                @Handler(reentrant: true) func add(_ amount: Int) async { total += amount }
            }
            """
        )
    }

    @Test func rejectsParameterNamedRef() {
        assertTroupeExpansion(
            """
            @Actor
            struct Linker {
                @Handler func link(to _ref: String) {}
            }
            """,
            expandedSource: """
            struct Linker {
                func link(to _ref: String) {}
            }

            \(emptyActorExtension("Linker"))
            """,
            diagnostics: [
                DiagnosticSpec(
                    message: "parameter '_ref' of handler 'link' clashes with the '_ref' property that @Actor generates; rename it",
                    line: 3,
                    column: 27
                )
            ]
        )
    }

    @Test func rejectsNonLiteralReentrantArgument() {
        assertTroupeExpansion(
            """
            @Actor
            struct Lookup {
                @Handler(reentrant: isFast) func find() async {}
            }
            """,
            expandedSource: """
            struct Lookup {
                func find() async {}
            }

            \(emptyActorExtension("Lookup"))
            """,
            diagnostics: [
                DiagnosticSpec(message: "'reentrant:' must be the literal 'true' or 'false'", line: 3, column: 25)
            ]
        )
    }
}
