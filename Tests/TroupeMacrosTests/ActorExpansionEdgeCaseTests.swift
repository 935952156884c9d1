import Testing

/// Expansions of the less common shapes: reentrancy, existing conformances, name clashes,
/// typed throws.
@Suite struct ActorExpansionEdgeCaseTests {
    @Test func reentrantHandlers() {
        assertTroupeExpansion(
            """
            @Actor
            struct Cache {
                @Handler(reentrant: true) func lookup(key: String) -> String? { nil }
                @Handler(reentrant: true) func refresh() async throws {}
                @Handler(reentrant: false) mutating func store(key: String, value: String) {}
            }
            """,
            expandedSource: """
            struct Cache {
                func lookup(key: String) -> String? { nil }
                func refresh() async throws {}
                mutating func store(key: String, value: String) {}
            }

            extension Cache: TroupeCore.ActorBehavior {
                /// The messages `Cache` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case lookup(key: String)
                    case refresh
                    case store(key: String, value: String)
                }

                /// The name `Cache`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Cache.Message"
                }

                /// The typed handler methods of `ActorRef<Cache>`: calling `ref.lookup(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Cache>
                    init(ref: TroupeCore.ActorRef<Cache>) {
                        self._ref = ref
                    }

                    var lookup: Lookup {
                        Lookup(_ref: _ref)
                    }
                    /// Asks `lookup(key:)`.
                    struct Lookup: Sendable {
                        let _ref: TroupeCore.ActorRef<Cache>
                        @discardableResult
                        func callAsFunction(key: String) async throws -> String? {
                            try await _ref.ask(.lookup(key: key), returning: String?.self)
                        }
                    }

                    var refresh: Refresh {
                        Refresh(_ref: _ref)
                    }
                    /// Asks `refresh()`.
                    struct Refresh: Sendable {
                        let _ref: TroupeCore.ActorRef<Cache>
                        func callAsFunction() async throws {
                            try await _ref.ask(.refresh, returning: Void.self)
                        }
                    }

                    var store: Store {
                        Store(_ref: _ref)
                    }
                    /// Asks `store(key:value:)`.
                    struct Store: Sendable {
                        let _ref: TroupeCore.ActorRef<Cache>
                        func callAsFunction(key: String, value: String) async throws {
                            try await _ref.ask(.store(key: key, value: value)) { actor, context in
                                actor.store(key: key, value: value)
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Cache>) async throws {
                    switch message {
                        case .lookup(let p0):
                            reply.succeed(self.lookup(key: p0))
                        case .refresh:
                            try await self.refresh()
                            reply.succeed(())
                        case .store(let p0, let p1):
                            self.store(key: p0, value: p1)
                            reply.succeed(())
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Cache>) throws -> Bool {
                    switch message {
                        case .lookup(let p0):
                            reply.succeed(self.lookup(key: p0))
                            return true
                        case .store(let p0, let p1):
                            self.store(key: p0, value: p1)
                            reply.succeed(())
                            return true
                        case .refresh:
                            return false
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    switch message {
                        case .lookup, .refresh:
                            return true
                        default:
                            return false
                    }
                }
            }
            """
        )
    }

    @Test func allReentrantHandlers() {
        assertTroupeExpansion(
            """
            @Actor
            struct Mirror {
                @Handler(reentrant: true) func echo(_ text: String) async -> String { text }
            }
            """,
            expandedSource: """
            struct Mirror {
                func echo(_ text: String) async -> String { text }
            }

            extension Mirror: TroupeCore.ActorBehavior {
                /// The messages `Mirror` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case echo(String)
                }

                /// The name `Mirror`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Mirror.Message"
                }

                /// The typed handler methods of `ActorRef<Mirror>`: calling `ref.echo(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Mirror>
                    init(ref: TroupeCore.ActorRef<Mirror>) {
                        self._ref = ref
                    }

                    var echo: Echo {
                        Echo(_ref: _ref)
                    }
                    /// Asks `echo(_:)`.
                    struct Echo: Sendable {
                        let _ref: TroupeCore.ActorRef<Mirror>
                        @discardableResult
                        func callAsFunction(_ text: String) async throws -> String {
                            try await _ref.ask(.echo(text), returning: String.self)
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Mirror>) async throws {
                    switch message {
                        case .echo(let p0):
                            reply.succeed(await self.echo(p0))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Mirror>) throws -> Bool {
                    return false
                }

                static func isReentrant(_ message: Message) -> Bool {
                    true
                }
            }
            """
        )
    }

