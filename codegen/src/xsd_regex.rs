//! Translates XSD `pattern` facets (XML Schema regular expressions) into
//! the syntax of the `regex-syntax` crate, which the runtime's sample
//! values are generated from.
//!
//! XSD patterns match the whole value (no anchors exist: `^` and `$` are
//! plain characters), know the multi-character escapes `\i`, `\c` (XML name
//! characters) and Unicode blocks (`\p{IsBasicLatin}`), and subtract
//! classes with `[a-z-[aeiou]]`; `regex-syntax` knows none of these, and
//! gives `&&`, `--`, `~~` and `#` meanings XSD does not. The translation
//! keeps the language: every string the result matches, the XSD pattern
//! matches too (`\i` and `\c` are narrowed to their Unicode-category core).

/// The XSD multi-character escapes, as class items (for use inside `[...]`).
fn class_items(escape: char) -> Option<&'static str> {
    Some(match escape {
        's' => r"\x20\t\n\r",
        'd' => r"\p{Nd}",
        'w' => r"\p{L}\p{M}\p{N}\p{S}",
        'i' => r"\p{L}_:",
        'c' => r"\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-\x{B7}",
        'W' => r"\p{P}\p{Z}\p{C}",
        'D' => r"\P{Nd}",
        _ => return None,
    })
}

/// A multi-character escape as a class usable anywhere: `[items]`, or
/// `[^items]` for the negated escapes (`\S`, `\I`, `\C`).
fn escape_class(escape: char) -> Option<String> {
    if let Some(items) = class_items(escape) {
        return Some(format!("[{items}]"));
    }
    let positive = class_items(escape.to_ascii_lowercase())?;
    matches!(escape, 'S' | 'I' | 'C').then(|| format!("[^{positive}]"))
}

/// `\p{...}` / `\P{...}` with a category or block name, in `regex-syntax` form.
fn property(name: &str, negated: bool) -> Result<String, String> {
    let p = if negated { 'P' } else { 'p' };
    if let Some(block) = name.strip_prefix("Is") {
        let range = match block {
            "BasicLatin" => r"\x00-\x7F",
            "Latin-1Supplement" => r"\x{80}-\x{FF}",
            "LatinExtended-A" => r"\x{100}-\x{17F}",
            "LatinExtended-B" => r"\x{180}-\x{24F}",
            "GreekandCoptic" | "Greek" => r"\x{370}-\x{3FF}",
            "Cyrillic" => r"\x{400}-\x{4FF}",
            _ => return Err(format!("Unicode block escape \\{p}{{{name}}}")),
        };
        return Ok(if negated {
            format!("[^{range}]")
        } else {
            format!("[{range}]")
        });
    }
    let valid = name.len() <= 2
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphabetic());
    if valid {
        Ok(format!("\\{p}{{{name}}}"))
    } else {
        Err(format!("property escape \\{p}{{{name}}}"))
    }
}

/// Translates one XSD pattern; the error names the construct that has no
/// translation.
pub fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    // Open character classes: how many, and whether the current one has
    // just been opened (a `^` there negates, a `-` there is literal).
    let mut depth = 0usize;
    let mut at_class_start = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let class_start = std::mem::take(&mut at_class_start);
        match c {
            '\\' => {
                let next = *chars
                    .get(i + 1)
                    .ok_or_else(|| "a trailing backslash".to_owned())?;
                i += 2;
                match next {
                    'p' | 'P' => {
                        if chars.get(i) != Some(&'{') {
                            return Err(format!("\\{next} without {{name}}"));
                        }
                        let end = chars[i..]
                            .iter()
                            .position(|&c| c == '}')
                            .ok_or_else(|| format!("an unterminated \\{next}{{"))?;
                        let name: String = chars[i + 1..i + end].iter().collect();
                        i += end + 1;
                        let translated = property(&name, next == 'P')?;
                        // A bracketed block range nests fine inside a class.
                        out.push_str(&translated);
                    }
                    'n' | 'r' | 't' => {
                        out.push('\\');
                        out.push(next);
                    }
                    '\\' | '|' | '.' | '-' | '^' | '?' | '*' | '+' | '{' | '}' | '(' | ')'
                    | '[' | ']' => {
                        out.push('\\');
                        out.push(next);
                    }
                    escape => {
                        let class = if depth > 0 {
                            match class_items(escape) {
                                Some(items) => Some(items.to_owned()),
                                // Negated escapes nest as a class of their own.
                                None => escape_class(escape),
                            }
                            .ok_or_else(|| format!("escape \\{escape}"))?
                        } else {
                            escape_class(escape).ok_or_else(|| format!("escape \\{escape}"))?
                        };
                        out.push_str(&class);
                    }
                }
                continue;
            }
            '[' if depth == 0 => {
                depth = 1;
                at_class_start = true;
                out.push('[');
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '-' if depth > 0 && chars.get(i + 1) == Some(&'[') => {
                // Class subtraction: [base-[sub]].
                out.push_str("--[");
                depth += 1;
                at_class_start = true;
                i += 1;
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '[' => return Err("'[' inside a character class (escape it as \\[)".to_owned()),
            ']' if depth > 0 => {
                depth -= 1;
                out.push(']');
            }
            '-' if depth > 0 && (class_start || chars.get(i + 1) == Some(&']')) => {
                out.push_str(r"\-");
            }
            // Set operators and specials of regex-syntax, literal in XSD.
            '&' | '~' | '#' | ' ' if depth > 0 => {
                out.push('\\');
                out.push(c);
            }
            '^' | '$' | '#' | ' ' | '&' | '~' if depth == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' if depth == 0 => out.push_str(r"[^\n\r]"),
            '(' if depth == 0 => out.push_str("(?:"),
            other => out.push(other),
        }
        i += 1;
    }
    if depth > 0 {
        return Err("an unterminated character class".to_owned());
    }
    regex_syntax::Parser::new()
        .parse(&out)
        .map_err(|e| format!("its translation `{out}` does not parse: {e}"))?;
    Ok(out)
}

