//! The runtime of generated command-line front ends (feature `cli`).
//!
//! Generated code (codegen's `cli` option) lists, per operation, a
//! subcommand and its arguments by name, type and help text; everything
//! else is here: parsers that read a value the way the wire does
//! ([`XmlValue::from_xml_text`]) or from JSON, taking the parsed values back
//! out, rendering a response as JSON or a table, wording errors, and keeping
//! secrets out of all of it.

use std::fmt;
use std::io::Read;

use serde::de::DeserializeOwned;
use serde::Serialize;

pub use clap::{Arg, ArgAction, ArgMatches, Command};
pub use serde_json::Value as Json;
/// The crates generated code and tools build on, for crates that do not
/// depend on them directly.
pub use {clap, serde_json};

use super::error::{Error, Redactor};
use super::xml::XmlValue;

/// Exit statuses of a command-line tool built on this module.
pub mod exit {
    /// The call succeeded.
    pub const SUCCESS: u8 = 0;
    /// The call failed: a SOAP fault, or an HTTP, timeout, transport or
    /// decoding error.
    pub const FAILED: u8 = 1;
    /// The command line was wrong (clap's own status for usage errors).
    pub const USAGE: u8 = 2;
}

/// How often an argument is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once.
    Required,
    /// At most once.
    Optional,
    /// Any number of times, one value each.
    Many,
}

/// A subcommand for an operation: the first sentence of its documentation
/// as the short help, all of it (and the operation's wire name) as the long.
pub fn operation_command(
    name: &'static str,
    operation: &'static str,
    doc: &'static str,
) -> Command {
    let about = first_sentence(doc).unwrap_or(operation);
    let long_about = if doc.is_empty() {
        format!("Operation `{operation}`.")
    } else {
        format!("{doc}\n\nOperation `{operation}`.")
    };
    Command::new(name)
        .about(about.to_owned())
        .long_about(long_about)
}

fn first_sentence(doc: &str) -> Option<&str> {
    let doc = doc.trim();
    if doc.is_empty() {
        return None;
    }
    Some(match doc.find(". ") {
        Some(end) => &doc[..=end],
        None => doc,
    })
}

fn with_occurs(arg: Arg, occurs: Occurs, help: &str) -> Arg {
    let (arg, help) = match occurs {
        Occurs::Required => (arg.required(true).action(ArgAction::Set), help.to_owned()),
        Occurs::Optional => (arg.action(ArgAction::Set), help.to_owned()),
        Occurs::Many => {
            let help = if help.is_empty() {
                "Repeatable.".to_owned()
            } else {
                format!("{help} Repeatable.")
            };
            (arg.action(ArgAction::Append), help)
        }
    };
    if help.is_empty() {
        arg
    } else {
        arg.help(help)
    }
}

/// `--id <VALUE_NAME>`, a simple value parsed as the wire parses it, so an
/// XSD built-in or enumeration reads the same from the command line as from
/// a response. A bad value is a usage error naming the argument and what
/// was expected.
pub fn text_arg<T: XmlValue + Clone + Send + Sync + 'static>(
    id: &'static str,
    occurs: Occurs,
    value_name: &'static str,
    help: &'static str,
) -> Arg {
    let parse =
        |text: &str| T::from_xml_text(text).map_err(|expected| format!("expected {expected}"));
    let arg = Arg::new(id)
        .long(id)
        .value_name(value_name)
        // `--offset -1` is a value, not an unknown option.
        .allow_negative_numbers(true)
        .value_parser(parse);
    with_occurs(arg, occurs, help)
}

/// `--id <JSON|@FILE>`, a structured value as JSON, given inline, or as
/// `@path` to read it from a file (`@-`: standard input).
pub fn json_arg<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    id: &'static str,
    occurs: Occurs,
    help: &'static str,
) -> Arg {
    let arg = Arg::new(id)
        .long(id)
        .value_name("JSON|@FILE")
        .value_parser(parse_json::<T>);
    with_occurs(arg, occurs, help)
}

fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let read;
    let json = match text.strip_prefix('@') {
        Some("-") => {
            let mut buffer = String::new();
            std::io::stdin()
                .read_to_string(&mut buffer)
                .map_err(|e| format!("reading standard input: {e}"))?;
            read = buffer;
            &read
        }
        Some(path) => {
            read = std::fs::read_to_string(path).map_err(|e| format!("reading {path}: {e}"))?;
            &read
        }
        None => text,
    };
    serde_json::from_str(json).map_err(|e| format!("not the JSON expected here: {e}"))
}

/// Taking a parsed value back out failed.
#[derive(Debug, thiserror::Error)]
pub enum ArgError {
    #[error("the required argument --{0} was not given")]
    Missing(String),
    /// The generated code asked for another type than its parser produces.
    #[error("argument --{id} does not hold the type asked for (a generator bug): {message}")]
    Type { id: String, message: String },
}

fn type_error(id: &str, error: clap::parser::MatchesError) -> ArgError {
    ArgError::Type {
        id: id.to_owned(),
        message: error.to_string(),
    }
}

/// The value of a required argument.
pub fn one<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Result<T, ArgError> {
    optional(matches, id)?.ok_or_else(|| ArgError::Missing(id.to_owned()))
}

/// The value of an optional argument, if given.
pub fn optional<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<T>, ArgError> {
    matches
        .try_get_one::<T>(id)
        .map(|value| value.cloned())
        .map_err(|e| type_error(id, e))
}

/// Every value of a repeatable argument, in the order given.
pub fn many<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Vec<T>, ArgError> {
    Ok(optional_many(matches, id)?.unwrap_or_default())
}

/// Every value of a repeatable argument, `None` when it was not given.
pub fn optional_many<T: Clone + Send + Sync + 'static>(
    matches: &ArgMatches,
    id: &str,
) -> Result<Option<Vec<T>>, ArgError> {
    matches
        .try_get_many::<T>(id)
        .map(|values| values.map(|values| values.cloned().collect()))
        .map_err(|e| type_error(id, e))
}

/// Why running a subcommand failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError<F> {
    /// The call failed: a fault, or an HTTP, timeout, transport or decoding
    /// error (boxed: it is large, and this error is returned often).
    #[error(transparent)]
    Call(Box<Error<F>>),
    #[error(transparent)]
    Argument(#[from] ArgError),
    #[error("there is no subcommand {0}")]
    UnknownCommand(String),
    #[error("the response cannot be shown as JSON: {0}")]
    Output(#[from] serde_json::Error),
}

impl<F> From<Error<F>> for CliError<F> {
    fn from(error: Error<F>) -> Self {
        CliError::Call(Box::new(error))
    }
}

impl<F> CliError<F> {
    /// The exit status for this error ([`exit`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Call(_) | CliError::Output(_) => exit::FAILED,
            CliError::Argument(_) | CliError::UnknownCommand(_) => exit::USAGE,
        }
    }
}

/// A call's result as JSON (`null` for an operation that returns nothing).
pub fn response<T: Serialize, F>(result: Result<T, Error<F>>) -> Result<Json, CliError<F>> {
    Ok(serde_json::to_value(result?)?)
}

/// Keeps secrets out of what a tool prints: the values of sensitive members
/// (by JSON key, such as `password`) and any occurrence of a secret the
/// tool was given (in any form the runtime looks for).
#[derive(Clone, Default)]
pub struct Redaction {
    keys: Vec<String>,
    secrets: Redactor,
}

impl fmt::Debug for Redaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redaction")
            .field("keys", &self.keys)
            .field("secrets", &"[redacted]")
            .finish()
    }
}

const REDACTED: &str = "[redacted]";

impl Redaction {
    /// Redacts the values of members with these keys.
    pub fn new(sensitive_keys: &[&str]) -> Self {
        Redaction {
            keys: sensitive_keys.iter().map(|k| (*k).to_owned()).collect(),
            secrets: Redactor::default(),
        }
    }

