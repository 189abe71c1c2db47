//! The resolved model: plain data, no behaviour beyond small lookups.
//!
//! Every cross reference (a message's element, a binding's port type, an
//! element's type) is a [`QName`] that the loader has already checked to
//! exist, so later stages can index the maps without re-validating.

use std::collections::BTreeMap;
use std::fmt;

/// The XML Schema namespace; built-in types live here.
pub const XSD_NS: &str = "http://www.w3.org/2001/XMLSchema";
/// WSDL 1.1 namespace.
pub const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
/// WSDL 1.1 SOAP 1.1 binding extension namespace.
pub const WSDL_SOAP11_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding extension namespace.
pub const WSDL_SOAP12_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
/// SOAP 1.1 encoding namespace (`soapenc:Array`, `soapenc:arrayType`).
pub const SOAP_ENCODING_NS: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// A namespace-qualified name. `namespace` is `None` for names in no namespace
/// (unqualified local elements and attributes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QName {
    pub namespace: Option<String>,
    pub local: String,
}

impl QName {
    pub fn new(namespace: Option<&str>, local: &str) -> Self {
        QName {
            namespace: namespace.map(str::to_owned),
            local: local.to_owned(),
        }
    }

    /// True for a name in the XML Schema namespace (a built-in type).
    pub fn is_xsd(&self) -> bool {
        self.namespace.as_deref() == Some(XSD_NS)
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{{{ns}}}{}", self.local),
            None => f.write_str(&self.local),
        }
    }
}

