//! Stage 1: files. Reads the entry WSDL and everything it reaches through
//! `wsdl:import`, `xs:import` and `xs:include`, each file once, into xmltree
//! documents, and lists the schemas to resolve with their effective target
//! namespace (a chameleon include takes its includer's).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use xml::common::Position;
use xml::reader::XmlEvent;
use xmltree::{Element, ParserConfig, XMLNode};

use crate::dom::{attr, children, display_name, is, ns, target_namespace};
use crate::error::{invalid, unsupported, Error};
use crate::model::{WSDL_NS, XSD_NS};

/// Deepest XML nesting accepted. xmltree builds its tree recursively, so
/// this bound is checked before xmltree sees the document.
pub(crate) const MAX_XML_DEPTH: usize = 512;

/// How [`load_with`](crate::load_with) treats what it reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Whether `http(s)://` import locations may be fetched. Fetching is not
    /// implemented, so `true` only changes the error: it says "not implemented"
    /// rather than "refused".
    pub allow_remote: bool,
    /// Largest file, the entry WSDL or any file it imports, that is read (in
    /// bytes). A larger file is refused with [`Error::TooLarge`] before it is
    /// read into memory. Defaults to [`LoadOptions::DEFAULT_MAX_FILE_BYTES`];
    /// `u64::MAX` lifts the limit.
    pub max_file_bytes: u64,
    /// Accept a DOCTYPE that cannot do anything: its internal subset holds
    /// only attribute-list, element and notation declarations and internal
    /// entities whose values reference nothing (no parameter-entity
    /// references, no `SYSTEM`/`PUBLIC` entities). An external DTD it names
    /// is never read. Off by default: every DOCTYPE is refused.
    pub inert_doctype: bool,
}

impl LoadOptions {
    /// The default [`max_file_bytes`](LoadOptions::max_file_bytes): 64 MiB,
    /// some thousand times the largest real-world WSDLs.
    pub const DEFAULT_MAX_FILE_BYTES: u64 = 64 << 20;
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            allow_remote: false,
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            inert_doctype: false,
        }
    }
}

/// One parsed file.
pub(crate) struct Document {
    /// The file as errors and [`crate::Definitions::files`] name it.
    pub file: String,
    /// Directory that relative locations in this file resolve against.
    dir: PathBuf,
    pub root: Element,
}

/// One `xs:schema` to resolve.
pub(crate) struct SchemaUnit {
    pub doc: usize,
    /// Indices into `children` (all nodes, not only elements) from the
    /// document root down to the `xs:schema` (empty when the schema is the
    /// root): O(1) a step, however many siblings a schema has.
    pub at: Vec<usize>,
    pub path: String,
    /// Effective target namespace.
    pub target_namespace: Option<String>,
    /// Included without a targetNamespace of its own: unqualified references
    /// in it take the includer's namespace.
    pub chameleon: bool,
}

pub(crate) struct Loaded {
    /// Every file read, in the order it was first reached (entry first).
    pub docs: Vec<Document>,
    /// Documents whose root is `wsdl:definitions`, entry first.
    pub wsdl_docs: Vec<usize>,
    pub schemas: Vec<SchemaUnit>,
}

impl Loaded {
    pub fn schema_element(&self, unit: &SchemaUnit) -> Result<&Element, Error> {
        schema_element(&self.docs, unit)
    }
}

fn schema_element<'d>(docs: &'d [Document], unit: &SchemaUnit) -> Result<&'d Element, Error> {
    let doc = &docs[unit.doc];
    let mut el = &doc.root;
    for &i in &unit.at {
        el = el
            .children
            .get(i)
            .and_then(XMLNode::as_element)
            .ok_or_else(|| {
                invalid(
                    "internal error: schema element not found",
                    &doc.file,
                    &unit.path,
                )
            })?;
    }
    Ok(el)
}

