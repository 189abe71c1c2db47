//! Errors of loading and resolving. Every variant names the file and, where
//! there is one, the element path (`/definitions/types/schema[1]/element[@name='x']`)
//! so a user can find the offending spot without a debugger.

/// Why a WSDL could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read (missing, unreadable).
    #[error("cannot read {file}{}: {source}", referred(.referred_from))]
    Read {
        file: String,
        /// `"<file> at <path>"` of the import that named it; `None` for the entry file.
        referred_from: Option<String>,
        #[source]
        source: std::io::Error,
    },

    /// A file is larger than [`LoadOptions::max_file_bytes`](crate::LoadOptions::max_file_bytes).
    /// It is refused before it is read into memory.
    #[error(
        "{file}{}: the file is larger than the {limit}-byte limit{} \
         (raise LoadOptions::max_file_bytes to read it)",
        referred(.referred_from),
        size.map(|s| format!(" ({s} bytes)")).unwrap_or_default()
    )]
    TooLarge {
        file: String,
        /// `"<file> at <path>"` of the import that named it; `None` for the entry file.
        referred_from: Option<String>,
        /// The size, when it is known before reading (a regular file's length).
        size: Option<u64>,
        limit: u64,
    },

    /// The file is not well-formed XML. Line and column count from 1.
    #[error("{file}:{line}:{column}: XML is not well-formed: {message}")]
    Xml {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },

    /// DTDs are refused: WSDL never needs them and entity declarations are an
    /// expansion-bomb and file-disclosure risk.
    #[error(
        "{file}:{line}:{column}: DOCTYPE declarations are not accepted \
         (DTDs and entity declarations are refused; remove the DOCTYPE)"
    )]
    Doctype {
        file: String,
        line: u64,
        column: u64,
    },

    /// Nesting (of XML, types or element references) deeper than the loader follows.
    #[error("{file}: at {path}: nesting deeper than {limit} levels")]
    TooDeep {
        file: String,
        path: String,
        limit: usize,
    },

    /// An `http(s)://` import location: only local files are read.
    #[error(
        "{file}: at {path}: remote location {url} is not fetched{}",
        if *.allow_remote {
            " (remote fetching is not implemented)"
        } else {
            "; only local files are read (download it and use a relative path)"
        }
    )]
    Remote {
        url: String,
        file: String,
        path: String,
        allow_remote: bool,
    },

    /// The entry document's root is not `wsdl:definitions` (or an imported
    /// document is neither WSDL nor XML Schema where one was expected).
    #[error("{file}: the root element is {found}, expected {expected}{}", referred(.referred_from))]
    UnexpectedRoot {
        file: String,
        found: String,
        expected: &'static str,
        referred_from: Option<String>,
    },

    /// A construct this loader does not handle yet.
    #[error("{file}: at {path}: {construct} is not supported")]
    Unsupported {
        construct: String,
        file: String,
        path: String,
    },

    /// A QName whose prefix has no namespace declaration in scope.
    #[error("{file}: at {path}: unknown namespace prefix `{prefix}` in `{value}`")]
    UnknownPrefix {
        prefix: String,
        value: String,
        file: String,
        path: String,
    },

    /// A reference to something that is not defined.
    #[error("{file}: at {path}: unresolved {kind} reference {name}{}", note_suffix(.note))]
    Unresolved {
        /// What was looked for: `element`, `type`, `message`, `port type`, ...
        kind: &'static str,
        /// The name in `{namespace}local` form.
        name: String,
        file: String,
        path: String,
        /// Extra context, e.g. "not an XML Schema built-in type".
        note: Option<String>,
    },

    /// The same QName defined twice.
    #[error("{file}: at {path}: {kind} {name} is defined twice (first at {first})")]
    Duplicate {
        kind: &'static str,
        name: String,
        file: String,
        path: String,
        /// `"<file>: <path>"` of the first definition.
        first: String,
    },

    /// A binding operation that its port type does not declare.
    #[error(
        "{file}: at {path}: binding {binding} binds operation `{operation}`, \
         which port type {port_type} does not declare"
    )]
    UnknownOperation {
        binding: String,
        operation: String,
        port_type: String,
        file: String,
        path: String,
    },

    /// Anything else the documents get wrong (a missing required attribute,
    /// a malformed number, contradicting attributes).
    #[error("{file}: at {path}: {message}")]
    Invalid {
        message: String,
        file: String,
        path: String,
    },
}

fn referred(from: &Option<String>) -> String {
    match from {
        Some(r) => format!(" (referred to from {r})"),
        None => String::new(),
    }
}

fn note_suffix(note: &Option<String>) -> String {
    match note {
        Some(n) => format!(": {n}"),
        None => String::new(),
    }
}

/// Builds `Error::Invalid`; most checks need exactly this.
pub(crate) fn invalid(message: impl Into<String>, file: &str, path: &str) -> Error {
    Error::Invalid {
        message: message.into(),
        file: file.to_owned(),
        path: path.to_owned(),
    }
}

pub(crate) fn unsupported(construct: impl Into<String>, file: &str, path: &str) -> Error {
    Error::Unsupported {
        construct: construct.into(),
        file: file.to_owned(),
        path: path.to_owned(),
    }
}
