import Testing

/// Expansion tests for `@Actor` (with `@Handler`) on valid input: the generated extension for each shape of actor
/// and handler.
@Suite struct ActorExpansionTests {
    @Test func counter() {
        assertTroupeExpansion(
            """
            @Actor
            struct Counter {
                var count = 0
                @Handler mutating func increment(by amount: Int) -> Int { count += amount; return count }
                @Handler func current() -> Int { count }
                @Handler func fetch(id: String, context: ActorContext<Counter>) async throws -> String { id }
                @Handler mutating func reset() { count = 0 }
                @Handler func add(_ x: Int, _ y: Int) throws -> Int { x + y }
                @Handler(reentrant: true) func slowLookup(key: String) async -> String { key }
            }
            """,
            expandedSource: """
            struct Counter {
                var count = 0
                mutating func increment(by amount: Int) -> Int { count += amount; return count }
                func current() -> Int { count }
                func fetch(id: String, context: ActorContext<Counter>) async throws -> String { id }
                mutating func reset() { count = 0 }
                func add(_ x: Int, _ y: Int) throws -> Int { x + y }
                func slowLookup(key: String) async -> String { key }
            }

            extension Counter: TroupeCore.ActorBehavior {
                /// The messages `Counter` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case increment(by: Int)
                    case current
                    case fetch(id: String)
                    case reset
                    case add(Int, Int)
                    case slowLookup(key: String)
                }

                /// The name `Counter`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Counter.Message"
                }

                /// The typed handler methods of `ActorRef<Counter>`: calling `ref.increment(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Counter>
                    init(ref: TroupeCore.ActorRef<Counter>) {
                        self._ref = ref
                    }

                    var increment: Increment {
                        Increment(_ref: _ref)
                    }
                    /// Asks `increment(by:)`.
                    struct Increment: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        @discardableResult
                        func callAsFunction(by amount: Int) async throws -> Int {
                            try await _ref.ask(.increment(by: amount)) { actor, context in
                                actor.increment(by: amount)
                            }
                        }
                    }

                    var current: Current {
                        Current(_ref: _ref)
                    }
                    /// Asks `current()`.
                    struct Current: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        @discardableResult
                        func callAsFunction() async throws -> Int {
                            try await _ref.ask(.current) { actor, context in
                                actor.current()
                            }
                        }
                    }

                    var fetch: Fetch {
                        Fetch(_ref: _ref)
                    }
                    /// Asks `fetch(id:context:)`.
                    struct Fetch: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        @discardableResult
                        func callAsFunction(id: String) async throws -> String {
                            try await _ref.ask(.fetch(id: id), returning: String.self)
                        }
                    }

                    var reset: Reset {
                        Reset(_ref: _ref)
                    }
                    /// Asks `reset()`.
                    struct Reset: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        func callAsFunction() async throws {
                            try await _ref.ask(.reset) { actor, context in
                                actor.reset()
                            }
                        }
                    }

                    var add: Add {
                        Add(_ref: _ref)
                    }
                    /// Asks `add(_:_:)`.
                    struct Add: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        @discardableResult
                        func callAsFunction(_ x: Int, _ y: Int) async throws -> Int {
                            try await _ref.ask(.add(x, y)) { actor, context in
                                try actor.add(x, y)
                            }
                        }
                    }

                    var slowLookup: SlowLookup {
                        SlowLookup(_ref: _ref)
                    }
                    /// Asks `slowLookup(key:)`.
                    struct SlowLookup: Sendable {
                        let _ref: TroupeCore.ActorRef<Counter>
                        @discardableResult
                        func callAsFunction(key: String) async throws -> String {
                            try await _ref.ask(.slowLookup(key: key), returning: String.self)
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Counter>) async throws {
                    switch message {
                        case .increment(let p0):
                            reply.succeed(self.increment(by: p0))
                        case .current:
                            reply.succeed(self.current())
                        case .fetch(let p0):
                            reply.succeed(try await self.fetch(id: p0, context: context))
                        case .reset:
                            self.reset()
                            reply.succeed(())
                        case .add(let p0, let p1):
                            reply.succeed(try self.add(p0, p1))
                        case .slowLookup(let p0):
                            reply.succeed(await self.slowLookup(key: p0))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Counter>) throws -> Bool {
                    switch message {
                        case .increment(let p0):
                            reply.succeed(self.increment(by: p0))
                            return true
                        case .current:
                            reply.succeed(self.current())
                            return true
                        case .reset:
                            self.reset()
                            reply.succeed(())
                            return true
                        case .add(let p0, let p1):
                            reply.succeed(try self.add(p0, p1))
                            return true
                        case .fetch, .slowLookup:
                            return false
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    switch message {
                        case .slowLookup:
                            return true
                        default:
                            return false
                    }
                }
            }
            """
        )
    }