/// Positions in `el.children` of its element children, in order (the
/// order [`children`] lists them in).
fn element_positions(el: &Element) -> Vec<usize> {
    (el.children.iter().enumerate())
        .filter(|(_, node)| matches!(node, XMLNode::Element(_)))
        .map(|(i, _)| i)
        .collect()
}

enum Task {
    Wsdl(usize),
    Schema(usize),
}

/// What a document points at.
enum Reference {
    WsdlImport { namespace: Option<String> },
    XsImport { namespace: Option<String> },
    XsInclude { includer_tns: Option<String> },
}

struct Loader<'o> {
    options: &'o LoadOptions,
    docs: Vec<Document>,
    by_file: HashMap<PathBuf, usize>,
    wsdl_docs: Vec<usize>,
    schemas: Vec<SchemaUnit>,
    unit_keys: HashSet<(usize, Vec<usize>, Option<String>)>,
    queue: VecDeque<Task>,
    /// Documents parsed ahead of their turn (see [`Loader::prefetch`]), by
    /// canonical path.
    prefetched: HashMap<PathBuf, Element>,
}

pub(crate) fn load_files(entry: &Path, options: &LoadOptions) -> Result<Loaded, Error> {
    let mut loader = Loader {
        options,
        docs: Vec::new(),
        by_file: HashMap::new(),
        wsdl_docs: Vec::new(),
        schemas: Vec::new(),
        unit_keys: HashSet::new(),
        queue: VecDeque::new(),
        prefetched: HashMap::new(),
    };
    let doc = loader.read(entry, None)?;
    let root = &loader.docs[doc].root;
    if !is(root, WSDL_NS, "definitions") {
        return Err(Error::UnexpectedRoot {
            file: loader.docs[doc].file.clone(),
            found: display_name(root),
            expected: "wsdl:definitions",
            referred_from: None,
        });
    }
    loader.wsdl_docs.push(doc);
    loader.queue.push_back(Task::Wsdl(doc));
    while let Some(task) = loader.queue.pop_front() {
        match task {
            Task::Wsdl(doc) => loader.scan_wsdl(doc)?,
            Task::Schema(unit) => loader.scan_schema(unit)?,
        }
    }
    Ok(Loaded {
        docs: loader.docs,
        wsdl_docs: loader.wsdl_docs,
        schemas: loader.schemas,
    })
}

