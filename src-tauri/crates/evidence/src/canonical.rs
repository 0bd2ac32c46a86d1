//! Canonical JSON: the same value always gives the same bytes, whatever the order its maps
//! were built in, so a signature over the bytes can be checked by anyone who reads them.

/// Writes a JSON value canonically: object keys sorted by their UTF-16 code units (as
/// RFC 8785 does; identical to byte order for the ASCII keys we write), no insignificant
/// whitespace, strings escaped minimally. The same value always gives the same bytes,
/// whatever the order its maps were built in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).expect("a string serialises"));
                out.push(':');
                write_canonical(&map[*key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).expect("a value serialises")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_drops_whitespace() {
        let a = json!({"b": 1, "a": {"z": [1, {"y": "é", "x": null}], "c": "\"q\""}});
        let text = canonical_json(&a);
        assert_eq!(text, r#"{"a":{"c":"\"q\"","z":[1,{"x":null,"y":"é"}]},"b":1}"#);
        let reordered: serde_json::Value =
            serde_json::from_str(r#"{ "a" : { "z":[1,{"y":"é","x":null}], "c":"\"q\"" }, "b":1 }"#).unwrap();
        assert_eq!(canonical_json(&reordered), text);
    }
}