/// Everything read from one WSDL entry point and all the files it imports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Definitions {
    /// The entry file's `targetNamespace`.
    pub target_namespace: Option<String>,
    /// `name` attribute of the entry file's `wsdl:definitions`.
    pub name: Option<String>,
    pub documentation: Option<String>,
    /// Every file read, in the order it was first reached (entry first).
    pub files: Vec<String>,
    pub services: Vec<Service>,
    pub bindings: BTreeMap<QName, Binding>,
    pub port_types: BTreeMap<QName, PortType>,
    pub messages: BTreeMap<QName, Message>,
    pub schema: Schema,
    /// Things the loader passed over on purpose (an HTTP-only binding, say),
    /// said out loud so nothing is dropped in silence.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: QName,
    pub documentation: Option<String>,
    pub ports: Vec<Port>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    pub name: String,
    pub binding: QName,
    /// `soap:address/@location` (or its SOAP 1.2 twin).
    pub address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Document,
    Rpc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Literal,
    Encoded,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub name: QName,
    pub port_type: QName,
    pub soap_version: SoapVersion,
    /// Default style from `soap:binding/@style` (document when absent).
    pub style: Style,
    pub transport: Option<String>,
    pub operations: Vec<BindingOperation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindingOperation {
    pub name: String,
    pub soap_action: Option<String>,
    /// The operation's own style, falling back to the binding's.
    pub style: Style,
    pub input: Option<BindingMessage>,
    pub output: Option<BindingMessage>,
    pub faults: Vec<BindingFault>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindingMessage {
    pub body: SoapBody,
    pub headers: Vec<SoapHeader>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SoapBody {
    /// `parts` attribute; `None` means all parts of the message.
    pub parts: Option<Vec<String>>,
    pub use_: Use,
    pub namespace: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SoapHeader {
    pub message: QName,
    pub part: String,
    pub use_: Use,
    /// `soap:headerfault`: header blocks that report an error in this header.
    pub faults: Vec<SoapHeaderFault>,
}

/// `soap:headerfault`: a header block a server may answer with when the
/// header it belongs to is in error.
#[derive(Debug, Clone, PartialEq)]
pub struct SoapHeaderFault {
    pub message: QName,
    pub part: String,
    pub use_: Use,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BindingFault {
    pub name: String,
    pub use_: Use,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortType {
    pub name: QName,
    pub documentation: Option<String>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: String,
    pub documentation: Option<String>,
    pub input: Option<OperationMessage>,
    pub output: Option<OperationMessage>,
    pub faults: Vec<OperationMessage>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OperationMessage {
    /// The `name` attribute (defaulted by WSDL rules when absent).
    pub name: Option<String>,
    pub message: QName,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub name: QName,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub name: String,
    pub kind: PartKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PartKind {
    /// `element="..."`: document style.
    Element(QName),
    /// `type="..."`: rpc style.
    Type(QName),
}

/// All schemas of all files, merged: names are already namespace-qualified.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schema {
    pub elements: BTreeMap<QName, ElementDecl>,
    pub types: BTreeMap<QName, TypeDef>,
}

/// A global (top-level) element declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementDecl {
    pub name: QName,
    pub ty: TypeRef,
    pub nillable: bool,
    pub documentation: Option<String>,
    /// `abstract="true"`: only members of its substitution group appear on the wire.
    pub abstract_: bool,
    /// `substitutionGroup`: the head element this one may stand in for.
    pub substitution_group: Option<QName>,
    /// Value constraints (`default=` / `fixed=`), kept as written.
    pub default: Option<String>,
    pub fixed: Option<String>,
}

/// How an element or attribute names its type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A named type: a built-in XSD type or one in [`Schema::types`].
    Named(QName),
    /// A type declared inline. It has no name of its own; the plan stage
    /// names it after the element that holds it.
    Anonymous(Box<TypeDef>),
    /// The anonymous type of the global element of this name: what an
    /// element reference inside that very type (a recursive structure) has.
    OfElement(QName),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeDef {
    Complex(ComplexType),
    Simple(SimpleType),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ComplexType {
    /// `None` for an anonymous type.
    pub name: Option<QName>,
    pub documentation: Option<String>,
    /// `abstract="true"`: only derived types appear on the wire.
    pub abstract_: bool,
    /// `mixed="true"`: character data may appear between the child elements.
    pub mixed: bool,
    /// `complexContent` / `simpleContent` derivation. `content` and
    /// `attributes` hold only what this type itself declares; the base's
    /// are not copied (for a complexContent restriction, `content` is the
    /// whole restricted content model, as XSD requires it to be written).
    pub derivation: Option<Derivation>,
    pub content: Content,
    pub attributes: Vec<Attribute>,
    /// `xs:anyAttribute`: attributes the schema leaves open are kept, not dropped.
    pub any_attribute: Option<Wildcard>,
}

/// How a complex type derives from its base.
#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    pub base: QName,
    pub method: DerivationMethod,
    /// Attributes of the base a restriction removes (`use="prohibited"`).
    pub prohibited_attributes: Vec<QName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DerivationMethod {
    Extension,
    Restriction,
}

/// The content model of a complex type.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// Child elements in a group (`sequence`, `all`, `choice`), possibly empty.
    Elements(ModelGroup),
    /// `simpleContent`: character data of a simple type (a built-in, a
    /// simple type, or a complex type with simple content whose value type
    /// it inherits), plus the type's attributes.
    Simple(TypeRef),
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelGroup {
    pub compositor: Compositor,
    pub particles: Vec<Particle>,
    /// The named `xs:group` this group was copied from by `ref=`.
    pub reference: Option<QName>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositor {
    Sequence,
    All,
    Choice,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    pub min_occurs: u32,
    /// `None` means `unbounded`.
    pub max_occurs: Option<u32>,
    pub term: Term,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Element(LocalElement),
    /// A nested `sequence`, `choice` or `all`, or a `group ref=` (inlined).
    Group(ModelGroup),
    /// `xs:any`: elements the schema leaves open.
    Any(Wildcard),
}

/// An element inside a content model: declared locally, or a `ref` to a
/// global declaration (then `name` and `ty` are copied from it and
/// `reference` says which).
#[derive(Debug, Clone, PartialEq)]
pub struct LocalElement {
    /// Wire name, with the namespace given by `form` / `elementFormDefault`.
    pub name: QName,
    pub ty: TypeRef,
    pub nillable: bool,
    pub documentation: Option<String>,
    pub reference: Option<QName>,
    /// Value constraints (`default=` / `fixed=`), kept as written.
    pub default: Option<String>,
    pub fixed: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    pub name: QName,
    pub ty: TypeRef,
    pub required: bool,
    pub default: Option<String>,
    pub fixed: Option<String>,
    pub documentation: Option<String>,
}

/// `xs:any` / `xs:anyAttribute`.
#[derive(Debug, Clone, PartialEq)]
pub struct Wildcard {
    /// The raw `namespace` constraint (`##any`, `##other`, a list...).
    pub namespace: String,
    /// The target namespace of the schema it appears in (what `##other`
    /// and `##targetNamespace` refer to).
    pub target_namespace: Option<String>,
    pub process_contents: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimpleType {
    pub name: Option<QName>,
    pub documentation: Option<String>,
    pub kind: SimpleKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SimpleKind {
    /// `xs:restriction base="..."` with its enumeration values (other facets
    /// are kept by name and value).
    Restriction {
        base: QName,
        enumerations: Vec<String>,
        facets: Vec<(String, String)>,
    },
    /// `xs:list`: whitespace-separated values of the item type.
    List { item: TypeRef },
    /// `xs:union`: a value of any of the member types.
    Union { members: Vec<TypeRef> },
}

impl Definitions {
    /// The binding of every port of every service, with its SOAP version.
    pub fn binding(&self, name: &QName) -> Option<&Binding> {
        self.bindings.get(name)
    }
}
