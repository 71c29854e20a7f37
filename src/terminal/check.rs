//! `tillguard terminal check` and the Settings screen's "Test connection": register with the
//! terminal, then ask its status (terminal id, software, status).

use super::CardTerminal;
use super::session::Observer;
use super::spec::TerminalSpec;
use super::zvt::codes::terminal_status_text;
use crate::clock::Clock;
use crate::config::{Config, Language};
use std::path::Path;
use std::sync::Arc;

/// What the terminal said about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The link, as the terminal is described in messages.
    pub terminal: String,
    pub terminal_id: Option<String>,
    pub sw_version: Option<String>,
    /// The status byte (00 ready, ...) and its text.
    pub status: Option<u8>,
    pub status_text: Option<String>,
}

/// Registers and asks the status; `observer` sees the status enquiry (the till keeps totals
/// a terminal may send in it). The error names the step that failed.
pub fn check(
    terminal: &mut dyn CardTerminal,
    observer: &mut dyn Observer,
    language: Language,
) -> Result<CheckReport, String> {
    let registration = terminal
        .register()
        .map_err(|e| format!("{}: registration failed: {e}", terminal.describe()))?;
    let status = terminal
        .status(observer)
        .map_err(|e| format!("{}: status enquiry failed: {e}", terminal.describe()))?;
    Ok(CheckReport {
        terminal: terminal.describe(),
        terminal_id: registration.terminal_id.or(status.terminal_id),
        sw_version: status.sw_version,
        status: status.status,
        status_text: status.status.map(|s| terminal_status_text(s, language)),
    })
}

/// Connects to `spec` with `config`'s password and currency, checks it, and closes the
/// connection again (stopping a simulator started for it). For a device the till is not
/// connected to: the one it is connected to is checked through the till (`Till::check_terminal`).
pub fn check_device(
    spec: &TerminalSpec,
    config: &Config,
    data_dir: &Path,
    clock: Arc<dyn Clock>,
    observer: &mut dyn Observer,
) -> Result<CheckReport, String> {
    let mut connected =
        super::connect::connect(Some(spec), config, data_dir, clock).map_err(|e| format!("{spec}: {e}"))?;
    check(connected.terminal.as_mut(), observer, config.language)
}

/// Whether two specs reach the same device (one port or address, whatever its speed), which
/// must not be opened twice.
pub fn same_device(a: &TerminalSpec, b: &TerminalSpec) -> bool {
    match (a, b) {
        (TerminalSpec::Serial { path: p, .. }, TerminalSpec::Serial { path: q, .. }) => p == q,
        (TerminalSpec::Tcp { host: h, port: p }, TerminalSpec::Tcp { host: i, port: q }) => {
            h.eq_ignore_ascii_case(i) && p == q
        }
        (TerminalSpec::Simulator, TerminalSpec::Simulator) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::session::Accept;

    #[test]
    fn the_simulator_answers_a_check_and_devices_compare_by_port() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::demo();
        config.language = Language::En;
        let report = check_device(
            &TerminalSpec::Simulator,
            &config,
            dir.path(),
            Arc::new(crate::clock::SystemClock),
            &mut Accept,
        )
        .expect("the simulator answers");
        assert_eq!(report.terminal_id.as_deref(), Some("52523535"));
        assert!(report.status_text.is_some(), "{report:?}");
        let serial = |path: &str, baud| TerminalSpec::Serial {
            path: path.into(),
            baud,
        };
        assert!(same_device(&serial("/dev/ttyS0", 9600), &serial("/dev/ttyS0", 115200)));
        assert!(!same_device(&serial("/dev/ttyS0", 9600), &serial("/dev/ttyS1", 9600)));
        let tcp = |host: &str, port| TerminalSpec::Tcp {
            host: host.into(),
            port,
        };
        assert!(same_device(&tcp("PT.local", 20007), &tcp("pt.local", 20007)));
        assert!(!same_device(&tcp("pt.local", 20007), &tcp("pt.local", 20008)));
        assert!(!same_device(&TerminalSpec::Simulator, &serial("/dev/ttyS0", 9600)));
        let e = check_device(
            &tcp("127.0.0.1", 1),
            &config,
            dir.path(),
            Arc::new(crate::clock::SystemClock),
            &mut Accept,
        )
        .expect_err("nothing listens on port 1");
        assert!(e.contains("127.0.0.1:1"), "{e}");
    }
}
