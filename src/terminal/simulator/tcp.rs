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
