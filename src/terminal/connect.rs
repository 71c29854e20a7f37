//! Opening the configured terminal: a serial port, a TCP address, or the built-in simulator
//! (spoken to through the real serial code over a pseudo-terminal pair; on Windows, which has
//! none, over a loopback TCP port).

use super::CardTerminal;
use super::session::Session;
use super::simulator::{self, SimConfig};
use super::spec::TerminalSpec;
use super::zvt::link::Link;
use super::zvt::serial::SerialLink;
use super::zvt::tcp::TcpLink;
use super::zvt_terminal::ZvtTerminal;
use crate::clock::Clock;
use crate::config::Config;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The simulated terminal's batch file in the data folder.
pub const SIMULATOR_STATE: &str = "simulator-terminal.json";

/// How the built-in simulator's link is named (its serial link reads "serial built-in simulator").
pub const SIMULATOR_NAME: &str = "built-in simulator";

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("no card terminal is configured ([terminal] connection in the config file, or --terminal)")]
    NotConfigured,
    #[error(transparent)]
    Link(#[from] super::zvt::link::LinkError),
    #[error("the simulated terminal could not start: {0}")]
    Simulator(String),
}

/// An open terminal; dropping it stops an in-process simulator.
pub struct Connected {
    pub terminal: Box<dyn CardTerminal>,
    simulator: Option<(Arc<AtomicBool>, JoinHandle<()>)>,
}

impl Drop for Connected {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.simulator.take() {
            stop.store(true, Ordering::SeqCst);
            let _ = handle.join();
        }
    }
}

/// The name the card journal files a terminal's transactions under (its link's label), known
/// without connecting: batches and clear times are per terminal name.
pub fn journal_name(spec: &TerminalSpec) -> String {
    match spec {
        TerminalSpec::Serial { path, baud } => format!("serial {path} @ {baud}"),
        TerminalSpec::Tcp { host, port } => format!("tcp {host}:{port}"),
        TerminalSpec::Simulator => format!("serial {SIMULATOR_NAME}"),
    }
}

pub fn connect(
    spec: Option<&TerminalSpec>,
    config: &Config,
    data_dir: &Path,
    clock: Arc<dyn Clock>,
) -> Result<Connected, ConnectError> {
    connect_paced(spec, config, data_dir, clock, Duration::ZERO)
}

/// As `connect`; a simulated terminal pauses `think_time` before each of its steps, as a
/// card holder and a bank would (the GUI's demo shows the steps instead of a flash).
pub fn connect_paced(
    spec: Option<&TerminalSpec>,
    config: &Config,
    data_dir: &Path,
    clock: Arc<dyn Clock>,
    think_time: Duration,
) -> Result<Connected, ConnectError> {
    let spec = spec.ok_or(ConnectError::NotConfigured)?;
    let currency = config.currency.numeric;
    let (link, simulator): (Box<dyn Link>, _) = match spec {
        TerminalSpec::Serial { path, baud } => (Box::new(SerialLink::open(path, *baud)?), None),
        TerminalSpec::Tcp { host, port } => (
            Box::new(TcpLink::connect(&format!("{host}:{port}"), Duration::from_secs(5))?),
            None,
        ),
        TerminalSpec::Simulator => {
            let sim_config = SimConfig {
                terminal_id: 52_52_35_35,
                currency,
                state_file: Some(data_dir.join(SIMULATOR_STATE)),
                auto_clear: config.terminal_auto_clear,
                time_zone: config.time_zone.clone(),
                faults: simulator::SimFaults {
                    think_time,
                    ..Default::default()
                },
                password: config.terminal_password,
            };
            simulator_link(sim_config, clock)?
        }
    };
    let terminal = ZvtTerminal::new(Session::new(link), config.terminal_password, currency);
    Ok(Connected {
        terminal: Box::new(terminal),
        simulator,
    })
}

type Started = (Box<dyn Link>, Option<(Arc<AtomicBool>, JoinHandle<()>)>);

/// The built-in simulator on a pseudo-terminal pair, spoken to through the real serial code.
#[cfg(unix)]
fn simulator_link(sim_config: SimConfig, clock: Arc<dyn Clock>) -> Result<Started, ConnectError> {
    let (port, pty, handle, stop) =
        simulator::spawn_pty_pair(sim_config, clock).map_err(|e| ConnectError::Simulator(e.to_string()))?;
    tracing::debug!(%pty, "built-in simulator started");
    // Named without its pty, which differs on every run (the card journal's terminal name
    // comes from the spec, this one is for the logs).
    let link = SerialLink::from_port(port, SIMULATOR_NAME.to_string());
    Ok((Box::new(link), Some((stop, handle))))
}

/// Without pseudo-terminals (Windows) the built-in simulator listens on a loopback port.
#[cfg(not(unix))]
fn simulator_link(sim_config: SimConfig, clock: Arc<dyn Clock>) -> Result<Started, ConnectError> {
    let (link, handle, stop) =
        simulator::spawn_loopback(sim_config, clock).map_err(|e| ConnectError::Simulator(e.to_string()))?;
    tracing::debug!("built-in simulator started on loopback");
    Ok((Box::new(link), Some((stop, handle))))
}
