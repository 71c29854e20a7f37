//! Starting the till when the shop's user signs in: an XDG autostart entry on Linux
//! (`~/.config/autostart/tillguard.desktop`), the user's `Run` key on Windows
//! (`HKCU\Software\Microsoft\Windows\CurrentVersion\Run`, value `Tillguard`). The MSI can add a
//! Startup-folder shortcut for every user instead (`AUTOSTART=1`).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Where the entry lives, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub location: String,
    /// The command it starts; `None` when there is no entry.
    pub command: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AutostartError {
    #[error("cannot find the user's configuration folder (is HOME set?)")]
    NoConfigFolder,
    #[error("{what} {location}: {source}")]
    Io {
        what: &'static str,
        location: String,
        source: std::io::Error,
    },
    #[error("starting at sign-in is not supported on this system")]
    Unsupported,
}

/// Makes the till start at sign-in with `program` and `args` (the data folder and config
/// file the caller chose, so the till opens the same ledger).
pub fn enable(program: &Path, args: &[OsString]) -> Result<Entry, AutostartError> {
    imp::enable(program, args)
}

/// Removes the entry; `Ok(false)` when there was none.
pub fn disable() -> Result<bool, AutostartError> {
    imp::disable()
}

pub fn status() -> Result<Entry, AutostartError> {
    imp::status()
}

/// The XDG autostart file in `config_dir` (`$XDG_CONFIG_HOME`, usually `~/.config`).
pub fn desktop_file(config_dir: &Path) -> PathBuf {
    config_dir.join("autostart").join("tillguard.desktop")
}

/// A desktop entry that starts the till: `Exec` quoted by the Desktop Entry rules (every
/// argument in double quotes, with `"`, `` ` ``, `$` and `\` escaped, `%` doubled).
pub fn desktop_entry(program: &Path, args: &[OsString]) -> String {
    let exec: Vec<String> = std::iter::once(program.as_os_str())
        .chain(args.iter().map(OsString::as_os_str))
        .map(|a| quote_exec(&a.to_string_lossy()))
        .collect();
    format!(
        "[Desktop Entry]\nType=Application\nName=Tillguard\nName[zh_CN]=Tillguard 收银\n\
         Comment=Open the till at sign-in\nComment[zh_CN]=登录后打开收银台\nExec={}\nIcon=tillguard\n\
         Terminal=false\nX-GNOME-Autostart-enabled=true\n",
        exec.join(" ")
    )
}