impl Loader<'_> {
    fn scan_wsdl(&mut self, doc: usize) -> Result<(), Error> {
        let d = &self.docs[doc];
        let mut refs = Vec::new();
        let mut inline = Vec::new();
        let root_nodes = element_positions(&d.root);
        for (i, child) in children(&d.root, "/definitions").into_iter().enumerate() {
            if is(child.el, WSDL_NS, "import") {
                let namespace = attr(child.el, "namespace").map(str::to_owned);
                let Some(location) = attr(child.el, "location") else {
                    return Err(invalid(
                        "wsdl:import without a location",
                        &d.file,
                        &child.path,
                    ));
                };
                refs.push((
                    location.to_owned(),
                    child.path,
                    Reference::WsdlImport { namespace },
                ));
            } else if is(child.el, WSDL_NS, "types") {
                let types_nodes = element_positions(child.el);
                for (j, s) in children(child.el, &child.path).into_iter().enumerate() {
                    if is(s.el, XSD_NS, "schema") {
                        let schema_tns = target_namespace(s.el).map(str::to_owned);
                        inline.push((vec![root_nodes[i], types_nodes[j]], s.path, schema_tns));
                    } else if !is(s.el, WSDL_NS, "documentation") {
                        return Err(unsupported(
                            format!(
                                "{} in wsdl:types (only xs:schema is read)",
                                display_name(s.el)
                            ),
                            &d.file,
                            &s.path,
                        ));
                    }
                }
            }
        }
        for (at, path, tns) in inline {
            self.add_unit(doc, at, path, tns, false);
        }
        self.prefetch(doc, &refs);
        for (location, path, reference) in refs {
            self.follow(doc, &location, &path, reference)?;
        }
        Ok(())
    }

    fn scan_schema(&mut self, unit: usize) -> Result<(), Error> {
        let u = &self.schemas[unit];
        let (doc, tns) = (u.doc, u.target_namespace.clone());
        let file = &self.docs[doc].file;
        let schema = schema_element(&self.docs, u)?;
        let mut refs = Vec::new();
        for child in children(schema, &self.schemas[unit].path) {
            if ns(child.el) != Some(XSD_NS) {
                continue;
            }
            let location = attr(child.el, "schemaLocation").map(str::to_owned);
            match child.el.name.as_str() {
                "import" => {
                    // Without a location the namespace must come from another
                    // schema already in the set; the resolver checks references.
                    if let Some(location) = location {
                        let namespace = attr(child.el, "namespace").map(str::to_owned);
                        refs.push((location, child.path, Reference::XsImport { namespace }));
                    }
                }
                "include" => {
                    let Some(location) = location else {
                        return Err(invalid(
                            "xs:include without a schemaLocation",
                            file,
                            &child.path,
                        ));
                    };
                    let includer_tns = tns.clone();
                    refs.push((location, child.path, Reference::XsInclude { includer_tns }));
                }
                "redefine" => return Err(unsupported("xs:redefine", file, &child.path)),
                _ => {}
            }
        }
        self.prefetch(doc, &refs);
        for (location, path, reference) in refs {
            self.follow(doc, &location, &path, reference)?;
        }
        Ok(())
    }

    fn add_unit(
        &mut self,
        doc: usize,
        at: Vec<usize>,
        path: String,
        tns: Option<String>,
        chameleon: bool,
    ) {
        // The same schema reached twice in the same namespace is read once;
        // a chameleon schema included into two namespaces is two units.
        if self.unit_keys.insert((doc, at.clone(), tns.clone())) {
            self.schemas.push(SchemaUnit {
                doc,
                at,
                path,
                target_namespace: tns,
                chameleon,
            });
            self.queue.push_back(Task::Schema(self.schemas.len() - 1));
        }
    }

    /// Reads what `location` (written in `from` at `from_path`) names and
    /// queues its work.
    fn follow(
        &mut self,
        from: usize,
        location: &str,
        from_path: &str,
        reference: Reference,
    ) -> Result<(), Error> {
        let from_file = self.docs[from].file.clone();
        let referred_from = format!("{from_file} at {from_path}");
        let target = self.local_path(location, from, from_path)?;
        let doc = self.read(&target, Some(&referred_from))?;
        let root = &self.docs[doc].root;
        let file = self.docs[doc].file.clone();
        let root_tns = target_namespace(root).map(str::to_owned);
        let is_wsdl = is(root, WSDL_NS, "definitions");
        let is_schema = is(root, XSD_NS, "schema");
        let unexpected = |expected| Error::UnexpectedRoot {
            file: file.clone(),
            found: display_name(root),
            expected,
            referred_from: Some(referred_from.clone()),
        };
        let mismatch = |expected: &Option<String>| {
            invalid(
                format!(
                    "expected namespace {} but {file} has targetNamespace {}",
                    expected.as_deref().unwrap_or("(none)"),
                    root_tns.as_deref().unwrap_or("(none)")
                ),
                &from_file,
                from_path,
            )
        };
        match reference {
            Reference::WsdlImport { namespace } => {
                if namespace.is_some() && namespace != root_tns {
                    return Err(mismatch(&namespace));
                }
                if is_wsdl {
                    if !self.wsdl_docs.contains(&doc) {
                        self.wsdl_docs.push(doc);
                        self.queue.push_back(Task::Wsdl(doc));
                    }
                } else if is_schema {
                    self.add_unit(doc, Vec::new(), "/schema".to_owned(), root_tns, false);
                } else {
                    return Err(unexpected("wsdl:definitions or xs:schema"));
                }
            }
            Reference::XsImport { namespace } => {
                if !is_schema {
                    return Err(unexpected("xs:schema"));
                }
                if namespace != root_tns {
                    return Err(mismatch(&namespace));
                }
                self.add_unit(doc, Vec::new(), "/schema".to_owned(), root_tns, false);
            }
            Reference::XsInclude { includer_tns } => {
                if !is_schema {
                    return Err(unexpected("xs:schema"));
                }
                match root_tns {
                    Some(_) if root_tns != includer_tns => return Err(mismatch(&includer_tns)),
                    Some(_) => {
                        self.add_unit(doc, Vec::new(), "/schema".to_owned(), root_tns, false)
                    }
                    None => {
                        let chameleon = includer_tns.is_some();
                        self.add_unit(
                            doc,
                            Vec::new(),
                            "/schema".to_owned(),
                            includer_tns,
                            chameleon,
                        )
                    }
                }
            }
        }
        Ok(())
    }

    /// Turns a `location` / `schemaLocation` value into a local path relative
    /// to the referring document's directory.
    fn local_path(&self, location: &str, from: usize, from_path: &str) -> Result<PathBuf, Error> {
        let file = &self.docs[from].file;
        let location = location.trim();
        let lower = location.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Err(Error::Remote {
                url: location.to_owned(),
                file: file.clone(),
                path: from_path.to_owned(),
                allow_remote: self.options.allow_remote,
            });
        }
        if let Some(scheme) = url_scheme(location) {
            return Err(unsupported(
                format!("location `{location}` (URL scheme `{scheme}:`; only relative or absolute file paths are read)"),
                file,
                from_path,
            ));
        }
        if location.contains(['#', '?']) {
            return Err(unsupported(
                format!("location `{location}` with a query or fragment"),
                file,
                from_path,
            ));
        }
        if location.is_empty() {
            return Err(invalid("empty location", file, from_path));
        }
        let decoded = percent_decode(location).ok_or_else(|| {
            invalid(
                format!("location `{location}` has a malformed %-escape"),
                file,
                from_path,
            )
        })?;
        Ok(normalize(&self.docs[from].dir.join(decoded)))
    }

    /// Parses the files `refs` name that are not read yet, several at a
    /// time on rayon's thread pool, so that following the references one by
    /// one finds them parsed. Only successes are kept: a file that fails
    /// here is read again in its turn, which reports the error exactly as a
    /// sequential load does (and in the same order).
    fn prefetch(&mut self, from: usize, refs: &[(String, String, Reference)]) {
        let mut targets: HashMap<PathBuf, String> = HashMap::new();
        for (location, path, _) in refs {
            let Ok(target) = self.local_path(location, from, path) else {
                continue;
            };
            let Ok(key) = std::fs::canonicalize(&target) else {
                continue;
            };
            if !self.by_file.contains_key(&key) && !self.prefetched.contains_key(&key) {
                targets
                    .entry(key)
                    .or_insert_with(|| target.display().to_string());
            }
        }
        // One file alone is parsed in its turn: there is nothing to overlap.
        if targets.len() < 2 {
            return;
        }
        let (limit, inert_doctype) = (self.options.max_file_bytes, self.options.inert_doctype);
        let parsed: Vec<(PathBuf, Element)> = targets
            .into_par_iter()
            .filter_map(|(key, file)| {
                let bytes = read_bounded(&key, limit).ok()?;
                let root = parse_xml_with(&bytes, &file, inert_doctype).ok()?;
                Some((key, root))
            })
            .collect();
        self.prefetched.extend(parsed);
    }

    /// Reads and parses a file once; later calls for the same file (by its
    /// canonical path) return the first document.
    fn read(&mut self, path: &Path, referred_from: Option<&str>) -> Result<usize, Error> {
        let file = path.display().to_string();
        let read_error = |source| Error::Read {
            file: file.clone(),
            referred_from: referred_from.map(str::to_owned),
            source,
        };
        let key = std::fs::canonicalize(path).map_err(read_error)?;
        if let Some(&doc) = self.by_file.get(&key) {
            return Ok(doc);
        }
        let root = match self.prefetched.remove(&key) {
            Some(root) => root,
            None => {
                let limit = self.options.max_file_bytes;
                let bytes = read_bounded(&key, limit).map_err(|e| match e {
                    ReadFailure::Io(source) => read_error(source),
                    ReadFailure::TooLarge(size) => Error::TooLarge {
                        file: file.clone(),
                        referred_from: referred_from.map(str::to_owned),
                        size,
                        limit,
                    },
                })?;
                parse_xml_with(&bytes, &file, self.options.inert_doctype)?
            }
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        self.docs.push(Document { file, dir, root });
        self.by_file.insert(key, self.docs.len() - 1);
        Ok(self.docs.len() - 1)
    }
}

