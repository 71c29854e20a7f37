//! Standard output when its reader may have gone (`tillguard status --json | head -1`): a
//! closed pipe ends the output quietly, and the command still finishes its work.

use std::io::{ErrorKind, Write};
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Once;

/// Writes `text` to stdout; a closed pipe is no error (nobody is left to read the rest).
pub fn write_out(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(anyhow::anyhow!("cannot write to standard output: {e}")),
        _ => Ok(()),
    }
}

/// Whether a panic is `println!` meeting a closed stdout (the text std gives it).
fn closed_pipe(payload: &(dyn std::any::Any + Send)) -> bool {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    text.starts_with("failed printing to stdout") && text.contains("Broken pipe")
}

/// Runs `f`; a `println!` inside it that meets a closed stdout ends `f` quietly (no panic
/// message, `Ok(None)`) instead of ending the process with a panic. Any other panic goes on.
pub fn quiet_on_closed_pipe<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<Option<T>> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !closed_pipe(info.payload()) {
                default(info);
            }
        }));
    });
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map(Some),
        Err(payload) if closed_pipe(payload.as_ref()) => Ok(None),
        Err(payload) => resume_unwind(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_closed_stdout_is_caught() {
        let caught = quiet_on_closed_pipe(|| -> anyhow::Result<()> {
            panic!("failed printing to stdout: Broken pipe (os error 32)")
        });
        assert!(matches!(caught, Ok(None)));
        assert_eq!(quiet_on_closed_pipe(|| Ok(7)).ok().flatten(), Some(7));
        let other = catch_unwind(|| quiet_on_closed_pipe(|| -> anyhow::Result<()> { panic!("another bug") }));
        assert!(other.is_err(), "other panics are not swallowed");
    }
}
