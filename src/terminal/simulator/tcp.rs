//! The simulator as a TCP terminal (`tillguard terminal simulate --tcp ADDR`): one ECR at a
//! time, like a real PT listening on 20007. Raw APDUs, no framing (PA00P016 section 4).

use super::{SimError, Simulator, serve};
use crate::terminal::zvt::tcp::TcpLink;
use std::io::ErrorKind;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the accept loop looks at `stop` while no ECR is connected.
const ACCEPT_POLL: Duration = Duration::from_millis(100);

/// Accepts ECR connections on `listener` one after the other and serves each until it
/// closes, until `stop` is set. A connection that fails is logged and the next one accepted;
/// a state file that cannot be written ends the loop (the terminal could not book safely).
pub fn serve_tcp(listener: &TcpListener, sim: &mut Simulator, stop: &AtomicBool) -> Result<(), SimError> {
    listener.set_nonblocking(true).map_err(SimError::Listen)?;
    while !stop.load(Ordering::SeqCst) {
        sim.tick()?;
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::Interrupted => {
                std::thread::sleep(ACCEPT_POLL);
                continue;
            }
            Err(e) => return Err(SimError::Listen(e)),
        };
        // The listener is non-blocking; the link's own timeouts need a blocking stream.
        if let Err(e) = stream.set_nonblocking(false) {
            tracing::warn!(error = %e, "simulated terminal: connection refused");
            continue;
        }
        let mut link = TcpLink::from_stream(stream);
        match serve(&mut link, sim, stop) {
            Ok(()) => {}
            Err(SimError::Link(e)) => tracing::warn!(error = %e, "simulated terminal: connection ended"),
            Err(e) => return Err(e),
        }
        // Dropping the link closes the connection (also what the disconnect fault wants).
    }
    Ok(())
}

/// The ECR's connection to a simulator on loopback, the simulator's thread and its stop flag.
pub type Loopback = (TcpLink, std::thread::JoinHandle<()>, std::sync::Arc<AtomicBool>);

/// Runs a simulator on a loopback TCP port of its own in a thread and returns the ECR's
/// connection to it: the built-in terminal where there are no pseudo-terminals (Windows).
pub fn spawn_loopback(
    config: super::SimConfig,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
) -> Result<Loopback, SimError> {
    let mut sim = Simulator::new(config, clock)?;
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(SimError::Listen)?;
    let addr = listener.local_addr().map_err(SimError::Listen)?;
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let thread_stop = std::sync::Arc::clone(&stop);
    let handle = std::thread::Builder::new()
        .name("zvt-simulator".to_string())
        .spawn(move || {
            if let Err(e) = serve_tcp(&listener, &mut sim, &thread_stop) {
                tracing::error!(error = %e, "simulated terminal stopped");
            }
        })
        .map_err(SimError::Listen)?;
    let link = TcpLink::connect(&addr.to_string(), Duration::from_secs(5))?;
    Ok((link, handle, stop))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::simulator::SimConfig;
    use crate::terminal::zvt::link::Link;

    #[test]
    fn a_loopback_simulator_answers_a_registration() {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = SimConfig {
            state_file: Some(dir.path().join("sim.json")),
            ..SimConfig::default()
        };
        let (mut link, handle, stop) =
            spawn_loopback(config, std::sync::Arc::new(crate::clock::SystemClock)).expect("simulator");
        // Registration 06 00, password 123456, config byte, currency 978.
        link.send(&[0x06, 0x00, 0x06, 0x12, 0x34, 0x56, 0x8E, 0x09, 0x78])
            .expect("send");
        let reply = link
            .receive(Duration::from_secs(5))
            .expect("no link error")
            .expect("an answer");
        assert_eq!(&reply[..2], &[0x80, 0x00], "acknowledged: {reply:02X?}");
        stop.store(true, Ordering::SeqCst);
        drop(link);
        handle.join().expect("the simulator thread ends when stopped");
    }
}