enum ReadFailure {
    Io(std::io::Error),
    /// Over the limit; the size when the file system knew it up front.
    TooLarge(Option<u64>),
}

/// Reads a regular file of at most `limit` bytes. Devices, FIFOs and sockets
/// are refused before they are opened (`/dev/zero` never ends, a FIFO blocks),
/// and a file that grows past the limit while it is read is cut off.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadFailure> {
    use std::io::{Error as IoError, ErrorKind, Read};
    let check = |meta: &std::fs::Metadata| {
        if meta.is_dir() {
            Err(ReadFailure::Io(IoError::new(
                ErrorKind::InvalidInput,
                "it is a directory, not a file",
            )))
        } else if !meta.is_file() {
            Err(ReadFailure::Io(IoError::new(
                ErrorKind::InvalidInput,
                "not a regular file (a device, FIFO or socket is never read)",
            )))
        } else if meta.len() > limit {
            Err(ReadFailure::TooLarge(Some(meta.len())))
        } else {
            Ok(meta.len())
        }
    };
    check(&std::fs::metadata(path).map_err(ReadFailure::Io)?)?;
    let file = std::fs::File::open(path).map_err(ReadFailure::Io)?;
    // Checked again on the open handle: the path may have been swapped.
    let len = check(&file.metadata().map_err(ReadFailure::Io)?)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0).saturating_add(1));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadFailure::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadFailure::TooLarge(None));
    }
    Ok(bytes)
}