fn quote_exec(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len() + 2);
    out.push('"');
    for c in arg.chars() {
        match c {
            // Escaped for the quoting, then each backslash again for the string value.
            '"' | '`' | '$' => {
                out.push_str("\\\\");
                out.push(c);
            }
            '\\' => out.push_str("\\\\\\\\"),
            '%' => out.push_str("%%"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The command a Windows `Run` value holds: every argument in double quotes.
pub fn windows_command(program: &Path, args: &[OsString]) -> String {
    std::iter::once(program.as_os_str())
        .chain(args.iter().map(OsString::as_os_str))
        .map(|a| format!("\"{}\"", a.to_string_lossy().replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(all(unix, not(target_os = "macos")))]
mod imp {
    use super::*;

    fn file() -> Result<PathBuf, AutostartError> {
        let dirs = directories::BaseDirs::new().ok_or(AutostartError::NoConfigFolder)?;
        Ok(desktop_file(dirs.config_dir()))
    }

    fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> AutostartError {
        let location = path.display().to_string();
        move |source| AutostartError::Io { what, location, source }
    }

    pub fn enable(program: &Path, args: &[OsString]) -> Result<Entry, AutostartError> {
        let path = file()?;
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(io("cannot create", folder))?;
        }
        let text = desktop_entry(program, args);
        // Written whole under another name first: a half-written entry would be ignored silently.
        let temp = path.with_extension("desktop.new");
        std::fs::write(&temp, &text).map_err(io("cannot write", &temp))?;
        std::fs::rename(&temp, &path).map_err(io("cannot write", &path))?;
        status()
    }

    pub fn disable() -> Result<bool, AutostartError> {
        let path = file()?;
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io("cannot remove", &path)(e)),
        }
    }

    pub fn status() -> Result<Entry, AutostartError> {
        let path = file()?;
        let command = match std::fs::read_to_string(&path) {
            Ok(text) => text.lines().find_map(|l| l.strip_prefix("Exec=")).map(str::to_string),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io("cannot read", &path)(e)),
        };
        Ok(Entry {
            location: path.display().to_string(),
            command,
        })
    }
}

#[cfg(windows)]
mod imp {
    use super::*;
    use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, ERROR_SUCCESS};
    use windows_sys::Win32::System::Registry::{
        HKEY_CURRENT_USER, REG_SZ, RRF_RT_REG_SZ, RegDeleteKeyValueW, RegGetValueW, RegSetKeyValueW,
    };

    const KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
    const VALUE: &str = "Tillguard";

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(std::iter::once(0)).collect()
    }

    fn location() -> String {
        format!(r"HKCU\{KEY}\{VALUE}")
    }

    fn failed(what: &'static str, code: u32) -> AutostartError {
        AutostartError::Io {
            what,
            location: location(),
            source: std::io::Error::from_raw_os_error(code as i32),
        }
    }

    pub fn enable(program: &Path, args: &[OsString]) -> Result<Entry, AutostartError> {
        let command = wide(&windows_command(program, args));
        let (key, value) = (wide(KEY), wide(VALUE));
        // SAFETY: the strings are NUL-terminated and live across the call; the data length is
        // the byte length of `command` including its NUL, as REG_SZ requires.
        let code = unsafe {
            RegSetKeyValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                value.as_ptr(),
                REG_SZ,
                command.as_ptr().cast(),
                (command.len() * 2) as u32,
            )
        };
        if code != ERROR_SUCCESS {
            return Err(failed("cannot write", code));
        }
        status()
    }

    pub fn disable() -> Result<bool, AutostartError> {
        let (key, value) = (wide(KEY), wide(VALUE));
        // SAFETY: NUL-terminated strings that outlive the call.
        let code = unsafe { RegDeleteKeyValueW(HKEY_CURRENT_USER, key.as_ptr(), value.as_ptr()) };
        match code {
            ERROR_SUCCESS => Ok(true),
            ERROR_FILE_NOT_FOUND => Ok(false),
            code => Err(failed("cannot remove", code)),
        }
    }

    pub fn status() -> Result<Entry, AutostartError> {
        let (key, value) = (wide(KEY), wide(VALUE));
        let mut buf = vec![0u16; 4096];
        let mut bytes = (buf.len() * 2) as u32;
        // SAFETY: `buf` holds `bytes` bytes; the strings are NUL-terminated; the type pointer may be null.
        let code = unsafe {
            RegGetValueW(
                HKEY_CURRENT_USER,
                key.as_ptr(),
                value.as_ptr(),
                RRF_RT_REG_SZ,
                std::ptr::null_mut(),
                buf.as_mut_ptr().cast(),
                &mut bytes,
            )
        };
        let command = match code {
            ERROR_SUCCESS => {
                let len = (bytes as usize / 2).min(buf.len());
                let text = String::from_utf16_lossy(&buf[..len]);
                Some(text.trim_end_matches('\0').to_string())
            }
            ERROR_FILE_NOT_FOUND => None,
            code => return Err(failed("cannot read", code)),
        };
        Ok(Entry {
            location: location(),
            command,
        })
    }
}

#[cfg(not(any(windows, all(unix, not(target_os = "macos")))))]
mod imp {
    use super::*;

    pub fn enable(_: &Path, _: &[OsString]) -> Result<Entry, AutostartError> {
        Err(AutostartError::Unsupported)
    }

    pub fn disable() -> Result<bool, AutostartError> {
        Err(AutostartError::Unsupported)
    }

    pub fn status() -> Result<Entry, AutostartError> {
        Err(AutostartError::Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_quotes_every_argument() {
        let args = [
            OsString::from("--data-dir"),
            OsString::from("/srv/shop $1 \"a\" 100% \\x"),
        ];
        let entry = desktop_entry(Path::new("/opt/till guard/tillguard"), &args);
        let exec = entry.lines().find_map(|l| l.strip_prefix("Exec=")).expect("Exec line");
        assert_eq!(
            exec,
            r#""/opt/till guard/tillguard" "--data-dir" "/srv/shop \\$1 \\"a\\" 100%% \\\\x""#
        );
        assert!(entry.starts_with("[Desktop Entry]\nType=Application\n"));
        assert!(entry.contains("\nIcon=tillguard\n"));
    }

    #[test]
    fn the_windows_command_quotes_every_argument() {
        let args = [OsString::from("--data-dir"), OsString::from(r"D:\Shop Data")];
        assert_eq!(
            windows_command(Path::new(r"C:\Program Files\Tillguard\tillguard.exe"), &args),
            r#""C:\Program Files\Tillguard\tillguard.exe" "--data-dir" "D:\Shop Data""#
        );
    }
}
