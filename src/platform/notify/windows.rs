//! Windows: a balloon from a notification-area icon (shown as a toast on Windows 10/11). The
//! icon needs a window to belong to; a hidden message-only window is made for it on a thread
//! of its own, which keeps icon and window for as long as the note should be seen and then
//! removes both (the toast goes with its icon). Nothing is sent to the window, so it needs no
//! message loop.

use super::{APP_NAME, Note, NotifyError};
use std::ptr::null_mut;
use std::sync::mpsc;
use std::time::Duration;
use windows_sys::Win32::Foundation::{GetLastError, HWND};
use windows_sys::Win32::UI::Shell::{
    NIF_ICON, NIF_INFO, NIF_TIP, NIIF_INFO, NIIF_WARNING, NIM_ADD, NIM_DELETE, NOTIFYICONDATAW, Shell_NotifyIconW,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DestroyWindow, HWND_MESSAGE, IDI_INFORMATION, IDI_WARNING, LoadIconW,
};

/// How long the icon (and with it the toast) stays: an urgent note until somebody must have
/// seen it, others about as long as Windows shows a toast and a little more.
const URGENT_FOR: Duration = Duration::from_secs(10 * 60);
const NORMAL_FOR: Duration = Duration::from_secs(30);

/// The window's raw handle, kept as an integer so the holder thread can own it.
struct Held(isize);

pub(super) fn notify(note: &Note) -> Result<(), NotifyError> {
    let (tx, rx) = mpsc::sync_channel(1);
    let note = note.clone();
    std::thread::Builder::new()
        .name("notify-icon".into())
        .spawn(move || match show(&note) {
            Ok(held) => {
                let _ = tx.send(Ok(()));
                std::thread::sleep(if note.urgent { URGENT_FOR } else { NORMAL_FOR });
                remove(held);
            }
            Err(e) => {
                let _ = tx.send(Err(e));
            }
        })
        .map_err(|e| NotifyError::Thread(e.to_string()))?;
    // The caller's `within` bounds this wait.
    rx.recv()
        .map_err(|_| NotifyError::Thread("the notification-icon thread ended without an answer".into()))?
}

/// Makes the window and adds the icon with its balloon.
fn show(note: &Note) -> Result<Held, NotifyError> {
    let class = wide("STATIC");
    let name = wide(APP_NAME);
    // SAFETY: both strings are NUL-terminated and outlive the call; HWND_MESSAGE as parent
    // makes a message-only window (never shown); the predefined STATIC class needs no instance.
    let window = unsafe {
        CreateWindowExW(
            0,
            class.as_ptr(),
            name.as_ptr(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            null_mut(),
            null_mut(),
            null_mut(),
        )
    };
    if window.is_null() {
        return Err(last_error("CreateWindowExW"));
    }
    let (icon, flags) = if note.urgent {
        (IDI_WARNING, NIIF_WARNING)
    } else {
        (IDI_INFORMATION, NIIF_INFO)
    };
    let mut data = icon_data(window);
    data.uFlags = NIF_ICON | NIF_TIP | NIF_INFO;
    // SAFETY: a null instance with a predefined icon id loads a shared system icon.
    data.hIcon = unsafe { LoadIconW(null_mut(), icon) };
    copy(&mut data.szTip, APP_NAME);
    copy(&mut data.szInfoTitle, &note.title);
    copy(&mut data.szInfo, &note.body);
    data.dwInfoFlags = flags;
    // SAFETY: `data` is a fully initialised NOTIFYICONDATAW with its own size in cbSize.
    let added = unsafe { Shell_NotifyIconW(NIM_ADD, &data) };
    if added == 0 {
        let err = last_error("Shell_NotifyIconW");
        // SAFETY: the window was made on this thread just above.
        unsafe { DestroyWindow(window) };
        return Err(err);
    }
    Ok(Held(window as isize))
}

fn remove(held: Held) {
    let window = held.0 as HWND;
    let data = icon_data(window);
    // SAFETY: as in `show`; deleting names the icon by window and id only. Failures leave
    // nothing to undo: Windows drops the icon with the window.
    unsafe {
        Shell_NotifyIconW(NIM_DELETE, &data);
        DestroyWindow(window);
    }
}

fn icon_data(window: HWND) -> NOTIFYICONDATAW {
    NOTIFYICONDATAW {
        cbSize: size_of::<NOTIFYICONDATAW>() as u32,
        hWnd: window,
        uID: 1,
        ..Default::default()
    }
}

/// Copies `text` into a fixed UTF-16 field, cut short if need be, always NUL-terminated.
fn copy(field: &mut [u16], text: &str) {
    let room = field.len().saturating_sub(1);
    let mut n = 0;
    for unit in text.encode_utf16().take(room) {
        field[n] = unit;
        n += 1;
    }
    // A surrogate pair cut in half would show as garbage.
    if n > 0 && (0xD800..0xDC00).contains(&field[n - 1]) {
        n -= 1;
    }
    field[n] = 0;
}

fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}

fn last_error(call: &'static str) -> NotifyError {
    // SAFETY: reads the calling thread's last-error value; no arguments.
    let code = unsafe { GetLastError() };
    NotifyError::Windows { call, code }
}
