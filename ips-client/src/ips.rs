//! The IPS layer: endpoints, credentials and the builder that turns them
//! into a configured generated client. No operation is written by hand
//! here; every method comes from the WSDL.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::api::{AuthHeader, Headers, IpsApiPortTypeClient};
use crate::soap::{ConfigError, Exchange, Limits, RetryPolicy, SoapClient, SoapVersion};
use crate::upload::{Uploader, UploaderConfig};

/// The generated IPS client, configured by [`IpsClientBuilder`].
pub type IpsClient = IpsApiPortTypeClient;

/// Path of the SOAP service below a regional base URL.
const SERVICE_PATH: &str = "services/IpsApiService";

/// Path of the UploadFile servlet below the same base as [`SERVICE_PATH`].
const UPLOAD_PATH: &str = "UploadFile";

/// Dynamic Media Classic regions, as listed in the IPS API reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    NorthAmerica,
    /// Europe, Middle East and Africa.
    Emea,
    /// Japan and Asia-Pacific.
    AsiaPacific,
}

/// Production, or staging for pre-production development and testing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Production,
    Staging,
}

impl Region {
    /// Base URL of the IPS web application in this region.
    pub fn base_url(self, environment: Environment) -> &'static str {
        use Environment::*;
        use Region::*;
        match (self, environment) {
            (NorthAmerica, Production) => "https://s7sps1apissl.scene7.com/scene7/",
            (NorthAmerica, Staging) => "https://s7sps1apissl-staging.scene7.com/scene7/",
            (Emea, Production) => "https://s7sps3apissl.scene7.com/scene7/",
            (Emea, Staging) => "https://s7sps3apissl-staging.scene7.com/scene7/",
            (AsiaPacific, Production) => "https://s7sps5apissl.scene7.com/scene7/",
            (AsiaPacific, Staging) => "https://s7sps5apissl-staging.scene7.com/scene7/",
        }
    }

    /// The SOAP endpoint in this region.
    pub fn endpoint(self, environment: Environment) -> String {
        format!("{}{SERVICE_PATH}", self.base_url(environment))
    }

    /// The UploadFile servlet in this region, which receives files as
    /// multipart HTTP POSTs (see [`crate::upload`]). It is served from a
    /// different host than the SOAP API.
    pub fn upload_url(self, environment: Environment) -> &'static str {
        use Environment::*;
        use Region::*;
        match (self, environment) {
            (NorthAmerica, Production) => "https://s7sps1ssl.scene7.com/scene7/UploadFile",
            (NorthAmerica, Staging) => "https://s7sps1ssl-staging.scene7.com/scene7/UploadFile",
            (Emea, Production) => "https://s7sps3ssl.scene7.com/scene7/UploadFile",
            (Emea, Staging) => "https://s7sps3ssl-staging.scene7.com/scene7/UploadFile",
            (AsiaPacific, Production) => "https://s7sps5ssl.scene7.com/scene7/UploadFile",
            (AsiaPacific, Staging) => "https://s7sps5ssl-staging.scene7.com/scene7/UploadFile",
        }
    }
}

/// How requests authenticate. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// An IPS user's e-mail address and password.
    Password { user: String, password: String },
    /// An access token in place of user and password.
    AccessToken(String),
}

impl Credentials {
    pub fn password(user: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Password {
            user: user.into(),
            password: password.into(),
        }
    }

    pub(crate) fn secret(&self) -> &str {
        match self {
            Credentials::Password { password, .. } => password,
            Credentials::AccessToken(token) => token,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password { user, .. } => f
                .debug_struct("Password")
                .field("user", user)
                .field("password", &"[redacted]")
                .finish(),
            Credentials::AccessToken(_) => {
                f.debug_tuple("AccessToken").field(&"[redacted]").finish()
            }
        }
    }
}

/// The hook given to [`IpsClientBuilder::inspect`].
type Inspector = Arc<dyn Fn(&Exchange) + Send + Sync>;

/// Where the client sends requests.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Region(Region, Environment),
    Url(String),
}

/// Builds an [`IpsClient`]: endpoint, credentials, application identity and
/// transport settings.
#[derive(Clone)]
pub struct IpsClientBuilder {
    target: Target,
    upload_endpoint: Option<String>,
    credentials: Option<Credentials>,
    app_name: String,
    app_version: String,
    locale: Option<String>,
    gzip_response: Option<bool>,
    fault_http_status_code: Option<i32>,
    version: SoapVersion,
    timeout: Option<Duration>,
    limits: Option<Limits>,
    allow_insecure_http: bool,
    http_client: Option<reqwest::Client>,
    inspector: Option<Inspector>,
    retry: Option<RetryPolicy>,
}

