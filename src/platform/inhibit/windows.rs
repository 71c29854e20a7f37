//! Windows: a shutdown block reason on the application's top-level window, so the shutdown
//! screen names Tillguard and "card batch not settled", and WM_QUERYENDSESSION answered with
//! FALSE while the block is held, which is what makes Windows wait. The answer needs the
//! window procedure, which winit owns: the window is subclassed (GWLP_WNDPROC) once, and the
//! new procedure passes every other message on to winit's.

use super::{InhibitError, WHY};
use std::num::NonZeroIsize;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use windows_sys::Win32::Foundation::{GetLastError, HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::Shutdown::{ShutdownBlockReasonCreate, ShutdownBlockReasonDestroy};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CallWindowProcW, GWLP_WNDPROC, SetWindowLongPtrW, WM_QUERYENDSESSION, WNDPROC,
};

/// winit's window procedure, which ours passes messages on to (0: not subclassed yet).
static PREVIOUS_PROC: AtomicIsize = AtomicIsize::new(0);
/// Whether WM_QUERYENDSESSION is answered "not now".
static BLOCKING: AtomicBool = AtomicBool::new(false);

/// Answers WM_QUERYENDSESSION while blocking; everything else goes to winit unchanged.
unsafe extern "system" fn guard_proc(hwnd: HWND, msg: u32, wparam: WPARAM, lparam: LPARAM) -> LRESULT {
    if msg == WM_QUERYENDSESSION && BLOCKING.load(Ordering::SeqCst) {
        return 0;
    }
    let previous = PREVIOUS_PROC.load(Ordering::SeqCst);
    // SAFETY: `previous` is the procedure SetWindowLongPtrW returned for this window, a valid
    // WNDPROC (or 0, which transmutes to None and CallWindowProcW treats as "no procedure").
    let previous: WNDPROC = unsafe { std::mem::transmute::<isize, WNDPROC>(previous) };
    // SAFETY: the arguments are exactly those Windows passed to this procedure.
    unsafe { CallWindowProcW(previous, hwnd, msg, wparam, lparam) }
}

/// Puts `guard_proc` in front of winit's procedure, once per process.
fn subclass(window: NonZeroIsize) -> Result<(), InhibitError> {
    if PREVIOUS_PROC.load(Ordering::SeqCst) != 0 {
        return Ok(());
    }
    let ours = guard_proc as *const () as isize;
    // SAFETY: the handle is this process's top-level window; `guard_proc` has the WNDPROC
    // signature and chains to the previous procedure stored before any message can reach it
    // (the store happens on the window's own thread, which is also the one dispatching).
    let previous = unsafe { SetWindowLongPtrW(hwnd(window), GWLP_WNDPROC, ours) };
    if previous == 0 {
        return Err(last_error("SetWindowLongPtrW"));
    }
    PREVIOUS_PROC.store(previous, Ordering::SeqCst);
    Ok(())
}

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
        subclass(window)?;
        let reason: Vec<u16> = WHY.encode_utf16().chain(std::iter::once(0)).collect();
        // SAFETY: `reason` is NUL-terminated and outlives the call (Windows copies it). A
        // handle that is not a window of this thread makes the call fail, nothing worse.
        let ok = unsafe { ShutdownBlockReasonCreate(hwnd(window), reason.as_ptr()) };
        if ok == 0 {
            return Err(last_error("ShutdownBlockReasonCreate"));
        }
        BLOCKING.store(true, Ordering::SeqCst);
        self.held = true;
        Ok(())
    }

    pub(super) fn release(&mut self) -> Result<(), InhibitError> {
        BLOCKING.store(false, Ordering::SeqCst);
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
