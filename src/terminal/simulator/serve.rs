//! The simulator's I/O loop: read a command, send the replies one by one, and after the
//! first (80 00) wait for the ECR's 80 00 00 to each before sending the next (T3). The
//! Status-Information is booked the moment its acknowledgement arrives.

use super::{NAK_PROTOCOL_ERROR, RC_ABORTED, SimError, Simulator};
use crate::terminal::zvt::apdu::Apdu;
use crate::terminal::zvt::link::{Link, LinkError};
use crate::terminal::zvt::messages::{EcrCommand, PtMessage};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long one receive waits before the loop looks at `stop` and the auto-clear again.
const POLL: Duration = Duration::from_millis(200);

/// What came back while the PT waited for an acknowledgement.
enum Answer {
    Ack,
    /// The ECR sent Abort (06 B0).
    AbortRequested,
    /// The ECR sent a new command instead: it gave up on this sequence.
    Command(Vec<u8>),
    TimedOut,
    Stopped,
}

/// Serves one ECR over a link until `stop` is set or the link closes.
pub fn serve(link: &mut dyn Link, sim: &mut Simulator, stop: &AtomicBool) -> Result<(), SimError> {
    let mut next: Option<Vec<u8>> = None;
    while !stop.load(Ordering::SeqCst) {
        sim.tick()?;
        let bytes = match next.take() {
            Some(bytes) => bytes,
            None => match link.receive(POLL) {
                // Switched off (training): the command is heard and never answered.
                Ok(Some(_)) if !super::power::answering(sim.config().state_file.as_deref()) => continue,
                Ok(Some(bytes)) => bytes,
                Ok(None) => continue,
                Err(LinkError::Closed) => return Ok(()),
                Err(e) => return Err(e.into()),
            },
        };
        let command = Apdu::decode(&bytes).and_then(|(apdu, _)| EcrCommand::from_apdu(&apdu));
        let command = match command {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "simulated terminal: command cannot be decoded");
                send(
                    link,
                    &PtMessage::Nak {
                        code: NAK_PROTOCOL_ERROR,
                    },
                )?;
                continue;
            }
        };
        // By class and instruction only: most commands carry the ECR password, which no log
        // may show.
        let apdu = command.to_apdu();
        tracing::debug!(
            command = format!("{:02X} {:02X}", apdu.class, apdu.instr),
            "simulated terminal: command"
        );
        let replies = sim.handle(&command);
        match run_sequence(link, sim, replies, stop)? {
            Flow::Continue => {}
            Flow::Next(bytes) => next = Some(bytes),
            Flow::Disconnect => return Ok(()),
        }
    }
    sim.abandon();
    Ok(())
}

enum Flow {
    Continue,
    /// A command arrived where an acknowledgement was expected; handle it next.
    Next(Vec<u8>),
    /// The disconnect fault: stop serving.
    Disconnect,
}

