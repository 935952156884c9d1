/// The trace context carried with an envelope: a small, ordered list of key/value strings, such
/// as the W3C `traceparent` and `tracestate` headers.
///
/// Order is kept (it is a list, not a dictionary), so an envelope encodes to the same bytes every
/// time. Keys may repeat; ``subscript(_:)`` returns the first match.
public struct TraceContext: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// One key/value pair.
    public struct Entry: Hashable, Sendable {
        /// The key, for example `traceparent`.
        public var key: String
        /// The value.
        public var value: String

        /// Creates an entry.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The W3C Trace Context header that identifies the trace and the parent span.
    public static let traceparentKey = "traceparent"

    /// The entries, in order.
    public var entries: [Entry]

    /// Creates a context from `entries` (none by default).
    public init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    /// Creates a context holding only a W3C `traceparent` value
    /// (`00-<trace-id>-<parent-id>-<flags>`; not validated here).
    public init(traceparent: String) {
        self.entries = [Entry(key: TraceContext.traceparentKey, value: traceparent)]
    }

    /// Creates a context from a literal, keeping the order written.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.entries = elements.map { Entry(key: $0.0, value: $0.1) }
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value of the first entry with `key`, if any.
    public subscript(key: String) -> String? {
        entries.first { $0.key == key }?.value
    }

    /// The W3C `traceparent` value, if present.
    public var traceparent: String? { self[TraceContext.traceparentKey] }
}
