import SwiftSyntax

/// Recognises Troupe's attributes (`@Actor`, `@Handler`) by name, whether written plainly or qualified as
/// `@Troupe.Actor` / `@Troupe.Handler`.
enum MacroAttribute {
    /// The module whose qualified spelling (`@Troupe.Handler`) is accepted.
    static let moduleName = "Troupe"

    /// Whether `attribute` spells the macro `name` (e.g. "Handler"), plainly or module-qualified.
    static func matches(_ attribute: AttributeSyntax, name: String) -> Bool {
        let type = attribute.attributeName
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return identifier.name.text == name
        }
        if let member = type.as(MemberTypeSyntax.self),
            let base = member.baseType.as(IdentifierTypeSyntax.self)
        {
            return base.name.text == moduleName && member.name.text == name
        }
        return false
    }

    /// The first attribute in `attributes` that spells the macro `name`, if any.
    static func find(_ name: String, in attributes: AttributeListSyntax) -> AttributeSyntax? {
        for element in attributes {
            if case .attribute(let attribute) = element, matches(attribute, name: name) {
                return attribute
            }
        }
        return nil
    }
}