/// Parses a document into an xmltree element in one streaming pass over
/// xml-rs events. The tree is built with an explicit stack, never by
/// recursion; a DOCTYPE is refused as soon as it is seen (before any entity
/// could be expanded) and nesting deeper than [`MAX_XML_DEPTH`] is refused
/// (later stages walk the tree recursively).
#[cfg(test)]
pub(crate) fn parse_xml(bytes: &[u8], file: &str) -> Result<Element, Error> {
    parse_xml_with(bytes, file, false)
}

/// [`parse_xml`], accepting an inert DOCTYPE when `inert_doctype` is set
/// (see [`LoadOptions::inert_doctype`]).
pub(crate) fn parse_xml_with(
    bytes: &[u8],
    file: &str,
    inert_doctype: bool,
) -> Result<Element, Error> {
    // Text outgrows the file only by re-encoding (at most 2x: Latin-1 to
    // UTF-8) or by entity expansion (an accepted DOCTYPE's internal
    // entities: 1,000 references to a 100 KB entity are 100 MB). One text,
    // one attribute value or all of them together beyond that is refused.
    let text_budget = bytes.len().saturating_mul(2).saturating_add(4096);
    let config = ParserConfig::new()
        .allow_multiple_root_elements(false)
        .max_data_length(text_budget)
        .max_attribute_length(text_budget);
    let mut reader = config.create_reader(bytes);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    let mut text_total = 0usize;
    let over_budget = |reader: &xml::EventReader<&[u8]>, total: usize| {
        (total > text_budget).then(|| {
            let pos = reader.position();
            Error::Xml {
                file: file.to_owned(),
                line: pos.row + 1,
                column: pos.column + 1,
                message: format!(
                    "the text expands to more than {text_budget} bytes, twice the file's size \
                     (entity references?)"
                ),
            }
        })
    };
    let at = |reader: &xml::EventReader<&[u8]>, message: String| {
        let pos = reader.position();
        Error::Xml {
            file: file.to_owned(),
            line: pos.row + 1,
            column: pos.column + 1,
            message,
        }
    };
    loop {
        let event = reader.next().map_err(|e| xml_error(&e, bytes, file))?;
        match event {
            XmlEvent::StartElement {
                name,
                attributes,
                namespace,
            } => {
                if stack.len() >= MAX_XML_DEPTH {
                    let outer: Vec<&str> = stack.iter().take(3).map(|e| e.name.as_str()).collect();
                    return Err(at(
                        &reader,
                        format!(
                            "elements nested deeper than {MAX_XML_DEPTH} levels (inside /{}/...)",
                            outer.join("/")
                        ),
                    ));
                }
                let mut el = Element::new(&name.local_name);
                el.prefix = name.prefix;
                el.namespace = name.namespace;
                if !namespace.is_essentially_empty() {
                    el.namespaces = Some(namespace);
                }
                for a in attributes {
                    text_total = text_total.saturating_add(a.value.len());
                    el.attributes.insert(a.name.local_name, a.value);
                }
                if let Some(e) = over_budget(&reader, text_total) {
                    return Err(e);
                }
                stack.push(el);
            }
            XmlEvent::EndElement { .. } => {
                let Some(el) = stack.pop() else {
                    return Err(at(&reader, "end tag without a start tag".to_owned()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(XMLNode::Element(el)),
                    None if root.is_none() => root = Some(el),
                    None => return Err(at(&reader, "a second root element".to_owned())),
                }
            }
            XmlEvent::Characters(text) => {
                text_total = text_total.saturating_add(text.len());
                if let Some(e) = over_budget(&reader, text_total) {
                    return Err(e);
                }
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(XMLNode::Text(trimmed(text)));
                }
            }
            XmlEvent::CData(text) => {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(XMLNode::CData(trimmed(text)));
                }
            }
            XmlEvent::ProcessingInstruction { name, data } => {
                if let Some(parent) = stack.last_mut() {
                    parent
                        .children
                        .push(XMLNode::ProcessingInstruction(name, data));
                }
            }
            XmlEvent::Doctype { syntax } if inert_doctype && is_inert_doctype(&syntax) => {}
            XmlEvent::Doctype { .. } => {
                let pos = reader.position();
                return Err(Error::Doctype {
                    file: file.to_owned(),
                    line: pos.row + 1,
                    column: pos.column + 1,
                });
            }
            XmlEvent::EndDocument => break,
            XmlEvent::StartDocument { .. } | XmlEvent::Whitespace(_) | XmlEvent::Comment(_) => {}
        }
    }
    root.ok_or_else(|| at(&reader, "no root element".to_owned()))
}

