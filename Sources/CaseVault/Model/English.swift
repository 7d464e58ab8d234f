/// The small bits of English grammar the messages need.
public enum English {
    /// `noun` with its indefinite article: "an e-mail address", "an auditor", "a phone number".
    ///
    /// The rule is by the first letter, which is right for every noun the messages use (the
    /// vocabulary's words, roles, the kinds of identifying detail); "u" takes "a" ("a unit").
    public static func withArticle(_ noun: String) -> String {
        guard let first = noun.lowercased().first else { return noun }
        return ("aeio".contains(first) ? "an " : "a ") + noun
    }

    /// "x", "x and y", "x, y and z".
    public static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// "1 case", "2 cases": `count` with `singular`, or `plural` (default `singular` + "s").
    public static func count(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
    }
}