/// Sends a message; a link that gives up (no ACK after the repeats) is not fatal: the
/// sequence ends and the terminal goes back to waiting for commands.
fn send(link: &mut dyn Link, message: &PtMessage) -> Result<bool, SimError> {
    match link.send(&message.to_apdu().encode()) {
        Ok(()) => Ok(true),
        Err(LinkError::NoAck { .. }) => {
            tracing::warn!("simulated terminal: the ECR did not acknowledge a frame");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

fn run_sequence(
    link: &mut dyn Link,
    sim: &mut Simulator,
    replies: Vec<PtMessage>,
    stop: &AtomicBool,
) -> Result<Flow, SimError> {
    let faults = sim.config().faults.clone();
    let mut replies = replies.into_iter();
    let Some(first) = replies.next() else {
        return Ok(Flow::Continue);
    };
    let master = matches!(first, PtMessage::Ack);
    if !send(link, &first)? || !master {
        sim.abandon();
        return Ok(Flow::Continue);
    }
    let rest: Vec<PtMessage> = replies.collect();
    if faults.silence_after_ack && !rest.is_empty() {
        sim.abandon();
        return Ok(Flow::Continue);
    }
    let mut result_sent = false;
    for message in rest {
        let is_status = matches!(message, PtMessage::StatusInformation(_));
        let host_step = matches!(message, PtMessage::IntermediateStatus { .. }) || is_status;
        if host_step && !result_sent && !faults.think_time.is_zero() {
            match wait(link, faults.think_time, stop, false)? {
                Answer::AbortRequested => return aborted(link, sim, stop),
                Answer::Command(bytes) => {
                    sim.abandon();
                    return Ok(Flow::Next(bytes));
                }
                Answer::Stopped => {
                    sim.abandon();
                    return Ok(Flow::Continue);
                }
                Answer::Ack | Answer::TimedOut => {}
            }
        }
        if !send(link, &message)? {
            sim.abandon();
            return Ok(Flow::Continue);
        }
        if is_status {
            result_sent = true;
            if faults.disconnect_after_status {
                sim.abandon();
                return Ok(Flow::Disconnect);
            }
        }
        match wait(link, sim.ack_timeout(), stop, true)? {
            Answer::Ack => {
                if is_status {
                    sim.confirm_status()?;
                }
            }
            // Once the result is out the transaction can no longer be cancelled; the ECR
            // gets 80 00 to its 06 B0 but the sequence runs on.
            Answer::AbortRequested if result_sent => {
                send(link, &PtMessage::Ack)?;
                if is_status {
                    sim.abandon();
                }
            }
            Answer::AbortRequested => return aborted(link, sim, stop),
            Answer::Command(bytes) => {
                sim.abandon();
                return Ok(Flow::Next(bytes));
            }
            Answer::TimedOut | Answer::Stopped => {
                tracing::warn!("simulated terminal: no 80 00 from the ECR; sequence ended");
                sim.abandon();
                return Ok(Flow::Continue);
            }
        }
    }
    Ok(Flow::Continue)
}

/// The ECR cancelled before the result: 80 00 to its 06 B0, then Abort 06 1E 6C.
fn aborted(link: &mut dyn Link, sim: &mut Simulator, stop: &AtomicBool) -> Result<Flow, SimError> {
    sim.abandon();
    if send(link, &PtMessage::Ack)?
        && send(
            link,
            &PtMessage::Abort {
                result_code: RC_ABORTED,
            },
        )?
    {
        // The ECR's acknowledgement of the abort; nothing depends on it.
        if let Answer::Command(bytes) = wait(link, sim.ack_timeout(), stop, true)? {
            return Ok(Flow::Next(bytes));
        }
    }
    Ok(Flow::Continue)
}

/// Waits up to `timeout` for the ECR. With `want_ack` an 80 00 00 ends the wait; without it
/// (a pause) only an abort or a command does.
fn wait(link: &mut dyn Link, timeout: Duration, stop: &AtomicBool, want_ack: bool) -> Result<Answer, SimError> {
    let deadline = Instant::now() + timeout;
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(Answer::Stopped);
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(if want_ack { Answer::TimedOut } else { Answer::Ack });
        }
        let bytes = match link.receive((deadline - now).min(POLL)) {
            Ok(Some(bytes)) => bytes,
            Ok(None) => continue,
            Err(LinkError::Closed) => return Ok(Answer::Stopped),
            Err(e) => return Err(e.into()),
        };
        match bytes.as_slice() {
            [0x80, 0x00, ..] | [0x84, 0x00, ..] if want_ack => return Ok(Answer::Ack),
            [0x06, 0xB0, ..] => return Ok(Answer::AbortRequested),
            [0x80 | 0x84, ..] => {
                tracing::warn!(reply = %hex::encode(&bytes), "simulated terminal: unexpected reply ignored");
            }
            _ => return Ok(Answer::Command(bytes)),
        }
    }
}

/// The ECR end of a simulator's pty pair, its name, the simulator thread and its stop flag.
pub type PtyPair = (
    Box<dyn serialport::SerialPort>,
    String,
    std::thread::JoinHandle<()>,
    std::sync::Arc<AtomicBool>,
);

/// Runs a simulator on one end of a pseudo-terminal pair in a thread and returns the other
/// end for the ECR, its name, the thread, and the flag that stops it.
#[cfg(unix)]
pub fn spawn_pty_pair(
    config: super::SimConfig,
    clock: std::sync::Arc<dyn crate::clock::Clock>,
) -> Result<PtyPair, SimError> {
    use crate::terminal::zvt::serial::SerialLink;
    use serialport::SerialPort;
    use std::sync::Arc;

    let mut sim = Simulator::new(config, clock)?;
    let (master, slave) = serialport::TTYPort::pair().map_err(|e| SimError::Pty(e.to_string()))?;
    // The ECR gets the slave: it has a path (/dev/pts/N) like a real serial port.
    let name = slave.name().unwrap_or_else(|| "simulator pty".to_string());
    let mut link = SerialLink::from_port(Box::new(master), format!("simulated terminal ({name})"))
        .with_faults(sim.config().faults.link.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let handle = std::thread::Builder::new()
        .name("zvt-simulator".to_string())
        .spawn(move || {
            if let Err(e) = serve(&mut link, &mut sim, &thread_stop) {
                tracing::error!(error = %e, "simulated terminal stopped");
            }
        })
        .map_err(|e| SimError::Pty(format!("cannot start the simulator thread: {e}")))?;
    Ok((Box::new(slave), name, handle, stop))
}

/// Pseudo-terminals exist on Unix only; elsewhere demo mode needs `--tcp` or a port pair.
#[cfg(not(unix))]
pub fn spawn_pty_pair(
    _config: super::SimConfig,
    _clock: std::sync::Arc<dyn crate::clock::Clock>,
) -> Result<PtyPair, SimError> {
    Err(SimError::Pty(
        "pseudo-terminals are not available on this system".to_string(),
    ))
}
