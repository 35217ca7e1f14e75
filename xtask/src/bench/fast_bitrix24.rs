//! fast_bitrix24 (Python, from PyPI) as the contender of the bulk workloads: a venv under
//! `target/bench/venv` that the bench creates, and one subprocess per run of
//! `xtask/bench/fast_bitrix24_run.py`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use tokio::process::Command;

use super::workload::{Bucket, Workload};

/// A venv with fast_bitrix24 installed.
pub struct Python {
    python: PathBuf,
    script: PathBuf,
    pub version: String,
}

/// What one run reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    /// `finished`, `failed`, or `wrong` (finished with missing or wrong items).
    pub outcome: String,
    pub elapsed_s: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<usize>,
}

impl Run {
    pub fn finished(&self) -> bool {
        self.outcome == "finished"
    }
}

/// Creates the venv and installs fast_bitrix24 unless already there (pip needs network once).
pub fn prepare(dir: &Path) -> Result<Python> {
    let venv = dir.join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let status = std::process::Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv")?;
        if !status.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
    }
    let version = || {
        std::process::Command::new(&python)
            .args([
                "-c",
                "from fast_bitrix24.__version__ import __version__; print(__version__)",
            ])
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let version = match version() {
        Some(version) => version,
        None => {
            let status = std::process::Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "fast_bitrix24"])
                .status()
                .context("running pip")?;
            if !status.success() {
                bail!("pip install fast_bitrix24 failed");
            }
            version().context("fast_bitrix24 installed but does not import")?
        }
    };
    Ok(Python {
        python,
        script: crate::generate::workspace_root().join("xtask/bench/fast_bitrix24_run.py"),
        version,
    })
}

impl Python {
    /// One run with the throttle at `pool` requests at once and `per_second` after that.
    pub async fn run(
        &self,
        webhook: &str,
        workload: Workload,
        items: usize,
        throttle: Bucket,
        timeout: Duration,
    ) -> Result<Run> {
        let child = Command::new(&self.python)
            .arg(&self.script)
            .arg(webhook)
            .arg(workload.name())
            .arg(items.to_string())
            .arg(throttle.burst.to_string())
            .arg(throttle.per_second.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting the fast_bitrix24 runner")?;
        let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
            Ok(output) => output?,
            Err(_) => {
                return Ok(Run {
                    outcome: "failed".into(),
                    elapsed_s: timeout.as_secs_f64(),
                    error: Some(format!("did not finish within {} s", timeout.as_secs())),
                    items: None,
                });
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let line = stdout.lines().last().unwrap_or("");
        serde_json::from_str(line).with_context(|| {
            format!(
                "the fast_bitrix24 runner printed {line:?}; stderr: {}",
                String::from_utf8_lossy(&output.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            )
        })
    }
}