/// True for a DOCTYPE whose internal subset declares nothing that could
/// expand or fetch anything (see [`LoadOptions::inert_doctype`]).
fn is_inert_doctype(syntax: &str) -> bool {
    let subset = match (syntax.find('['), syntax.rfind(']')) {
        (Some(open), Some(close)) if open < close => &syntax[open + 1..close],
        (None, None) => return true,
        _ => return false,
    };
    let mut rest = subset.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            let Some(end) = after.find("-->") else {
                return false;
            };
            rest = after[end + 3..].trim_start();
            continue;
        }
        let Some(after) = rest.strip_prefix("<!") else {
            // A parameter-entity reference or anything else: not inert.
            return false;
        };
        // The declaration runs to the first `>` outside quotes.
        let mut quote = None;
        let mut end = None;
        for (i, c) in after.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let Some(end) = end else {
            return false;
        };
        let decl = &after[..end];
        let keyword: String = decl
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        match keyword.as_str() {
            "ATTLIST" | "ELEMENT" | "NOTATION" => {}
            "ENTITY" => {
                if decl.contains("SYSTEM") || decl.contains("PUBLIC") || decl.contains("NDATA") {
                    return false;
                }
                // The value (between quotes) must reference nothing.
                let value = decl
                    .find(['"', '\''])
                    .map(|start| &decl[start + 1..])
                    .unwrap_or("");
                if value.contains(['&', '%']) {
                    return false;
                }
            }
            _ => return false,
        }
        rest = after[end + 1..].trim_start();
    }
    true
}