/// Several patterns of one restriction step: a value matches any of them.
pub fn translate_all(patterns: &[String]) -> Result<String, String> {
    let translated = patterns
        .iter()
        .map(|p| translate(p))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(match translated.as_slice() {
        [one] => one.clone(),
        many => many
            .iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_patterns_pass_through() {
        assert_eq!(translate("[a-zA-Z0-9]{18}").unwrap(), "[a-zA-Z0-9]{18}");
        assert_eq!(translate("[ -~]{8,63}").unwrap(), r"[\ -\~]{8,63}");
        assert_eq!(
            translate(r"\d{3}-\d{4}").unwrap(),
            r"[\p{Nd}]{3}-[\p{Nd}]{4}"
        );
    }

    #[test]
    fn xsd_specifics_are_translated() {
        // Anchors are literal characters in XSD.
        assert_eq!(translate("^a$").unwrap(), r"\^a\$");
        assert_eq!(translate("a.b").unwrap(), r"a[^\n\r]b");
        assert_eq!(translate("(ab)+").unwrap(), "(?:ab)+");
        assert_eq!(
            translate(r"[\i-[:]][\c-[:]]*").unwrap(),
            r"[\p{L}_:--[:]][\p{L}\p{Nd}\p{Mn}\p{Mc}._:\-\x{B7}--[:]]*"
        );
        assert_eq!(translate(r"\S+").unwrap(), r"[^\x20\t\n\r]+");
        assert_eq!(translate(r"[\S-]").unwrap(), r"[[^\x20\t\n\r]\-]");
        assert_eq!(translate(r"\p{IsBasicLatin}*").unwrap(), r"[\x00-\x7F]*");
        assert_eq!(translate("[a&&b]").unwrap(), r"[a\&\&b]");
        assert_eq!(translate("[-a]").unwrap(), r"[\-a]");
        assert_eq!(translate("[^-a]").unwrap(), r"[^\-a]");
    }

    #[test]
    fn the_onvif_topic_expression_translates() {
        let pattern = r"([\i-[:]][\c-[:]]*:)?(//)?([\i-[:]][\c-[:]]*|\*)((/|//)(([\i-[:]][\c-[:]]*:)?[\i-[:]][\c-[:]]*|\*|[.]))*(\|([\i-[:]][\c-[:]]*:)?(//)?([\i-[:]][\c-[:]]*|\*)((/|//)(([\i-[:]][\c-[:]]*:)?[\i-[:]][\c-[:]]*|\*|[.]))*)*";
        assert!(translate(pattern).is_ok());
    }

    #[test]
    fn untranslatable_constructs_are_named() {
        assert!(translate(r"\p{IsArabic}").unwrap_err().contains("IsArabic"));
        assert!(translate("[a").unwrap_err().contains("unterminated"));
        assert!(translate("\\").unwrap_err().contains("backslash"));
        assert!(translate(r"\q").unwrap_err().contains(r"\q"));
    }

    #[test]
    fn alternatives_of_one_step_are_joined() {
        let joined = translate_all(&["a".to_owned(), "b+".to_owned()]).unwrap();
        assert_eq!(joined, "(?:a)|(?:b+)");
    }
}