    @Test func publicTypePropagatesAccess() {
        assertTroupeExpansion(
            """
            @Actor
            public struct Greeter {
                @Handler public func greet(name: String) -> String { "Hello, \\(name)" }
            }
            """,
            expandedSource: """
            public struct Greeter {
                public func greet(name: String) -> String { "Hello, \\(name)" }
            }

            extension Greeter: TroupeCore.ActorBehavior {
                /// The messages `Greeter` handles: one case per `@Handler`.
                public enum Message: Sendable {
                    case greet(name: String)
                }

                /// The name `Greeter`'s messages go by on the wire; their remote type id is derived from it.
                public static var messageTypeName: String {
                    "Greeter.Message"
                }

                /// The typed handler methods of `ActorRef<Greeter>`: calling `ref.greet(...)` asks the actor and returns its reply.
                public struct Handlers: TroupeCore.ActorHandlers {
                    public let _ref: TroupeCore.ActorRef<Greeter>
                    public init(ref: TroupeCore.ActorRef<Greeter>) {
                        self._ref = ref
                    }

                    public var greet: Greet {
                        Greet(_ref: _ref)
                    }
                    /// Asks `greet(name:)`.
                    public struct Greet: Sendable {
                        public let _ref: TroupeCore.ActorRef<Greeter>
                        @discardableResult
                        public func callAsFunction(name: String) async throws -> String {
                            try await _ref.ask(.greet(name: name)) { actor, context in
                                actor.greet(name: name)
                            }
                        }
                    }
                }

                public mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Greeter>) async throws {
                    switch message {
                        case .greet(let p0):
                            reply.succeed(self.greet(name: p0))
                    }
                }

                public mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Greeter>) throws -> Bool {
                    switch message {
                        case .greet(let p0):
                            reply.succeed(self.greet(name: p0))
                            return true
                    }
                }

                public static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func packageTypePropagatesAccess() {
        assertTroupeExpansion(
            """
            @Actor
            package enum Light {
                case on, off
                @Handler mutating func toggle() { self = self == .on ? .off : .on }
            }
            """,
            expandedSource: """
            package enum Light {
                case on, off
                mutating func toggle() { self = self == .on ? .off : .on }
            }

            extension Light: TroupeCore.ActorBehavior {
                /// The messages `Light` handles: one case per `@Handler`.
                package enum Message: Sendable {
                    case toggle
                }

                /// The name `Light`'s messages go by on the wire; their remote type id is derived from it.
                package static var messageTypeName: String {
                    "Light.Message"
                }

                /// The typed handler methods of `ActorRef<Light>`: calling `ref.toggle(...)` asks the actor and returns its reply.
                package struct Handlers: TroupeCore.ActorHandlers {
                    package let _ref: TroupeCore.ActorRef<Light>
                    package init(ref: TroupeCore.ActorRef<Light>) {
                        self._ref = ref
                    }

                    package var toggle: Toggle {
                        Toggle(_ref: _ref)
                    }
                    /// Asks `toggle()`.
                    package struct Toggle: Sendable {
                        package let _ref: TroupeCore.ActorRef<Light>
                        package func callAsFunction() async throws {
                            try await _ref.ask(.toggle) { actor, context in
                                actor.toggle()
                            }
                        }
                    }
                }

                package mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Light>) async throws {
                    switch message {
                        case .toggle:
                            self.toggle()
                            reply.succeed(())
                    }
                }

                package mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Light>) throws -> Bool {
                    switch message {
                        case .toggle:
                            self.toggle()
                            reply.succeed(())
                            return true
                    }
                }

                package static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func finalClassIsNotMutating() {
        assertTroupeExpansion(
            """
            @Actor
            final class Logger {
                var lines: [String] = []
                @Handler func log(_ line: String) { lines.append(line) }
            }
            """,
            expandedSource: """
            final class Logger {
                var lines: [String] = []
                func log(_ line: String) { lines.append(line) }
            }

            extension Logger: TroupeCore.ActorBehavior {
                /// The messages `Logger` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case log(String)
                }

                /// The name `Logger`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Logger.Message"
                }

                /// The typed handler methods of `ActorRef<Logger>`: calling `ref.log(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Logger>
                    init(ref: TroupeCore.ActorRef<Logger>) {
                        self._ref = ref
                    }

                    var log: Log {
                        Log(_ref: _ref)
                    }
                    /// Asks `log(_:)`.
                    struct Log: Sendable {
                        let _ref: TroupeCore.ActorRef<Logger>
                        func callAsFunction(_ line: String) async throws {
                            try await _ref.ask(.log(line)) { actor, context in
                                actor.log(line)
                            }
                        }
                    }
                }

                func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Logger>) async throws {
                    switch message {
                        case .log(let p0):
                            self.log(p0)
                            reply.succeed(())
                    }
                }

                func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Logger>) throws -> Bool {
                    switch message {
                        case .log(let p0):
                            self.log(p0)
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

    @Test func allAsyncHandlers() {
        assertTroupeExpansion(
            """
            @Actor
            struct Fetcher {
                @Handler func fetch(url: String) async throws -> [UInt8] { [] }
                @Handler func warmUp() async {}
            }
            """,
            expandedSource: """
            struct Fetcher {
                func fetch(url: String) async throws -> [UInt8] { [] }
                func warmUp() async {}
            }

            extension Fetcher: TroupeCore.ActorBehavior {
                /// The messages `Fetcher` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case fetch(url: String)
                    case warmUp
                }

                /// The name `Fetcher`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Fetcher.Message"
                }

                /// The typed handler methods of `ActorRef<Fetcher>`: calling `ref.fetch(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Fetcher>
                    init(ref: TroupeCore.ActorRef<Fetcher>) {
                        self._ref = ref
                    }

                    var fetch: Fetch {
                        Fetch(_ref: _ref)
                    }
                    /// Asks `fetch(url:)`.
                    struct Fetch: Sendable {
                        let _ref: TroupeCore.ActorRef<Fetcher>
                        @discardableResult
                        func callAsFunction(url: String) async throws -> [UInt8] {
                            try await _ref.ask(.fetch(url: url), returning: [UInt8].self)
                        }
                    }

                    var warmUp: WarmUp {
                        WarmUp(_ref: _ref)
                    }
                    /// Asks `warmUp()`.
                    struct WarmUp: Sendable {
                        let _ref: TroupeCore.ActorRef<Fetcher>
                        func callAsFunction() async throws {
                            try await _ref.ask(.warmUp, returning: Void.self)
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Fetcher>) async throws {
                    switch message {
                        case .fetch(let p0):
                            reply.succeed(try await self.fetch(url: p0))
                        case .warmUp:
                            await self.warmUp()
                            reply.succeed(())
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Fetcher>) throws -> Bool {
                    return false
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """
        )
    }

    @Test func zeroHandlers() {
        assertTroupeExpansion(
            """
            @Actor
            struct Idle {
                var state = 0
            }
            """,
            expandedSource: """
            struct Idle {
                var state = 0
            }

            extension Idle: TroupeCore.ActorBehavior {
                /// The messages `Idle` handles: one case per `@Handler`.
                enum Message: Sendable {
                }

                /// The name `Idle`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Idle.Message"
                }

                /// The typed handler methods of `ActorRef<Idle>` (`Idle` has no `@Handler`s yet).
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Idle>
                    init(ref: TroupeCore.ActorRef<Idle>) {
                        self._ref = ref
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Idle>) async throws {
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Idle>) throws -> Bool {
                }

                static func isReentrant(_ message: Message) -> Bool {
                }
            }
            """
        )
    }

    @Test func defaultParameterValues() {
        assertTroupeExpansion(
            """
            @Actor
            struct Store {
                @Handler func load(key: String, fallback: Int = 0, _ retries: Int = 3) -> Int { fallback }
            }
            """,
            expandedSource: """
            struct Store {
                func load(key: String, fallback: Int = 0, _ retries: Int = 3) -> Int { fallback }
            }

            extension Store: TroupeCore.ActorBehavior {
                /// The messages `Store` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case load(key: String, fallback: Int, Int)
                }

                /// The name `Store`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Store.Message"
                }

                /// The typed handler methods of `ActorRef<Store>`: calling `ref.load(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Store>
                    init(ref: TroupeCore.ActorRef<Store>) {
                        self._ref = ref
                    }

                    var load: Load {
                        Load(_ref: _ref)
                    }
                    /// Asks `load(key:fallback:_:)`.
                    struct Load: Sendable {
                        let _ref: TroupeCore.ActorRef<Store>
                        @discardableResult
                        func callAsFunction(key: String, fallback: Int = 0, _ retries: Int = 3) async throws -> Int {
                            try await _ref.ask(.load(key: key, fallback: fallback, retries)) { actor, context in
                                actor.load(key: key, fallback: fallback, retries)
                            }
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Store>) async throws {
                    switch message {
                        case .load(let p0, let p1, let p2):
                            reply.succeed(self.load(key: p0, fallback: p1, p2))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Store>) throws -> Bool {
                    switch message {
                        case .load(let p0, let p1, let p2):
                            reply.succeed(self.load(key: p0, fallback: p1, p2))
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

    @Test func contextParameter() {
        assertTroupeExpansion(
            """
            @Actor
            struct Spawner {
                @Handler func spawn(_ ctx: TroupeCore.ActorContext<Spawner>, count: Int) -> Int { count }
                @Handler func label(of context: ActorContext<Spawner>) async -> String { "" }
            }
            """,
            expandedSource: """
            struct Spawner {
                func spawn(_ ctx: TroupeCore.ActorContext<Spawner>, count: Int) -> Int { count }
                func label(of context: ActorContext<Spawner>) async -> String { "" }
            }

            extension Spawner: TroupeCore.ActorBehavior {
                /// The messages `Spawner` handles: one case per `@Handler`.
                enum Message: Sendable {
                    case spawn(count: Int)
                    case label
                }

                /// The name `Spawner`'s messages go by on the wire; their remote type id is derived from it.
                static var messageTypeName: String {
                    "Spawner.Message"
                }

                /// The typed handler methods of `ActorRef<Spawner>`: calling `ref.spawn(...)` asks the actor and returns its reply.
                struct Handlers: TroupeCore.ActorHandlers {
                    let _ref: TroupeCore.ActorRef<Spawner>
                    init(ref: TroupeCore.ActorRef<Spawner>) {
                        self._ref = ref
                    }

                    var spawn: Spawn {
                        Spawn(_ref: _ref)
                    }
                    /// Asks `spawn(_:count:)`.
                    struct Spawn: Sendable {
                        let _ref: TroupeCore.ActorRef<Spawner>
                        @discardableResult
                        func callAsFunction(count: Int) async throws -> Int {
                            try await _ref.ask(.spawn(count: count)) { actor, context in
                                actor.spawn(context, count: count)
                            }
                        }
                    }

                    var label: Label {
                        Label(_ref: _ref)
                    }
                    /// Asks `label(of:)`.
                    struct Label: Sendable {
                        let _ref: TroupeCore.ActorRef<Spawner>
                        @discardableResult
                        func callAsFunction() async throws -> String {
                            try await _ref.ask(.label, returning: String.self)
                        }
                    }
                }

                mutating func receive(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Spawner>) async throws {
                    switch message {
                        case .spawn(let p0):
                            reply.succeed(self.spawn(context, count: p0))
                        case .label:
                            reply.succeed(await self.label(of: context))
                    }
                }

                mutating func receiveSynchronously(_ message: Message, reply: TroupeCore.ReplyHandle, context: TroupeCore.ActorContext<Spawner>) throws -> Bool {
                    switch message {
                        case .spawn(let p0):
                            reply.succeed(self.spawn(context, count: p0))
                            return true
                        case .label:
                            return false
                    }
                }

                static func isReentrant(_ message: Message) -> Bool {
                    false
                }
            }
            """,
            diagnostics: []
        )
    }

}
