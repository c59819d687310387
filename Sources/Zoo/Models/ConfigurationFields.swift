import Foundation

/// A zoo configuration as users see it: one flat JSON object of fields.
///
/// A configuration may hold *field groups*, structs of settings that several
/// models share (the ResNet-like head's widths, WILLOW's classifier), so each
/// is declared and documented once. Users still name every field by itself
/// (`{"innerSize": 512}`, not `{"head": {"innerSize": 512}}`): the fields of
/// a group are lifted to the top level here, overrides apply to that flat
/// object, and the groups are put back before decoding. `--config`,
/// `yt8m zoo --show` and the overrides stored in checkpoints are therefore
/// the same flat keys whether a field sits in a group or not.
struct ConfigurationFields {
    /// The flat object: top-level fields and every group's fields.
    private(set) var fields: [String: Any]
    /// Each group's name and the names of its fields.
    private let groups: [(name: String, fields: [String])]

    /// The fields of `configuration` (a field whose JSON is an object is a group).
    init<C: Encodable>(_ configuration: C) throws {
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(configuration)) as? [String: Any] ?? [:]
        var fields: [String: Any] = [:], groups: [(String, [String])] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            guard let group = value as? [String: Any] else { fields[key] = value; continue }
            for (field, v) in group {
                // Two groups, or a group and a field, sharing a name would make a flat key ambiguous.
                precondition(object[field] == nil && fields[field] == nil,
                             "\(C.self): field '\(field)' of group '\(key)' is also a field elsewhere")
                fields[field] = v
            }
            groups.append((key, group.keys.sorted()))
        }
        self.fields = fields
        self.groups = groups
    }

    /// Whether the flat object has a field named `key`.
    func has(_ key: String) -> Bool { fields[key] != nil }

    /// Replaces the value of the flat field `key`.
    mutating func set(_ key: String, to value: Any) { fields[key] = value }

    /// Field names, sorted.
    var names: [String] { fields.keys.sorted() }

    /// The configuration the flat fields describe, groups rebuilt.
    func decode<C: Decodable>(_ type: C.Type) throws -> C {
        try JSONDecoder().decode(C.self, from: JSONSerialization.data(withJSONObject: nested))
    }

    /// The flat object as JSON with sorted keys (what `yt8m zoo --show` prints).
    func json() throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    private var nested: [String: Any] {
        var object = fields
        for group in groups {
            var values: [String: Any] = [:]
            for field in group.fields { values[field] = object.removeValue(forKey: field) }
            object[group.name] = values
        }
        return object
    }
}
