//! The executor behind generated blocking clients (feature `blocking`).

use std::sync::Arc;

/// A current-thread tokio runtime shared by clones of one blocking client.
#[derive(Debug, Clone)]
pub struct Runtime {
    inner: Arc<tokio::runtime::Runtime>,
}

impl Runtime {
    pub fn new() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Runtime {
            inner: Arc::new(runtime),
        })
    }

    /// Runs `future` to completion on this thread.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.inner.block_on(future)
    }
}