    /// Also replaces every occurrence of `secret`.
    pub fn secret(&mut self, secret: &str) {
        self.secrets.add(secret);
    }

    /// A text with every secret replaced.
    pub fn text(&self, text: &str) -> String {
        self.secrets.apply(text)
    }

    /// Replaces sensitive members' values and secrets inside strings.
    pub fn json(&self, value: &mut Json) {
        match value {
            Json::Object(members) => {
                for (key, member) in members.iter_mut() {
                    if self.keys.iter().any(|k| k == key) && !member.is_null() {
                        *member = Json::String(REDACTED.to_owned());
                    } else {
                        self.json(member);
                    }
                }
            }
            Json::Array(items) => items.iter_mut().for_each(|item| self.json(item)),
            Json::String(text) => *text = self.secrets.apply(text),
            Json::Null | Json::Bool(_) | Json::Number(_) => {}
        }
    }
}

/// How a tool shows a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Pretty-printed JSON, members in schema order.
    #[default]
    Json,
    /// Tables of field paths and values; arrays of records as rows.
    Table,
}

/// A response as the tool prints it, redacted, ending with a newline.
pub fn render(value: &Json, format: OutputFormat, redaction: &Redaction) -> String {
    let mut value = value.clone();
    redaction.json(&mut value);
    let mut text = match format {
        // Serializing a `Value` cannot fail; `Display` is its compact form.
        OutputFormat::Json => {
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
        }
        OutputFormat::Table => table(&value),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    redaction.text(&text)
}

/// The text of a leaf value.
fn leaf_text(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Array(items) if items.is_empty() => "[]".to_owned(),
        Json::Object(members) if members.is_empty() => "{}".to_owned(),
        other => other.to_string(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Flattens `value` into (path, text) cells. With `tables`, an array of
/// objects is set apart (with its path) to become a table of its own;
/// without, its items are flattened with their index (`jobs[0].name`).
fn flatten<'v>(
    value: &'v Json,
    path: String,
    cells: &mut Vec<(String, String)>,
    mut tables: Option<&mut Vec<(String, &'v [Json])>>,
) {
    match value {
        Json::Object(members) if !members.is_empty() => {
            for (key, member) in members {
                flatten(member, join(&path, key), cells, tables.as_deref_mut());
            }
        }
        Json::Array(items) if !items.is_empty() => {
            if let Some(tables) = tables.as_deref_mut() {
                if items.iter().all(Json::is_object) {
                    tables.push((path, items));
                    return;
                }
            }
            for (i, item) in items.iter().enumerate() {
                flatten(item, format!("{path}[{i}]"), cells, tables.as_deref_mut());
            }
        }
        leaf => cells.push((
            if path.is_empty() {
                "value".to_owned()
            } else {
                path
            },
            leaf_text(leaf),
        )),
    }
}

fn new_table() -> comfy_table::Table {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::ASCII_MARKDOWN);
    table
}

/// A readable, deterministic rendering: the response's scalar fields as
/// `field | value` rows (nested fields as dotted paths), then each array of
/// records as a table with one row per record and one column per field
/// path (in order of first appearance).
pub fn table(value: &Json) -> String {
    if value.as_object().is_some_and(|members| members.is_empty()) {
        return "(no content)\n".to_owned();
    }
    let mut cells = Vec::new();
    let mut tables = Vec::new();
    flatten(value, String::new(), &mut cells, Some(&mut tables));
    let mut sections = Vec::new();
    if !cells.is_empty() {
        let mut table = new_table();
        table.set_header(["field", "value"]);
        for (path, text) in cells {
            table.add_row([path, text]);
        }
        sections.push(table.to_string());
    }
    for (path, items) in tables {
        let rows: Vec<Vec<(String, String)>> = items
            .iter()
            .map(|item| {
                let mut cells = Vec::new();
                flatten(item, String::new(), &mut cells, None);
                cells
            })
            .collect();
        let mut columns: Vec<&str> = Vec::new();
        for (column, _) in rows.iter().flatten() {
            if !columns.contains(&column.as_str()) {
                columns.push(column);
            }
        }
        let mut table = new_table();
        table.set_header(columns.iter().copied());
        for row in &rows {
            table.add_row(columns.iter().map(|column| {
                row.iter()
                    .find(|(path, _)| path == column)
                    .map(|(_, text)| text.as_str())
                    .unwrap_or("")
            }));
        }
        let noun = if rows.len() == 1 { "row" } else { "rows" };
        let title = if path.is_empty() {
            format!("{} {noun}", rows.len())
        } else {
            format!("{path}: {} {noun}", rows.len())
        };
        sections.push(format!("{title}\n{table}"));
    }
    if sections.is_empty() {
        return "(no content)\n".to_owned();
    }
    sections.join("\n\n") + "\n"
}

/// What a tool prints on standard error for a failed call: the SOAP fault's
/// code and reason and its detail as JSON (or as received, when it matches
/// no declared fault), else the error's description. Redacted.
pub fn describe_error<F: Serialize>(error: &CliError<F>, redaction: &Redaction) -> String {
    let mut lines = vec![format!("error: {error}")];
    if let CliError::Call(call) = error {
        if let Some(detail) = call.fault() {
            if let Ok(mut detail) = serde_json::to_value(detail) {
                redaction.json(&mut detail);
                lines.push(format!("fault detail: {detail}"));
            }
        } else if let Some(fault) = call.soap_fault() {
            lines.extend(fault.detail.iter().map(|d| format!("fault detail: {d}")));
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    redaction.text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_flatten_paths_and_set_arrays_of_records_apart() {
        let value = json!({
            "totalRows": 2,
            "info": {"name": "a", "tags": ["x", "y"]},
            "jobs": [
                {"name": "one", "state": "Running"},
                {"name": "two", "limits": {"max": 5}}
            ]
        });
        let text = table(&value);
        // Paths, values and the record table are all there, in order.
        let positions: Vec<usize> = [
            "totalRows",
            "info.name",
            "info.tags[0]",
            "info.tags[1]",
            "jobs: 2 rows",
            "limits.max",
        ]
        .iter()
        .map(|needle| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing in\n{text}"))
        })
        .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        let record_rows: Vec<&str> = text
            .lines()
            .filter(|l| l.contains("one") || l.contains("two"))
            .collect();
        assert_eq!(record_rows.len(), 2, "{text}");
        assert!(record_rows[1].contains('5'), "{text}");
        assert_eq!(table(&value), text, "deterministic");
    }

    #[test]
    fn an_empty_response_says_so() {
        assert_eq!(table(&json!({})), "(no content)\n");
        assert_eq!(
            table(&Json::Null),
            "| field | value |\n|-------|-------|\n| value | null  |\n"
        );
    }

    #[test]
    fn redaction_hides_sensitive_members_and_secrets() {
        let mut redaction = Redaction::new(&["password"]);
        redaction.secret("s3cret");
        let value = json!({"user": "u", "password": "pw", "note": "was s3cret", "nested": [{"password": null}]});
        let out = render(&value, OutputFormat::Json, &redaction);
        assert!(!out.contains("pw\""), "{out}");
        assert!(!out.contains("s3cret"), "{out}");
        assert!(out.contains("\"password\": \"[redacted]\""), "{out}");
        assert!(
            out.contains("\"password\": null"),
            "nothing to hide in a null: {out}"
        );
        assert!(!format!("{redaction:?}").contains("s3cret"));
    }

    #[test]
    fn first_sentences_make_short_help() {
        assert_eq!(
            first_sentence("Starts a job. Then more."),
            Some("Starts a job.")
        );
        assert_eq!(first_sentence("v1.2 of it"), Some("v1.2 of it"));
        assert_eq!(first_sentence("  "), None);
    }
}