/// Gives back the spare capacity of a large text: xml-rs grows it by
/// doubling, which can leave a huge text node holding almost twice its size.
fn trimmed(mut text: String) -> String {
    if text.capacity() > 64 * 1024 && text.capacity() - text.len() > text.len() / 8 {
        text.shrink_to_fit();
    }
    text
}

/// An xml-rs error as [`Error::Xml`]. Decoding errors come from xml-rs
/// without a position, so it is found here from the bytes.
fn xml_error(e: &xml::reader::Error, bytes: &[u8], file: &str) -> Error {
    use xml::reader::ErrorKind;
    let pos = e.position();
    let mut line_column = (pos.row + 1, pos.column + 1);
    let message = match e.kind() {
        ErrorKind::Syntax(m) if m.contains("than allowed by the parser's configuration") => {
            format!(
                "{m}: a text or attribute value longer than twice the file (entity \
                 references?), more than 65536 attributes on one element, or a name \
                 longer than 256 KiB"
            )
        }
        ErrorKind::Syntax(m) => m.to_string(),
        ErrorKind::UnexpectedEof => "unexpected end of file".to_owned(),
        ErrorKind::Utf8(u) => match std::str::from_utf8(bytes) {
            Err(bad) => {
                let at = bad.valid_up_to();
                line_column = line_and_column(bytes, at);
                format!(
                    "invalid UTF-8 (byte 0x{:02X}); the document is read as UTF-8, \
                     so fix the bytes or declare the real encoding in <?xml encoding=...?>",
                    bytes[at]
                )
            }
            Ok(_) => u.to_string(),
        },
        ErrorKind::Io(io) => {
            // The only I/O on a byte slice is decoding (e.g. a non-ASCII
            // byte in a document declared US-ASCII).
            if let Some(at) = bytes.iter().position(|b| !b.is_ascii()) {
                if pos.row == 0 && pos.column == 0 && io.kind() == std::io::ErrorKind::InvalidData {
                    line_column = line_and_column(bytes, at);
                    return Error::Xml {
                        file: file.to_owned(),
                        line: line_column.0,
                        column: line_column.1,
                        message: format!(
                            "{io} (byte 0x{:02X}); declare the document's real encoding",
                            bytes[at]
                        ),
                    };
                }
            }
            io.to_string()
        }
        other => format!("{other:?}"),
    };
    Error::Xml {
        file: file.to_owned(),
        line: line_column.0,
        column: line_column.1,
        message,
    }
}

/// 1-based line and column (in characters) of byte offset `at`, which must
/// follow only valid UTF-8.
fn line_and_column(bytes: &[u8], at: usize) -> (u64, u64) {
    let before = &bytes[..at];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u64
        + 1;
    (line, column)
}

