/// Makes a struct, enum or `final class` the behaviour of a Troupe actor.
///
/// Mark the methods that handle messages with ``Handler(reentrant:)``; `@Actor` generates everything else in one
/// extension: the conformance to `ActorBehavior`, a `Message` enum with one case per handler, a `Handlers` type
/// that gives `ActorRef<Self>` one typed method per handler, and the `receive`, `receiveSynchronously` and
/// `isReentrant` functions the runtime dispatches messages with.
///
/// ```swift
/// import Troupe
///
/// @Actor
/// struct Counter {
///     var count = 0
///
///     @Handler mutating func increment(by amount: Int) -> Int {
///         count += amount
///         return count
///     }
///
///     @Handler func current() -> Int { count }
/// }
///
/// // Elsewhere, with `counter: ActorRef<Counter>`:
/// let total = try await counter.increment(by: 5)
/// ```
///
/// Rules the macro checks (each violation is a compile-time error):
/// - The type is a `struct`, an `enum` or a `final class` (not a protocol, an `actor`, or a non-final class).
/// - The type does not itself declare members named `Message`, `Handlers`, `receive`, `receiveSynchronously`,
///   `isReentrant` or `messageTypeName`.
/// - Handlers have distinct base names (overloads are not supported) and are not named like an `ActorRef` member
///   (`tell`, `send`, `ask`, `stop`, `path`, `name`, `id`, `system`, `isLocal`, `termination`, `description`,
///   `hash`, `hashValue`), which would shadow them.
/// - Handlers are declared directly in the type's body: not in an extension and not inside `#if`.
///
/// `messageTypeName` is the name the actor's messages go by between nodes (remoting derives their type id from
/// it): the declared name, `"Counter.Message"`, the same in every build and on every machine. Give another with
/// `@Actor(wireName: "shop.Counter")` (a plain string literal), to keep the id when the type is renamed or to tell
/// apart two actors of the same name in different modules.
///
/// `@Actor(codable: true)` makes `Message` `Codable` for remoting (every handler's arguments must be `Codable`;
/// the compiler checks). Each message is written as one unkeyed container, its case's tag (a hash of the
/// handler's name and labels) then its values: several times cheaper to encode and decode than the conformance
/// Swift synthesizes for `extension Counter.Message: Codable {}`, which works too. Both ends of a connection must
/// use the same form.
@attached(
    extension,
    conformances: ActorBehavior,
    names: named(Message), named(Handlers), named(receive), named(receiveSynchronously), named(isReentrant),
    named(messageTypeName)
)
public macro Actor(wireName: String? = nil, codable: Bool = false) = #externalMacro(module: "TroupeMacros", type: "ActorMacro")

/// Marks a method of an ``Actor(wireName:codable:)`` type as a message handler: callers reach it through the actor's reference, as
/// `try await ref.name(arguments)`, which sends a message and returns the handler's result.
///
/// A handler may be `mutating`, `async` and/or `throws` (typed throws included). Its parameters travel in the
/// message, so they should be `Sendable`; default values carry over to the reference's method. A parameter of
/// type `ActorContext<Self>` is not part of the message: the runtime passes the actor's context in its place.
///
/// ```swift
/// @Handler func fetch(id: String, context: ActorContext<Cache>) async throws -> String { ... }
/// // Called as: try await cache.fetch(id: "a")
/// ```
///
/// A handler cannot be `static`, generic, or take `inout` or variadic parameters, and no parameter may be
/// named `_ref`.
///
/// - Parameter reentrant: When `true`, the handler may run concurrently with messages that arrive after it (on a
///   snapshot of the state) instead of blocking the actor while it awaits. A reentrant handler cannot be
///   `mutating`; send a message to `self` to change state.
@attached(peer)
public macro Handler(reentrant: Bool = false) = #externalMacro(module: "TroupeMacros", type: "HandlerMacro")