impl fmt::Debug for IpsClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IpsClientBuilder")
            .field("target", &self.target)
            .field("upload_endpoint", &self.upload_endpoint)
            .field("credentials", &self.credentials)
            .field("app_name", &self.app_name)
            .field("app_version", &self.app_version)
            .field("version", &self.version)
            .field("timeout", &self.timeout)
            .field("inspect", &self.inspector.is_some())
            .finish_non_exhaustive()
    }
}

impl Default for IpsClientBuilder {
    fn default() -> Self {
        IpsClientBuilder {
            target: Target::Region(Region::NorthAmerica, Environment::Production),
            upload_endpoint: None,
            credentials: None,
            app_name: env!("CARGO_PKG_NAME").to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            locale: None,
            gzip_response: None,
            fault_http_status_code: None,
            version: SoapVersion::Soap11,
            timeout: None,
            limits: None,
            allow_insecure_http: false,
            http_client: None,
            inspector: None,
            retry: None,
        }
    }
}

impl IpsClientBuilder {
    /// One of the documented regional endpoints (default: North America, production).
    pub fn region(mut self, region: Region, environment: Environment) -> Self {
        self.target = Target::Region(region, environment);
        self
    }

    /// Any endpoint URL. Plain `http://` is accepted only for loopback
    /// addresses unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.target = Target::Url(url.into());
        self
    }

    /// The UploadFile servlet URL, when it cannot be derived from the
    /// endpoint (see [`upload_endpoint_url`](Self::upload_endpoint_url)).
    /// The same https rule applies.
    pub fn upload_endpoint(mut self, url: impl Into<String>) -> Self {
        self.upload_endpoint = Some(url.into());
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Shorthand for [`Credentials::Password`].
    pub fn user_password(self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials(Credentials::password(user, password))
    }

    /// Shorthand for [`Credentials::AccessToken`].
    pub fn access_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::AccessToken(token.into()))
    }

    /// Identifies the calling application to IPS (default: this crate's name and version).
    pub fn app(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.app_name = name.into();
        self.app_version = version.into();
        self
    }

    /// Locale for messages in responses, such as `en-US`.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Ask IPS to compress responses or not (by default it compresses when
    /// the request accepts gzip, which this client always does).
    pub fn gzip_response(mut self, on: bool) -> Self {
        self.gzip_response = Some(on);
        self
    }

    /// HTTP status IPS should use for faults instead of 500. Faults are
    /// decoded whatever the status, so this is rarely needed.
    pub fn fault_http_status_code(mut self, status: i32) -> Self {
        self.fault_http_status_code = Some(status);
        self
    }

    /// SOAP 1.1 (default) or 1.2.
    pub fn soap_version(mut self, version: SoapVersion) -> Self {
        self.version = version;
        self
    }

    /// Limit for a whole call, response included (default 60 s). For
    /// uploads it bounds each wait for progress instead (see
    /// [`Uploader::stall_timeout`]), as a large upload may take far longer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Response size and nesting limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// Permit a plain-HTTP endpoint on a non-loopback host. Credentials then
    /// cross the network unencrypted: only for trusted networks.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Send requests through an existing `reqwest::Client` (connection pool,
    /// proxy and TLS settings are then the caller's).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Retries transient failures of the operations the policy lists (for
    /// example the read-only `getActiveJobs`, `getJobLogs`, `searchAssets`).
    /// Nothing is retried by default, and operations that change state should
    /// never be listed.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Shows each exchange's request and response XML, with the password and
    /// access token redacted, to `hook` (for debugging; off by default).
    pub fn inspect(mut self, hook: impl Fn(&Exchange) + Send + Sync + 'static) -> Self {
        self.inspector = Some(Arc::new(hook));
        self
    }

    /// The endpoint URL this builder targets.
    pub fn endpoint_url(&self) -> String {
        match &self.target {
            Target::Region(region, environment) => region.endpoint(*environment),
            Target::Url(url) => url.clone(),
        }
    }

    /// The UploadFile servlet URL uploads go to: the one set with
    /// [`upload_endpoint`](Self::upload_endpoint); else the region's; else,
    /// for an endpoint URL ending in `services/IpsApiService`, the same
    /// URL ending in `UploadFile` instead (as IPS hosts and the mock serve
    /// it). Any other endpoint needs an explicit upload endpoint.
    pub fn upload_endpoint_url(&self) -> Result<String, ConfigError> {
        if let Some(url) = &self.upload_endpoint {
            return Ok(url.clone());
        }
        match &self.target {
            Target::Region(region, environment) => Ok(region.upload_url(*environment).to_owned()),
            Target::Url(endpoint) => {
                let mut url =
                    url::Url::parse(endpoint).map_err(|e| ConfigError::InvalidEndpoint {
                        reason: e.to_string(),
                    })?;
                let Some(base) = url.path().strip_suffix(SERVICE_PATH) else {
                    return Err(ConfigError::InvalidEndpoint {
                        reason: format!(
                            "the UploadFile URL cannot be derived from an endpoint whose path \
                             does not end in {SERVICE_PATH}: set upload_endpoint(...)"
                        ),
                    });
                };
                let path = format!("{base}{UPLOAD_PATH}");
                url.set_path(&path);
                url.set_query(None);
                url.set_fragment(None);
                Ok(url.into())
            }
        }
    }

    /// An [`Uploader`] for the UploadFile servlet, with this builder's
    /// credentials, application identity, locale, HTTP client, limits,
    /// timeout and https rule; it can be called before or after
    /// [`build`](Self::build) on a clone, so everything is configured once.
    pub fn build_uploader(&self) -> Result<Uploader, ConfigError> {
        Uploader::from_config(UploaderConfig {
            url: self.upload_endpoint_url()?,
            allow_insecure_http: self.allow_insecure_http,
            http_client: self.http_client.clone(),
            auth_header: self.auth_header(),
            secret: self.credentials.as_ref().map(|c| c.secret().to_owned()),
            user_agent: self.user_agent(),
            limits: self.limits.unwrap_or_default(),
            stall_timeout: self.timeout,
        })
    }

    fn user_agent(&self) -> String {
        format!(
            "{}/{} ips-client/{}",
            self.app_name,
            self.app_version,
            env!("CARGO_PKG_VERSION")
        )
    }

    /// The authHeader sent with every SOAP call and every upload.
    #[allow(clippy::useless_conversion)]
    fn auth_header(&self) -> AuthHeader {
        let (user, password, access_token) = match self.credentials.clone() {
            Some(Credentials::Password { user, password }) => (Some(user), Some(password), None),
            Some(Credentials::AccessToken(token)) => (None, None, Some(token)),
            None => (None, None, None),
        };
        // `.into()` fits both schema versions: 2014-04-03 requires appName and
        // appVersion (String), 2013-02-15 leaves them optional (Option<String>).
        AuthHeader {
            user,
            password,
            access_token,
            locale: self.locale.clone(),
            app_name: self.app_name.clone().into(),
            app_version: self.app_version.clone().into(),
            gzip_response: self.gzip_response,
            fault_http_status_code: self.fault_http_status_code,
            ..Default::default()
        }
    }

    pub fn build(self) -> Result<IpsClient, ConfigError> {
        let header = self.auth_header();
        let mut transport = SoapClient::builder(&self.endpoint_url())
            .version(self.version)
            .allow_insecure_http(self.allow_insecure_http)
            .user_agent(self.user_agent());
        if let Some(timeout) = self.timeout {
            transport = transport.timeout(timeout);
        }
        if let Some(limits) = self.limits {
            transport = transport.limits(limits);
        }
        if let Some(client) = self.http_client {
            transport = transport.http_client(client);
        }
        if let Some(policy) = self.retry {
            transport = transport.retry(policy);
        }
        if let Some(inspector) = self.inspector {
            transport = transport.inspect(move |exchange| inspector(exchange));
        }
        if let Some(credentials) = &self.credentials {
            transport = transport.redact(credentials.secret());
        }
        let headers = Headers {
            auth_header: Some(header),
        };
        Ok(IpsClient::new(transport.build()?).with_headers(headers))
    }
}

#[cfg(feature = "blocking")]
impl IpsClientBuilder {
    /// Builds the blocking twin of the client (feature `blocking`), for code
    /// without an async runtime.
    pub fn build_blocking(
        self,
    ) -> Result<crate::api::IpsApiPortTypeClientBlocking, BlockingBuildError> {
        let client = self.build()?;
        Ok(crate::api::IpsApiPortTypeClientBlocking::new(client)?)
    }
}

/// Why [`IpsClientBuilder::build_blocking`] failed.
#[cfg(feature = "blocking")]
#[derive(Debug, thiserror::Error)]
pub enum BlockingBuildError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("could not start the runtime for blocking calls: {0}")]
    Runtime(#[from] std::io::Error),
}

impl IpsApiPortTypeClient {
    /// Starts configuring a client; see [`IpsClientBuilder`].
    pub fn builder() -> IpsClientBuilder {
        IpsClientBuilder::default()
    }
}