/// The scheme of a URL-like location (`ftp` in `ftp://..`); a one-letter
/// "scheme" is a Windows drive letter, not a URL.
fn url_scheme(location: &str) -> Option<&str> {
    let (scheme, _) = location.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (scheme.len() > 1
        && first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Decodes `%XX` escapes (locations are URI references). `None` on a bad escape.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Lexically removes `.` and `name/..` so the same file reached by two
/// routes is named the same way in messages.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_drive_letters() {
        assert_eq!(url_scheme("ftp://x/y.xsd"), Some("ftp"));
        assert_eq!(url_scheme("urn:x"), Some("urn"));
        assert_eq!(url_scheme("C:\\x.xsd"), None);
        assert_eq!(url_scheme("types/a.xsd"), None);
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b.xsd").as_deref(), Some("a b.xsd"));
        assert_eq!(percent_decode("a%2").as_deref(), None);
        assert_eq!(percent_decode("a%+5.xsd").as_deref(), None);
        assert_eq!(percent_decode("a%\u{e9}").as_deref(), None);
        assert_eq!(percent_decode("plain.xsd").as_deref(), Some("plain.xsd"));
    }

    #[test]
    fn paths_normalise() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.xsd")),
            PathBuf::from("a/c.xsd")
        );
        assert_eq!(
            normalize(Path::new("../x/../y.xsd")),
            PathBuf::from("../y.xsd")
        );
    }

    #[test]
    fn only_an_inert_doctype_is_accepted_on_request() {
        let inert = r#"<!DOCTYPE schema PUBLIC "-//W3C//DTD XMLSchema 200102//EN" "XMLSchema.dtd" [
    <!ATTLIST schema xmlns:ds CDATA #FIXED "http://www.w3.org/2000/09/xmldsig#">
    <!ENTITY dsig 'http://www.w3.org/2000/09/xmldsig#'>
    <!ENTITY % p ''>
    <!-- a comment -->
]>"#;
        assert!(is_inert_doctype(inert));
        assert!(is_inert_doctype("<!DOCTYPE a SYSTEM \"a.dtd\">"));
        for hostile in [
            "<!DOCTYPE a [<!ENTITY a \"x\"><!ENTITY b \"&a;&a;\">]>",
            "<!DOCTYPE a [<!ENTITY s SYSTEM \"file:///etc/passwd\">]>",
            "<!DOCTYPE a [<!ENTITY % r SYSTEM \"http://x/e.dtd\"> %r;]>",
            "<!DOCTYPE a [<!ENTITY % p \"<!ENTITY x 'y'>\"> %p;]>",
            "<!DOCTYPE a [<!ENTITY e \"%p;\">]>",
        ] {
            assert!(!is_inert_doctype(hostile), "{hostile}");
        }
        let doc = format!("<?xml version=\"1.0\"?>\n{inert}\n<schema/>");
        assert!(parse_xml(doc.as_bytes(), "f").is_err());
        assert!(parse_xml_with(doc.as_bytes(), "f", true).is_ok());
    }

    #[test]
    fn doctype_is_rejected_before_entities_expand() {
        let doc = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<a>&lol2;</a>"#;
        let err = parse_xml(doc, "bomb.xml").unwrap_err();
        assert!(matches!(err, Error::Doctype { line: 2, .. }), "{err}");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let doc = format!(
            "{}{}",
            "<a>".repeat(MAX_XML_DEPTH + 1),
            "</a>".repeat(MAX_XML_DEPTH + 1)
        );
        let err = parse_xml(doc.as_bytes(), "deep.xml").unwrap_err();
        assert!(err.to_string().contains("nested deeper"), "{err}");
    }

    #[test]
    fn namespaces_are_in_scope_on_every_element() {
        let root = parse_xml(br#"<a xmlns:p="urn:p"><b><c/></b></a>"#, "f").unwrap();
        let c = root.get_child("b").and_then(|b| b.get_child("c")).unwrap();
        assert_eq!(
            c.namespaces.as_ref().and_then(|m| m.get("p")),
            Some("urn:p")
        );
    }
}