    @Test func existingConformanceIsNotRepeated() {
        assertMacroExpansionWithoutConformance(
            """
            @Actor
            struct Pinger: ActorBehavior {
                @Handler func ping() {}
            }
            """,
            expandedSource: """
            struct Pinger: ActorBehavior {
                func ping() {}
            }

            extension Pinger {
                /// The messages `Pinger` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case ping
                }

                /// The name `Pinger`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Pinger.Message"
                }

                /// The typed handler methods of `ActorRef<Pinger>`: calling `ref.ping(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Pinger>
                    init(ref: TroupeCore.ActorRef<Pinger>) {
                        self._ref = ref
                    }

                    var ping: Ping {
                        Ping(_ref: _ref)
                    }
                    /// Asks `ping()`.
                    struct Ping: Sendable {
                        let _ref: TroupeCore.ActorRef<Pinger>
                        func callAsFunction() async throws {
                            try await _ref.ask(.ping) { actor, context in
                                actor.ping()
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Pinger>) async throws {
                    switch message {
                        case .ping:
                            self.ping()
                            reply.succeed(())
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Pinger>) throws -> Bool {
                    switch message {
                        case .ping:
                            self.ping()
                            reply.succeed(())
                            return true
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func generatedNamesAvoidClashes() {
        assertTroupeExpansion(
            """
            @Actor
            struct Shop {
                @Handler func order(id: Int) -> Order { Order(id: id) }
                @Handler func type(actor: String, context: String) -> Void {}
                @Handler func notify(_: Int, callback: @Sendable () -> Void) -> any Error { fatalError() }
            }
            """,
            expandedSource: """
            struct Shop {
                func order(id: Int) -> Order { Order(id: id) }
                func type(actor: String, context: String) -> Void {}
                func notify(_: Int, callback: @Sendable () -> Void) -> any Error { fatalError() }
            }

            extension Shop: TroupeCore.ActorBehavior {
                /// The messages `Shop` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case order(id: Int)
                    case type(actor: String, context: String)
                    case notify(Int, callback: @Sendable () -> Void)
                }

                /// The name `Shop`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Shop.Message"
                }

                /// The typed handler methods of `ActorRef<Shop>`: calling `ref.order(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Shop>
                    init(ref: TroupeCore.ActorRef<Shop>) {
                        self._ref = ref
                    }

                    var order: OrderHandler {
                        OrderHandler(_ref: _ref)
                    }
                    /// Asks `order(id:)`.
                    struct OrderHandler: Sendable {
                        let _ref: TroupeCore.ActorRef<Shop>
                        @discardableResult
                        func callAsFunction(id: Int) async throws -> Order {
                            try await _ref.ask(.order(id: id)) { actor, context in
                                actor.order(id: id)
                            }
                        }
                    }

                    var type: TypeHandler {
                        TypeHandler(_ref: _ref)
                    }
                    /// Asks `type(actor:context:)`.
                    struct TypeHandler: Sendable {
                        let _ref: TroupeCore.ActorRef<Shop>
                        func callAsFunction(actor: String, context: String) async throws {
                            try await _ref.ask(.type(actor: actor, context: context)) { _actor, _context in
                                _actor.type(actor: actor, context: context)
                            }
                        }
                    }

                    var notify: Notify {
                        Notify(_ref: _ref)
                    }
                    /// Asks `notify(_:callback:)`.
                    struct Notify: Sendable {
                        let _ref: TroupeCore.ActorRef<Shop>
                        @discardableResult
                        func callAsFunction(_ arg0: Int, callback: @Sendable @escaping () -> Void) async throws -> any Error {
                            try await _ref.ask(.notify(arg0, callback: callback)) { actor, context in
                                actor.notify(arg0, callback: callback)
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Shop>) async throws {
                    switch message {
                        case .order(let p0):
                            reply.succeed(self.order(id: p0))
                        case .type(let p0, let p1):
                            self.type(actor: p0, context: p1)
                            reply.succeed(())
                        case .notify(let p0, let p1):
                            reply.succeed(self.notify(p0, callback: p1))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Shop>) throws -> Bool {
                    switch message {
                        case .order(let p0):
                            reply.succeed(self.order(id: p0))
                            return true
                        case .type(let p0, let p1):
                            self.type(actor: p0, context: p1)
                            reply.succeed(())
                            return true
                        case .notify(let p0, let p1):
                            reply.succeed(self.notify(p0, callback: p1))
                            return true
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func typedThrowsCountsAsThrowing() {
        assertTroupeExpansion(
            """
            @Actor
            struct Parser {
                @Handler func parse(_ text: String) throws(ParseError) -> Int { 0 }
            }
            """,
            expandedSource: """
            struct Parser {
                func parse(_ text: String) throws(ParseError) -> Int { 0 }
            }

            extension Parser: TroupeCore.ActorBehavior {
                /// The messages `Parser` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case parse(String)
                }

                /// The name `Parser`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Parser.Message"
                }

                /// The typed handler methods of `ActorRef<Parser>`: calling `ref.parse(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Parser>
                    init(ref: TroupeCore.ActorRef<Parser>) {
                        self._ref = ref
                    }

                    var parse: Parse {
                        Parse(_ref: _ref)
                    }
                    /// Asks `parse(_:)`.
                    struct Parse: Sendable {
                        let _ref: TroupeCore.ActorRef<Parser>
                        @discardableResult
                        func callAsFunction(_ text: String) async throws -> Int {
                            try await _ref.ask(.parse(text)) { actor, context in
                                try actor.parse(text)
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Parser>) async throws {
                    switch message {
                        case .parse(let p0):
                            reply.succeed(try self.parse(p0))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Parser>) throws -> Bool {
                    switch message {
                        case .parse(let p0):
                            reply.succeed(try self.parse(p0))
                            return true
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func wireNameReplacesTheDeclaredName() {
        assertTroupeExpansion(
            #"""
            @Actor(wireName: "shop.\"Cart\"")
            struct Cart {}
            """#,
            expandedSource: #"""
            struct Cart {}

            extension Cart: TroupeCore.ActorBehavior {
                /// The messages `Cart` handles: one case per `@Handler`.
                enum Message: Sendable {
                }

                /// The name `Cart`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "shop.\"Cart\""
                }

                /// The typed handler methods of `ActorRef<Cart>` (`Cart` has no `@Handler`s yet).
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Cart>
                    init(ref: TroupeCore.ActorRef<Cart>) {
                        self._ref = ref
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Cart>) async throws {
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Cart>) throws -> Bool {
                }

                static func isReentrant(_ message: Message) -> Bool {
                }
            }
            """#
        )
    }

    @Test func codableMessages() {
        assertTroupeExpansion(
            """
            @Actor(codable: true)
            public struct Scale {
                @Handler public func weigh(_ grams: Double, unit: String) -> Double { grams }
                @Handler public func reset() {}
            }
            """,
            expandedSource: #"""
            public struct Scale {
                public func weigh(_ grams: Double, unit: String) -> Double { grams }
                public func reset() {}
            }

            extension Scale: TroupeCore.ActorBehavior {
                /// The messages `Scale` handles: one case per `@Handler`; `Codable` as each case's tag and its values.
                public enum Message: Sendable, Swift.Codable {
                    case weigh(Double, unit: String)
                    case reset

                    /// Writes the message: its case's tag, then its values.
                    public func encode(to encoder: any Swift.Encoder) throws {
                        var container = encoder.unkeyedContainer()
                        switch self {
                        case .weigh(let p0, let p1):
                            try container.encode(UInt32(0x5146d83b))
                            try container.encode(p0)
                            try container.encode(p1)
                        case .reset:
                            try container.encode(UInt32(0x650d33c0))
                        }
                    }

                    /// Reads a message written by `encode(to:)`.
                    public init(from decoder: any Swift.Decoder) throws {
                        var container = try decoder.unkeyedContainer()
                        let tag = try container.decode(UInt32.self)
                        switch tag {
                        case 0x5146d83b:
                            self = .weigh(try container.decode((Double).self), unit: try container.decode((String).self))
                        case 0x650d33c0:
                            self = .reset
                        default:
                            throw Swift.DecodingError.dataCorruptedError(
                                in: container, debugDescription: "no case of Scale.Message has the tag \(tag): the sender has a handler this build does not")
                        }
                    }
                }

                /// The name `Scale`'s messages go by on the wire; their remote type id is derived from it.
                public static var messageTypeName: String {
                    "Scale.Message"
                }

                /// The typed handler methods of `ActorRef<Scale>`: calling `ref.weigh(...)` asks the actor and returns its reply.
                public struct Handlers: TroupeCore.ActorHandlers {
                    public let _ref: TroupeCore.ActorRef<Scale>
                    public init(ref: TroupeCore.ActorRef<Scale>) {
                        self._ref = ref
                    }

                    public var weigh: Weigh {
                        Weigh(_ref: _ref)
                    }
                    /// Asks `weigh(_:unit:)`.
                    public struct Weigh: Sendable {
                        public let _ref: TroupeCore.ActorRef<Scale>
                        @discardableResult
                        public func callAsFunction(_ grams: Double, unit: String) async throws -> Double {
                            try await _ref.ask(.weigh(grams, unit: unit)) { actor, context in
                                actor.weigh(grams, unit: unit)
                            }
                        }
                    }

                    public var reset: Reset {
                        Reset(_ref: _ref)
                    }
                    /// Asks `reset()`.
                    public struct Reset: Sendable {
                        public let _ref: TroupeCore.ActorRef<Scale>
                        public func callAsFunction() async throws {
                            try await _ref.ask(.reset) { actor, context in
                                actor.reset()
                            }
                        }
                    }
                }

                public mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Scale>) async throws {
                    switch message {
                        case .weigh(let p0, let p1):
                            reply.succeed(self.weigh(p0, unit: p1))
                        case .reset:
                            self.reset()
                            reply.succeed(())
                    }
                }

                public mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Scale>) throws -> Bool {
                    switch message {
                        case .weigh(let p0, let p1):
                            reply.succeed(self.weigh(p0, unit: p1))
                            return true
                        case .reset:
                            self.reset()
                            reply.succeed(())
                            return true
                    }
                }

                public static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """#
        )
    }
}
