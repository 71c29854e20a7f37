//! `tillguard terminal ...`: the installer's tools for card terminals.

use super::print_json;
use crate::config::Config;
use crate::terminal::check::check;
use crate::terminal::session::Accept;
use crate::terminal::simulator::{self, SimConfig, SimFaults, Simulator};
use crate::terminal::spec::TerminalSpec;
use crate::terminal::zvt::describe::{describe, describe_text};
use crate::terminal::zvt::ports::available_ports;
#[cfg(unix)]
use crate::terminal::zvt::serial::SerialLink;
use crate::terminal::zvt::tcp::TcpLink;
use crate::till::Paths;
use serde_json::json;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, clap::Subcommand)]
enum Action {
    /// List the serial ports this machine has.
    Ports {
        #[arg(long)]
        json: bool,
    },
    /// Register with the terminal and ask its status (terminal id, software, status).
    Check {
        #[arg(long)]
        json: bool,
    },
    /// Decode a ZVT APDU given in hex (spaces allowed), e.g. from a log.
    Decode {
        #[arg(value_name = "HEX", num_args = 1.., required = true)]
        hex: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Run the simulated terminal on a pseudo-terminal (serial) or a TCP port.
    Simulate {
        /// Create a pseudo-terminal and link it at PATH for the ECR to open.
        #[arg(long, value_name = "PATH", conflicts_with = "tcp", required_unless_present = "tcp")]
        pty: Option<PathBuf>,
        /// Listen on ADDR (e.g. 127.0.0.1:20007).
        #[arg(long, value_name = "ADDR")]
        tcp: Option<String>,
        /// Clear the batch (unsettled or not) at this local time every day, as real terminals do.
        #[arg(long, value_name = "HH:MM")]
        auto_clear: Option<String>,
        /// Where the batch is kept across restarts (default: in the data folder).
        #[arg(long, value_name = "FILE")]
        state: Option<PathBuf>,
        /// Misbehave on purpose, to rehearse failures (repeatable).
        #[arg(long = "fault", value_enum, value_name = "FAULT")]
        faults: Vec<Fault>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Fault {
    /// Answer a command with 80 00, then say nothing more.
    SilenceAfterAck,
    /// Send the result (04 0F), then stop serving as if the cable were pulled: nothing is booked.
    DisconnectAfterStatus,
    /// End-of-day fails with result 77.
    EndOfDayFails,
    /// At the auto-clear time settle the batch instead of losing it.
    AutoEndOfDay,
}

fn sim_faults(faults: &[Fault]) -> SimFaults {
    SimFaults {
        silence_after_ack: faults.contains(&Fault::SilenceAfterAck),
        disconnect_after_status: faults.contains(&Fault::DisconnectAfterStatus),
        end_of_day_fails: faults.contains(&Fault::EndOfDayFails),
        auto_end_of_day: faults.contains(&Fault::AutoEndOfDay),
        ..SimFaults::default()
    }
}

pub fn run(args: &Args, paths: &Paths, terminal: Option<&TerminalSpec>) -> anyhow::Result<()> {
    match &args.action {
        Action::Ports { json } => {
            let ports = available_ports();
            if *json {
                return print_json(&json!({ "ports": ports }));
            }
            if ports.is_empty() {
                println!("no serial ports found");
            }
            for p in ports {
                println!("{p}");
            }
            Ok(())
        }
        Action::Decode { hex, json } => {
            let text: String = hex
                .concat()
                .chars()
                .filter(|c| !c.is_whitespace() && *c != ':')
                .collect();
            let bytes = hex::decode(&text).map_err(|e| anyhow::anyhow!("'{text}' is not hex: {e}"))?;
            if *json {
                let value = describe(&bytes).map_err(|e| anyhow::anyhow!("cannot decode: {e}"))?;
                return print_json(&value);
            }
            print!(
                "{}",
                describe_text(&bytes).map_err(|e| anyhow::anyhow!("cannot decode: {e}"))?
            );
            Ok(())
        }
        Action::Check { json } => {
            let config = Config::load(&paths.config_file)?;
            let spec = terminal.or(config.terminal.as_ref());
            let mut connected = crate::terminal::connect::connect(spec, &config, &paths.data_dir, super::clock()?)?;
            let report =
                check(connected.terminal.as_mut(), &mut Accept, config.language).map_err(anyhow::Error::msg)?;
            if *json {
                return print_json(&json!({
                    "terminal": report.terminal,
                    "terminal_id": report.terminal_id,
                    "sw_version": report.sw_version,
                    "status": report.status.map(|s| format!("{s:02X}")),
                    "status_text": report.status_text,
                }));
            }
            println!("terminal:    {}", report.terminal);
            println!("terminal id: {}", report.terminal_id.unwrap_or_else(|| "-".into()));
            println!("software:    {}", report.sw_version.unwrap_or_else(|| "-".into()));
            println!("status:      {}", report.status_text.unwrap_or_else(|| "-".into()));
            Ok(())
        }
        Action::Simulate {
            pty,
            tcp,
            auto_clear,
            state,
            faults,
        } => {
            let config = Config::load(&paths.config_file)?;
            let auto_clear = auto_clear
                .as_deref()
                .map(|t| {
                    let (h, m) = t
                        .split_once(':')
                        .ok_or_else(|| anyhow::anyhow!("--auto-clear '{t}' is not HH:MM"))?;
                    let (h, m): (i8, i8) = (h.parse()?, m.parse()?);
                    Ok::<_, anyhow::Error>(jiff::civil::Time::new(h, m, 0, 0)?)
                })
                .transpose()
                .map_err(|e| anyhow::anyhow!("--auto-clear: {e}"))?
                .or(config.terminal_auto_clear);
            let sim_config = SimConfig {
                terminal_id: 52_52_35_35,
                currency: config.currency.numeric,
                state_file: Some(
                    state
                        .clone()
                        .unwrap_or_else(|| paths.data_dir.join(crate::terminal::connect::SIMULATOR_STATE)),
                ),
                auto_clear,
                time_zone: config.time_zone.clone(),
                faults: sim_faults(faults),
                password: config.terminal_password,
            };
            if let Some(parent) = sim_config.state_file.as_ref().and_then(|f| f.parent()) {
                std::fs::create_dir_all(parent)?;
            }
            let mut sim = Simulator::new(sim_config, super::clock()?)?;
            let stop = AtomicBool::new(false);
            if let Some(path) = pty {
                return simulate_pty(path, &mut sim, &stop);
            }
            let addr = tcp.as_deref().unwrap_or("127.0.0.1:20007");
            let listener =
                std::net::TcpListener::bind(addr).map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
            eprintln!("simulated terminal listening on {addr}; Ctrl+C stops it");
            for stream in listener.incoming() {
                let stream = stream?;
                let mut link = TcpLink::from_stream(stream);
                if let Err(e) = simulator::serve(&mut link, &mut sim, &stop) {
                    eprintln!("connection ended: {e}");
                }
            }
            Ok(())
        }
    }
}

#[cfg(unix)]
fn simulate_pty(path: &std::path::Path, sim: &mut Simulator, stop: &AtomicBool) -> anyhow::Result<()> {
    use serialport::SerialPort;
    let (master, slave) =
        serialport::TTYPort::pair().map_err(|e| anyhow::anyhow!("cannot create a pseudo-terminal: {e}"))?;
    let slave_name = slave.name().unwrap_or_default();
    let _ = std::fs::remove_file(path);
    std::os::unix::fs::symlink(&slave_name, path)
        .map_err(|e| anyhow::anyhow!("cannot link {} to {slave_name}: {e}", path.display()))?;
    eprintln!(
        "simulated terminal on {} (-> {slave_name}); Ctrl+C stops it",
        path.display()
    );
    let mut link = SerialLink::from_port(Box::new(master), slave_name);
    // Keep our handle on the slave so the pty stays up between ECR connections.
    let _slave = slave;
    simulator::serve(&mut link, sim, stop)?;
    Ok(())
}

#[cfg(not(unix))]
fn simulate_pty(_path: &std::path::Path, _sim: &mut Simulator, _stop: &AtomicBool) -> anyhow::Result<()> {
    anyhow::bail!("--pty needs a Unix pseudo-terminal; use --tcp on this system")
}
