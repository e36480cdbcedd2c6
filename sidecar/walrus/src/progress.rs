//! Progress bars by store stage (encode, register, upload n of N nodes, certify) on a terminal;
//! nothing when stderr is piped or `--json` is given.

use std::{io::IsTerminal, time::Duration};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use walrus_client::{StoreObserver, StoreStage};

/// How often the spinner redraws while a stage has no news.
const TICK: Duration = Duration::from_millis(120);

/// One file's store, drawn as a spinner with the stage and, while uploading, a bar of nodes.
pub struct StoreProgress {
    bar: ProgressBar,
}

impl StoreProgress {
    /// A bar for storing `label`; hidden unless stderr is a terminal and `quiet` is false.
    pub fn new(label: &str, quiet: bool) -> Self {
        let target = if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(spinner_style());
        bar.set_prefix(label.to_string());
        bar.enable_steady_tick(TICK);
        Self { bar }
    }

    /// Removes the bar (the result is printed separately).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]").expect("the template is valid")
}

fn upload_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {prefix}: uploading [{bar:30}] {pos}/{len} nodes {msg} [{elapsed}]")
        .expect("the template is valid")
        .progress_chars("=> ")
}

impl StoreObserver for StoreProgress {
    fn on_stage(&self, stage: StoreStage) {
        match stage {
            StoreStage::Encoding { size_bytes } => self.bar.set_message(format!("encoding {size_bytes} bytes")),
            StoreStage::Encoded { blob_id, encoded_size_bytes } => {
                self.bar.set_message(format!("encoded {blob_id} ({encoded_size_bytes} bytes encoded)"));
            }
            StoreStage::Reused => self.bar.set_message("already certified, reusing it"),
            StoreStage::Registering => self.bar.set_message("buying storage and registering"),
            StoreStage::Uploading { confirmed_nodes, failed_nodes, total_nodes, confirmed_shards, quorum_shards } => {
                if self.bar.length() != Some(total_nodes as u64) {
                    self.bar.set_style(upload_style());
                    self.bar.set_length(total_nodes as u64);
                }
                self.bar.set_position(confirmed_nodes as u64);
                let failed = if failed_nodes > 0 { format!(", {failed_nodes} failed") } else { String::new() };
                self.bar.set_message(format!("({confirmed_shards}/{quorum_shards} shards for a quorum{failed})"));
            }
            StoreStage::Certifying => {
                self.bar.set_style(spinner_style());
                self.bar.set_message("certifying");
            }
            StoreStage::Done => self.bar.set_message("certified"),
        }
    }
}
