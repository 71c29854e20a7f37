//! Windows: a shutdown block reason on the application's top-level window, so the shutdown
//! screen names Tillguard and "card batch not settled".
//!
//! Not here: answering WM_QUERYENDSESSION with FALSE, which is what actually makes Windows
//! wait (the reason alone is only shown). That answer comes from the window procedure,
//! which winit owns and iced does not expose; it needs a hook on the GUI thread
//! (SetWindowLongPtrW(GWLP_WNDPROC) or SetWindowSubclass) that returns FALSE while the
//! block is held.

use super::{InhibitError, WHY};
use std::num::NonZeroIsize;
use windows_sys::Win32::Foundation::{GetLastError, HWND};
use windows_sys::Win32::System::Shutdown::{ShutdownBlockReasonCreate, ShutdownBlockReasonDestroy};

#[derive(Debug)]
pub(super) struct Block {
    /// The raw HWND, kept as an integer so the block can move between threads.
    window: Option<NonZeroIsize>,
    held: bool,
}

impl Block {
    pub(super) fn new() -> Block {
        Block {
            window: None,
            held: false,
        }
    }

    pub(super) fn with_window(hwnd: NonZeroIsize) -> Block {
        Block {
            window: Some(hwnd),
            held: false,
        }
    }

    pub(super) fn is_held(&self) -> bool {
        self.held
    }

    pub(super) fn acquire(&mut self) -> Result<(), InhibitError> {
        let window = self.window.ok_or(InhibitError::NoWindow)?;
        let reason: Vec<u16> = WHY.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `reason` is NUL-terminated and outlives the call (Windows copies it). A
        // handle that is not a window of this thread makes the call fail, nothing worse.
        let ok = unsafe { ShutdownBlockReasonCreate(hwnd(window), reason.as_ptr()) };
        if ok == 0 {
            return Err(last_error("ShutdownBlockReasonCreate"));
        }
        self.held = true;
        Ok(())
    }

    pub(super) fn release(&mut self) -> Result<(), InhibitError> {
        let Some(window) = self.window else {
            self.held = false;
            return Ok(());
        };
        // SAFETY: as in `acquire`; the call takes no pointers but the handle.
        let ok = unsafe { ShutdownBlockReasonDestroy(hwnd(window)) };
        if ok == 0 {
            // Still held: a later set(false) or the drop tries again.
            return Err(last_error("ShutdownBlockReasonDestroy"));
        }
        self.held = false;
        Ok(())
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        if self.held {
            // Nobody is left to tell; Windows drops the reason with the window anyway.
            let _ = self.release();
        }
    }
}

fn hwnd(window: NonZeroIsize) -> HWND {
    window.get() as HWND
}

fn last_error(call: &'static str) -> InhibitError {
    // SAFETY: reads the calling thread's last-error value; no arguments.
    let code = unsafe { GetLastError() };
    InhibitError::Windows { call, code }
}
