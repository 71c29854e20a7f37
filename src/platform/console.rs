//! The Windows release build is a GUI program, so the till window opens without a console
//! window behind it. Such a program started from cmd or PowerShell has no console either, and
//! the command line would print nowhere: with arguments given, it borrows its parent's.

/// On Windows, when the program was given arguments, attaches to the console of the process
/// that started it (if that has one: Explorer and shortcuts do not). Elsewhere nothing to do.
pub fn attach_parent_for_cli() {
    #[cfg(windows)]
    if std::env::args_os().len() > 1 {
        windows::attach_parent();
    }
}

#[cfg(windows)]
mod windows {
    use windows_sys::Win32::Foundation::{HANDLE, INVALID_HANDLE_VALUE};
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE, STD_INPUT_HANDLE,
        STD_OUTPUT_HANDLE, SetStdHandle,
    };

    const STREAMS: [STD_HANDLE; 3] = [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE];

    pub(super) fn attach_parent() {
        // Streams the caller redirected (`> status.json`, a pipe) must stay where they point.
        // SAFETY: GetStdHandle takes a stream id and returns a handle value; nothing is dereferenced.
        let before: [HANDLE; 3] = STREAMS.map(|id| unsafe { GetStdHandle(id) });
        // SAFETY: no pointers. It fails harmlessly when the parent has no console or this
        // process already has one (a debug build is a console program).
        if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } == 0 {
            return;
        }
        for (id, handle) in STREAMS.into_iter().zip(before) {
            if !handle.is_null() && handle != INVALID_HANDLE_VALUE {
                // SAFETY: puts back the handle this process already had for the stream.
                unsafe { SetStdHandle(id, handle) };
            }
        }
    }
}
