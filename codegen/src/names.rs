//! The one naming layer: XML names to Rust identifiers.
//!
//! Every identifier the generator emits comes from here, so keyword
//! escaping, case conversion and collision handling happen in one place.

use std::collections::BTreeSet;

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (all editions) and names that would shadow what generated
/// code relies on.
const RESERVED: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
    // Prelude and std names a generated type must not hide.
    "Option", "Some", "None", "Result", "Ok", "Err", "Vec", "String", "Box", "Default",
];

fn sanitize(ident: String, fallback: &str) -> String {
    let mut ident: String = ident
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ident.is_empty() || ident.chars().all(|c| c == '_') {
        ident = fallback.to_owned();
    }
    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(
            0,
            if fallback.starts_with(char::is_uppercase) {
                'N'
            } else {
                'n'
            },
        );
    }
    if RESERVED.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

/// `executeJobParam` -> `ExecuteJobParam`.
pub fn type_name(xml: &str) -> String {
    sanitize(xml.to_upper_camel_case(), "Type")
}

/// `companyHandle` -> `company_handle`; `type` -> `type_`.
pub fn field_name(xml: &str) -> String {
    sanitize(xml.to_snake_case(), "value")
}

/// `executeJob` -> `execute-job`: the name of a generated command-line
/// subcommand or `--argument`. Lower-case words joined by single hyphens.
pub fn command_name(xml: &str) -> String {
    let mut name = String::new();
    for c in xml.to_kebab_case().chars() {
        let c = if c.is_alphanumeric() { c } else { '-' };
        if c != '-' || !(name.is_empty() || name.ends_with('-')) {
            name.push(c);
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "value".to_owned()
    } else {
        name.to_owned()
    }
}

/// An upper-camel suffix that tells namespaces apart, from the last
/// meaningful segment of the URI (`.../xsd/2014-04-03` -> `V20140403`).
pub fn namespace_suffix(namespace: Option<&str>) -> String {
    let Some(ns) = namespace else {
        return "NoNamespace".to_owned();
    };
    let segment = ns
        .trim_end_matches(['/', '#'])
        .rsplit(['/', ':', '#'])
        .find(|s| !s.is_empty())
        .unwrap_or(ns);
    let camel = segment.to_upper_camel_case();
    let camel: String = camel.chars().filter(char::is_ascii_alphanumeric).collect();
    if camel.is_empty() {
        "Ns".to_owned()
    } else if camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

/// Hands out identifiers unique within one scope (a module or a struct).
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// Reserves `wanted`, or the first of `wanted + alternative`,
    /// `wanted2`, `wanted3`... that is free. Callers ask in a sorted order,
    /// so the outcome is stable for the same input.
    pub fn claim(&mut self, wanted: &str, alternative: Option<&str>) -> String {
        if self.taken.insert(wanted.to_owned()) {
            return wanted.to_owned();
        }
        if let Some(alt) = alternative {
            let candidate = format!("{wanted}{alt}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        let separator = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{wanted}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_else(|| wanted.to_owned())
    }

    /// Marks a name as used without asking for it.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(type_name("executeJobParam"), "ExecuteJobParam");
        assert_eq!(field_name("companyHandle"), "company_handle");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(type_name("Option"), "Option_");
        assert_eq!(field_name("3d"), "n3d");
        assert_eq!(type_name("2dArray"), "N2dArray");
        assert_eq!(field_name("x-y.z"), "x_y_z");
        assert_eq!(command_name("executeJob"), "execute-job");
        assert_eq!(command_name("getAssetsByName"), "get-assets-by-name");
        assert_eq!(command_name("URL"), "url");
        assert_eq!(command_name("x.y__z"), "x-y-z");
        assert_eq!(command_name("--"), "value");
    }

    #[test]
    fn namespace_suffixes() {
        assert_eq!(
            namespace_suffix(Some("http://www.scene7.com/IpsApi/xsd/2014-04-03")),
            "V20140403"
        );
        assert_eq!(
            namespace_suffix(Some("http://www.scene7.com/IpsApi/xsd")),
            "Xsd"
        );
        assert_eq!(namespace_suffix(Some("urn:a:b")), "B");
        assert_eq!(namespace_suffix(None), "NoNamespace");
    }

    #[test]
    fn scope_resolves_collisions_stably() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("AuthHeader", Some("Xsd")), "AuthHeader");
        assert_eq!(scope.claim("AuthHeader", Some("Xsd")), "AuthHeaderXsd");
        assert_eq!(scope.claim("AuthHeader", Some("Xsd")), "AuthHeader2");
        assert_eq!(scope.claim("V1", None), "V1");
        assert_eq!(scope.claim("V1", None), "V1_2");
    }
}
