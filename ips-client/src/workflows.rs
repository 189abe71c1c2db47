//! Workflows IPS users run, built on the generated operations: start a job
//! and watch it to the end; page through search results.

use std::time::Duration;

use crate::api::{self, ActiveJob, Asset, JobLog};
use crate::{Error, IpsClient};

/// How a job is watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchOptions {
    /// Wait before the first poll, doubled after each poll up to `max_interval`.
    pub first_interval: Duration,
    pub max_interval: Duration,
    /// Give up after this long (the job keeps running in IPS).
    pub deadline: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            first_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(30),
            deadline: Duration::from_secs(60 * 60),
        }
    }
}

/// What a poll found, reported to the caller's progress callback.
#[derive(Debug, Clone, PartialEq)]
pub enum JobProgress {
    /// The job is listed among the active jobs.
    Active {
        state: String,
        /// Percent done, as IPS reports it.
        progress: i32,
        message: String,
    },
    /// Not active and not logged yet (queued, or between the two lists).
    Pending,
}

/// How a job ended: its log entry.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    pub log: JobLog,
}

impl JobOutcome {
    /// True when IPS logged a fatal error, any file error, or an error or
    /// failure log type.
    pub fn failed(&self) -> bool {
        let log = &self.log;
        log.fatal_error
            || log.file_error_count > 0
            || log.log_type.ends_with("Error")
            || log.log_type.ends_with("Failure")
    }
}

/// Why watching stopped without an outcome.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// A call failed (a fault, HTTP, timeout...).
    #[error("IPS call failed while watching job {job_handle}: {source}")]
    Call {
        job_handle: String,
        #[source]
        source: Error,
    },
    /// The job did not end within the deadline; it may still be running.
    #[error("job {job_handle} did not end within {deadline:?} (last seen: {last:?})")]
    Deadline {
        job_handle: String,
        deadline: Duration,
        last: Option<JobProgress>,
    },
}

/// Starts an existing job with `executeJob`, then watches it; see [`watch_job`].
pub async fn run_and_watch(
    client: &IpsClient,
    company_handle: &str,
    job_handle: &str,
    options: WatchOptions,
    on_progress: impl FnMut(&JobProgress),
) -> Result<JobOutcome, WatchError> {
    client
        .execute_job(&api::ExecuteJobParam::new(company_handle, job_handle))
        .await
        .map_err(|source| WatchError::Call {
            job_handle: job_handle.to_owned(),
            source,
        })?;
    watch_job(client, company_handle, job_handle, options, on_progress).await
}

/// Polls `getActiveJobs` while the job runs, reporting progress, then reads
/// its entry from `getJobLogs`. Polls back off exponentially; nothing is
/// retried (a failed call ends the watch with [`WatchError::Call`]).
pub async fn watch_job(
    client: &IpsClient,
    company_handle: &str,
    job_handle: &str,
    options: WatchOptions,
    mut on_progress: impl FnMut(&JobProgress),
) -> Result<JobOutcome, WatchError> {
    let started = tokio::time::Instant::now();
    let mut interval = options.first_interval;
    let call_error = |source| WatchError::Call {
        job_handle: job_handle.to_owned(),
        source,
    };
    loop {
        let active = client
            .get_active_jobs(&api::GetActiveJobsParam {
                company_handle: Some(company_handle.to_owned()),
                job_handle: Some(job_handle.to_owned()),
                ..Default::default()
            })
            .await
            .map_err(call_error)?;
        let progress = match find_active(&active.job_array, job_handle) {
            Some(job) => JobProgress::Active {
                state: job.state.clone(),
                progress: job.progress,
                message: job.progress_message.clone(),
            },
            None => {
                let logs = client
                    .get_job_logs(&api::GetJobLogsParam {
                        company_handle: Some(company_handle.to_owned()),
                        ..Default::default()
                    })
                    .await
                    .map_err(call_error)?;
                if let Some(log) = logs
                    .job_log_array
                    .into_iter()
                    .find(|log| log.job_handle == job_handle)
                {
                    return Ok(JobOutcome { log });
                }
                JobProgress::Pending
            }
        };
        on_progress(&progress);
        let elapsed = started.elapsed();
        if elapsed >= options.deadline {
            return Err(WatchError::Deadline {
                job_handle: job_handle.to_owned(),
                deadline: options.deadline,
                last: Some(progress),
            });
        }
        tokio::time::sleep(interval.min(options.deadline - elapsed)).await;
        interval = (interval * 2).min(options.max_interval);
    }
}

fn find_active<'a>(jobs: &'a [ActiveJob], job_handle: &str) -> Option<&'a ActiveJob> {
    jobs.iter().find(|job| job.job_handle == job_handle)
}

/// Pages through `searchAssets` results, fetching each page only when asked
/// (see [`search_asset_pages`]).
#[derive(Debug)]
pub struct AssetPages<'c> {
    client: &'c IpsClient,
    request: api::SearchAssetsParam,
    page_size: i32,
    next_page: i32,
    fetched: i64,
    total_rows: Option<i32>,
    finished: bool,
}

/// Searches assets page by page: `request` as for `searchAssets`, its
/// `recordsPerPage` and `resultsPage` set by the pager (pages count from 1,
/// as IPS does).
pub fn search_asset_pages(
    client: &IpsClient,
    request: api::SearchAssetsParam,
    page_size: i32,
) -> AssetPages<'_> {
    AssetPages {
        client,
        request,
        page_size: page_size.max(1),
        next_page: 1,
        fetched: 0,
        total_rows: None,
        finished: false,
    }
}

impl<'c> AssetPages<'c> {
    /// The next page of assets, or `None` once every result was returned.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Asset>>, Error> {
        if self.finished {
            return Ok(None);
        }
        self.request.records_per_page = Some(self.page_size);
        self.request.results_page = Some(self.next_page);
        let reply = self.client.search_assets(&self.request).await?;
        let assets = reply.asset_array.unwrap_or_default();
        self.next_page += 1;
        self.fetched += assets.len() as i64;
        self.total_rows = reply.total_rows.or(self.total_rows);
        // A short page, or all rows IPS counted, ends the search.
        let all_counted = self
            .total_rows
            .is_some_and(|total| self.fetched >= i64::from(total));
        if assets.len() < self.page_size as usize || all_counted {
            self.finished = true;
        }
        Ok(if assets.is_empty() {
            None
        } else {
            Some(assets)
        })
    }

    /// The total IPS reported with the last page, if any.
    pub fn total_rows(&self) -> Option<i32> {
        self.total_rows
    }

    /// The pages as a stream: each page is fetched when the stream is
    /// polled for it, never ahead. An error ends the stream after it is
    /// yielded.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<Vec<Asset>, Error>> + 'c {
        futures_util::stream::unfold(Some(self), |pages| async move {
            let mut pages = pages?;
            match pages.next_page().await {
                Ok(Some(page)) => Some((Ok(page), Some(pages))),
                Ok(None) => None,
                Err(error) => Some((Err(error), None)),
            }
        })
    }
}
